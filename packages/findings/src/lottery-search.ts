import type { LotteryLine } from '@seedsweep/figures';
import type { CellStats, GroupGrid } from '@seedsweep/stats';

/** One (region, input scale, learning rate) of the search: its baselines and its one cell. */
export interface LotteryRow {
  region: string;
  inputScale: string;
  learningRate: number;
  epochs: number;
  /** Baselines with a result. */
  n: number;
  /** Baselines at or below the group's failure threshold (majority-class rate + margin). */
  atChance: number;
  /** Mean accuracy of every done baseline; null when none is done. */
  meanAccuracy: number | null;
  /** Mean accuracy of the done baselines above the threshold: what a converged seed reaches. */
  meanConverged: number | null;
  failureThreshold: number | null;
  /** The search's RandomOut cell (its first), paired with these baselines. */
  cell: CellStats | null;
}

/** The paper: about 5% of its baseline seeds ended "as low as random chance". */
export const PAPER_FAILURE_RATE = 0.05;

/**
 * A row per group of the search's grid. `convergedOf` gives the mean accuracy of the done
 * baselines above the threshold (the grid keeps only the mean of all of them).
 */
export function lotteryRows(
  groups: readonly GroupGrid[],
  convergedOf: (group: GroupGrid) => number | null,
): LotteryRow[] {
  return groups.map((g) => ({
    region: g.region,
    inputScale: g.axes.inputScale,
    learningRate: g.axes.learningRate,
    epochs: g.axes.epochs,
    n: g.baseline.done,
    atChance: g.baseline.atChance,
    meanAccuracy: g.baseline.meanAccuracy,
    meanConverged: convergedOf(g),
    failureThreshold: g.failureThreshold,
    cell: g.cells[0]?.[0] ?? null,
  }));
}

/** The figure's lines: one per input scale and region, in the rows' order. */
export function lotteryLines(rows: readonly LotteryRow[]): LotteryLine[] {
  const lines = new Map<string, LotteryLine & { points: LotteryLine['points'][number][] }>();
  for (const row of rows) {
    const id = `${row.inputScale}/${row.region}`;
    let line = lines.get(id);
    if (line === undefined) {
      line = { inputScale: row.inputScale, region: row.region, points: [] };
      lines.set(id, line);
    }
    line.points.push({
      learningRate: row.learningRate,
      n: row.n,
      atChance: row.atChance,
      meanAccuracy: row.meanAccuracy,
    });
  }
  return [...lines.values()];
}

export interface RegimeChoice {
  inputScale: string;
  learningRate: number;
  /** Per region: the fraction of baselines at chance and the converged seeds' mean accuracy. */
  regions: { region: string; n: number; atChance: number; meanConverged: number | null }[];
  /** Mean over regions of |fraction at chance - 5%|. */
  distance: number;
  /** Whether the seeds that escaped the lottery learnt as well as in the region's best setting. */
  converged: boolean;
  /** Whether every seed the search plans is counted. */
  complete: boolean;
}

/**
 * "The rest converged": within this of the best mean accuracy that escaped seeds reach with the
 * same input scale in the region.
 */
export const CONVERGED_WITHIN = 0.05;

/**
 * The (input scale, learning rate) whose baselines fail most like the paper's: among settings
 * where the lottery exists (a seed at chance in some region) and the seeds that escape it learn
 * (their mean within 5 points of the best such mean of the region with the same input scale), the smallest
 * mean distance over the regions of the fraction at chance from 5%; among equals, the higher
 * accuracy of the rest. When no setting has both, the nearest in failure rate, marked
 * `converged: false`. Null when no setting has a seed at chance.
 */
export function chooseRegime(
  rows: readonly LotteryRow[],
  seedsPlanned: number,
): RegimeChoice | null {
  const regions = [...new Set(rows.map((r) => r.region))];
  // What escaped seeds reach at best, per region and input scale: the scales differ in how well
  // the network learns at all, which is not the lottery.
  const best = new Map<string, number>();
  for (const r of rows) {
    const id = `${r.region}/${r.inputScale}`;
    best.set(id, Math.max(best.get(id) ?? 0, r.meanConverged ?? 0));
  }
  const settings = new Map<string, LotteryRow[]>();
  for (const row of rows) {
    const id = `${row.inputScale}/${row.learningRate}`;
    settings.set(id, [...(settings.get(id) ?? []), row]);
  }
  const choices: RegimeChoice[] = [];
  for (const group of settings.values()) {
    if (group.length !== regions.length || group.some((r) => r.n === 0)) continue;
    if (group.every((r) => r.atChance === 0)) continue;
    const distance =
      group.reduce((sum, r) => sum + Math.abs(r.atChance / r.n - PAPER_FAILURE_RATE), 0) /
      group.length;
    choices.push({
      inputScale: group[0]!.inputScale,
      learningRate: group[0]!.learningRate,
      regions: group.map((r) => ({
        region: r.region,
        n: r.n,
        atChance: r.atChance,
        meanConverged: r.meanConverged,
      })),
      distance,
      converged: group.every(
        (r) =>
          r.meanConverged !== null &&
          r.meanConverged >= best.get(`${r.region}/${r.inputScale}`)! - CONVERGED_WITHIN - 1e-12,
      ),
      complete: group.every((r) => r.n >= seedsPlanned),
    });
  }
  const rest = (c: RegimeChoice) =>
    c.regions.reduce((sum, r) => sum + (r.meanConverged ?? 0), 0) / c.regions.length;
  choices.sort(
    (a, b) =>
      Number(b.converged) - Number(a.converged) || a.distance - b.distance || rest(b) - rest(a),
  );
  return choices[0] ?? null;
}
