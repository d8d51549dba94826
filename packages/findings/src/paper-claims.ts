import type { CellStats, GroupGrid } from '@seedsweep/stats';

/** The paper's best settings per region (its Figure 3). */
export const PAPER_BEST: Record<string, { tau: number; activePercent: number }> = {
  East: { tau: 1e-8, activePercent: 60 },
  West: { tau: 1e-12, activePercent: 90 },
};

export interface RegionClaims {
  group: GroupGrid;
  /** The cell of the largest mean gain (ties: the smaller Wilcoxon p, then plan order). */
  best: CellStats | null;
  /** The cell at the paper's best setting, when the grid has it. */
  paperBest: CellStats | null;
  /** Mean gain per tau (over every P) and per P (over every tau), in plan order. */
  byTau: { tau: number; meanGain: number | null }[];
  byP: { activePercent: number; meanGain: number | null }[];
  /** Cells where RandomOut harmed a seed, diverged, or lost significantly (p < 0.05). */
  harmful: CellStats[];
}

export function regionClaims(group: GroupGrid): RegionClaims {
  const cells = group.cells.flat();
  const withGain = cells.filter((c) => c.meanGain !== null);
  const best =
    [...withGain].sort(
      (a, b) => b.meanGain! - a.meanGain! || (a.wilcoxonP ?? 1) - (b.wilcoxonP ?? 1),
    )[0] ?? null;
  const paper = PAPER_BEST[group.region];
  const paperBest =
    (paper && cells.find((c) => c.tau === paper.tau && c.activePercent === paper.activePercent)) ??
    null;
  const average = (list: CellStats[]) => {
    const gains = list.flatMap((c) => (c.meanGain === null ? [] : [c.meanGain]));
    return gains.length === 0 ? null : gains.reduce((s, g) => s + g, 0) / gains.length;
  };
  return {
    group,
    best,
    paperBest,
    byTau: group.taus.map((tau, t) => ({ tau, meanGain: average(group.cells[t] ?? []) })),
    byP: group.activePercents.map((activePercent, p) => ({
      activePercent,
      meanGain: average(group.cells.map((row) => row[p]!).filter(Boolean)),
    })),
    harmful: cells.filter(
      (c) =>
        c.harmed > 0 ||
        c.diverged > 0 ||
        (c.meanGain !== null && c.meanGain < 0 && (c.wilcoxonP ?? 1) < 0.05),
    ),
  };
}
