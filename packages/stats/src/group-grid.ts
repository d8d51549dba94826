import type { GridGroup } from '@seedsweep/sweep-spec';
import { pairedSummary, type PairedRun } from './paired-summary.js';
import { cellKeys, checkGroupShape } from './plan-keys.js';
import { mean, sampleSd } from './sample-moments.js';
import type {
  BaselineStats,
  CellStats,
  GroupGrid,
  TrialLookup,
  TrialOutcome,
} from './sweep-grid.js';

/** The statistics of one plan group. Pairs are matched by seed index, never by arrival. */
export function buildGroupGrid(group: GridGroup, lookup: TrialLookup, margin: number): GroupGrid {
  checkGroupShape(group);
  const baselines = group.baseline.map((key) => lookup(key));
  const majorityRate = groupMajorityRate(baselines);
  const failureThreshold = majorityRate === null ? null : majorityRate + margin;
  const cells = group.taus.map((tau, t) =>
    group.activePercents.map((activePercent, p) => {
      const treatments = cellKeys(group, t, p).map((key) => lookup(key));
      const stats = { failureThreshold, margin };
      return cellStats(tau, activePercent, group.seeds, baselines, treatments, stats);
    }),
  );
  return {
    id: group.id,
    region: group.region,
    axes: { ...group.axes },
    taus: [...group.taus],
    activePercents: [...group.activePercents],
    seeds: [...group.seeds],
    majorityRate,
    failureThreshold,
    baseline: baselineStats(baselines, failureThreshold),
    cells,
  };
}

/**
 * The rate is a property of the group's test set, so every baseline should report the same
 * value. Should they disagree, the largest is taken: independent of arrival order, and it errs
 * towards counting a doubtful baseline as failed rather than hiding it.
 */
function groupMajorityRate(baselines: readonly (TrialOutcome | undefined)[]): number | null {
  const rates = baselines.flatMap((b) => (b?.majorityRate == null ? [] : [b.majorityRate]));
  return rates.length === 0 ? null : Math.max(...rates);
}

function baselineStats(
  baselines: readonly (TrialOutcome | undefined)[],
  failureThreshold: number | null,
): BaselineStats {
  const done = baselines.filter((b): b is TrialOutcome => b !== undefined);
  const accuracies = done.map((b) => b.testAccuracy);
  return {
    done: done.length,
    meanAccuracy: mean(accuracies),
    sd: sampleSd(accuracies),
    atChance:
      failureThreshold === null ? 0 : accuracies.filter((a) => a <= failureThreshold).length,
    diverged: done.filter((b) => b.diverged).length,
  };
}

function cellStats(
  tau: number,
  activePercent: number,
  seeds: readonly number[],
  baselines: readonly (TrialOutcome | undefined)[],
  treatments: readonly (TrialOutcome | undefined)[],
  options: { failureThreshold: number | null; margin: number },
): CellStats {
  const pairs: PairedRun[] = [];
  seeds.forEach((seed, s) => {
    const baseline = baselines[s];
    const treatment = treatments[s];
    if (baseline === undefined || treatment === undefined) return;
    pairs.push({ seed, treatment: runOutcome(treatment), baseline: runOutcome(baseline) });
  });
  const done = treatments.filter((t): t is TrialOutcome => t !== undefined);
  return {
    tau,
    activePercent,
    done: done.length,
    meanAccuracy: mean(done.map((t) => t.testAccuracy)),
    ...pairedSummary(pairs, options),
  };
}

function runOutcome(outcome: TrialOutcome): PairedRun['treatment'] {
  return { accuracy: outcome.testAccuracy, diverged: outcome.diverged };
}
