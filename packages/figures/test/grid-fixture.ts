import type { CellStats, GroupGrid, SweepGrid } from '@seedsweep/stats';

export interface GroupSpec {
  id: string;
  region?: string;
  taus: number[];
  activePercents: number[];
  /** gains[t][p] as a fraction (0.012 = +1.2 pp); null for a cell without pairs. */
  gains: (number | null)[][];
  n?: number;
}

/** A grid written by hand: the figures read only what a renderer shows. */
export function gridOf(groups: GroupSpec[], trials = { total: 100, done: 80 }): SweepGrid {
  return { trials, groups: groups.map(groupOf) };
}

function groupOf(spec: GroupSpec): GroupGrid {
  const n = spec.n ?? 50;
  return {
    id: spec.id,
    region: spec.region ?? 'East',
    axes: {
      epochs: 150,
      learningRate: 0.01,
      batchSize: 32,
      dataSeed: 0,
      cgn: 'l1',
      checkEvery: 'batch',
      minTrainLoss: null,
    },
    taus: spec.taus,
    activePercents: spec.activePercents,
    seeds: Array.from({ length: n }, (_, i) => i),
    majorityRate: 0.6,
    failureThreshold: 0.62,
    baseline: { done: n, meanAccuracy: 0.91, sd: 0.01, atChance: 1, diverged: 0 },
    cells: spec.taus.map((tau, t) =>
      spec.activePercents.map((activePercent, p) =>
        cellOf(tau, activePercent, spec.gains[t]?.[p] ?? null, n),
      ),
    ),
  };
}

function cellOf(tau: number, activePercent: number, gain: number | null, n: number): CellStats {
  const paired = gain === null ? 0 : n;
  return {
    tau,
    activePercent,
    done: paired,
    meanAccuracy: gain === null ? null : 0.91 + gain,
    n: paired,
    meanTreatment: gain === null ? null : 0.91 + gain,
    meanBaseline: gain === null ? null : 0.91,
    meanGain: gain,
    sdGain: gain === null ? null : 0.01,
    ci95: gain === null ? null : [gain - 0.003, gain + 0.003],
    wins: 0,
    ties: 0,
    losses: 0,
    wilcoxonP: gain === null ? null : 0.04,
    baselineAtChance: 0,
    recovered: 0,
    harmed: 0,
    diverged: 0,
  };
}
