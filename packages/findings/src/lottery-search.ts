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
  /** Per region: the baselines at chance, the escaped seeds' mean, the best such mean there. */
  regions: {
    region: string;
    n: number;
    atChance: number;
    meanConverged: number | null;
    bestConverged: number;
  }[];
  /** Mean over regions of |fraction at chance - 5%|. */
  failureDistance: number;
  /** Mean over regions of (best escaped mean of the region - this setting's). */
  shortfall: number;
  /** failureDistance + shortfall: what the choice minimises. */
  distance: number;
  /** Whether every seed the search plans is counted. */
  complete: boolean;
}

/**
 * The (input scale, learning rate) nearest the paper's baseline, where the lottery exists (a seed
 * at chance in some region): the smallest sum, in percentage points averaged over the regions,
 * of two distances from what the paper reports: the fraction of seeds at chance from 5%, and the
 * mean accuracy of the seeds that escaped from the best such mean any setting reaches in the
 * region ("the rest converged"). Ties: the higher accuracy of the rest. Null when no setting has
 * a seed at chance.
 */
export function chooseRegime(
  rows: readonly LotteryRow[],
  seedsPlanned: number,
): RegimeChoice | null {
  const regions = [...new Set(rows.map((r) => r.region))];
  const best = new Map<string, number>();
  for (const r of rows) best.set(r.region, Math.max(best.get(r.region) ?? 0, r.meanConverged ?? 0));
  const settings = new Map<string, LotteryRow[]>();
  for (const row of rows) {
    const id = `${row.inputScale}/${row.learningRate}`;
    settings.set(id, [...(settings.get(id) ?? []), row]);
  }
  const choices: RegimeChoice[] = [];
  for (const group of settings.values()) {
    if (group.length !== regions.length || group.some((r) => r.n === 0)) continue;
    if (group.every((r) => r.atChance === 0)) continue;
    const failureDistance = mean(group.map((r) => Math.abs(r.atChance / r.n - PAPER_FAILURE_RATE)));
    // A setting where every seed failed has no escaped seeds: as far from converged as can be.
    const shortfall = mean(group.map((r) => best.get(r.region)! - (r.meanConverged ?? 0)));
    choices.push({
      inputScale: group[0]!.inputScale,
      learningRate: group[0]!.learningRate,
      regions: group.map((r) => ({
        region: r.region,
        n: r.n,
        atChance: r.atChance,
        meanConverged: r.meanConverged,
        bestConverged: best.get(r.region)!,
      })),
      failureDistance,
      shortfall,
      distance: failureDistance + shortfall,
      complete: group.every((r) => r.n >= seedsPlanned),
    });
  }
  const rest = (c: RegimeChoice) => mean(c.regions.map((r) => r.meanConverged ?? 0));
  choices.sort((a, b) => a.distance - b.distance || rest(b) - rest(a));
  return choices[0] ?? null;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
