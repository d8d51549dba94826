import { mean, sampleSd } from './sample-moments.js';
import { studentTQuantile } from './student-t.js';
import { wilcoxonSignedRank } from './wilcoxon-signed-rank.js';

export interface RunOutcome {
  /** Test accuracy as a fraction, 0..1. */
  accuracy: number;
  diverged: boolean;
}

/** One seed's two runs: with RandomOut (treatment) and without (baseline). */
export interface PairedRun {
  seed: number;
  treatment: RunOutcome;
  baseline: RunOutcome;
}

export interface PairedSummaryOptions {
  /**
   * A baseline at or below this accuracy failed to learn (the caller's majority-class rate plus
   * a margin). Null: unknown, so no run counts as failed or recovered.
   */
  failureThreshold: number | null;
  /** A treatment run more than this below its baseline counts as harmed. */
  margin: number;
}

/** Paired statistics of treatment against baseline. Every number is finite or null (JSON). */
export interface PairedSummary {
  n: number;
  meanTreatment: number | null;
  meanBaseline: number | null;
  /** Mean of treatment - baseline over the pairs. */
  meanGain: number | null;
  /** Sample standard deviation of the gains; null for n < 2. */
  sdGain: number | null;
  /** 95% Student-t confidence interval of the mean gain; null for n < 2. */
  ci95: [lo: number, hi: number] | null;
  wins: number;
  /** Exactly equal accuracies. */
  ties: number;
  losses: number;
  /** Two-sided Wilcoxon signed-rank p-value; null when no gain is non-zero. */
  wilcoxonP: number | null;
  /** Baselines at or below the failure threshold: seeds at chance (not errored trials). */
  baselineAtChance: number;
  /** Baseline failed and the treatment run of the same seed ended above the threshold. */
  recovered: number;
  /** Treatment more than `margin` below its baseline. */
  harmed: number;
  /** Treatment runs (of these pairs) that diverged. */
  diverged: number;
}

/**
 * Summarises seed-matched pairs. The pairs are sorted by seed first, so the floating-point
 * sums, and hence the result, do not depend on the order the caller collected them in.
 * Throws a RangeError for a repeated or non-finite seed, a non-finite accuracy, threshold or margin.
 */
export function pairedSummary(
  pairs: readonly PairedRun[],
  options: PairedSummaryOptions,
): PairedSummary {
  checkOptions(options);
  const sorted = checkedBySeed(pairs);
  const gains = sorted.map((pair) => pair.treatment.accuracy - pair.baseline.accuracy);
  const meanGain = mean(gains);
  const sdGain = sampleSd(gains);
  return {
    n: sorted.length,
    meanTreatment: mean(sorted.map((pair) => pair.treatment.accuracy)),
    meanBaseline: mean(sorted.map((pair) => pair.baseline.accuracy)),
    meanGain,
    sdGain,
    ci95: confidenceInterval(meanGain, sdGain, sorted.length),
    wins: gains.filter((gain) => gain > 0).length,
    ties: gains.filter((gain) => gain === 0).length,
    losses: gains.filter((gain) => gain < 0).length,
    wilcoxonP: wilcoxonSignedRank(gains)?.p ?? null,
    ...failureCounts(sorted, options),
    diverged: sorted.filter((pair) => pair.treatment.diverged).length,
  };
}

function confidenceInterval(
  meanGain: number | null,
  sd: number | null,
  n: number,
): [number, number] | null {
  if (meanGain === null || sd === null || n < 2) return null;
  const halfWidth = (studentTQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  return [meanGain - halfWidth, meanGain + halfWidth];
}

function failureCounts(
  pairs: readonly PairedRun[],
  { failureThreshold, margin }: PairedSummaryOptions,
): Pick<PairedSummary, 'baselineAtChance' | 'recovered' | 'harmed'> {
  const harmed = pairs.filter((p) => p.treatment.accuracy < p.baseline.accuracy - margin).length;
  if (failureThreshold === null) return { baselineAtChance: 0, recovered: 0, harmed };
  const failed = pairs.filter((p) => p.baseline.accuracy <= failureThreshold);
  return {
    baselineAtChance: failed.length,
    recovered: failed.filter((p) => p.treatment.accuracy > failureThreshold).length,
    harmed,
  };
}

function checkOptions({ failureThreshold, margin }: PairedSummaryOptions): void {
  if (!Number.isFinite(margin)) throw new RangeError(`margin must be finite, got ${margin}`);
  if (failureThreshold !== null && !Number.isFinite(failureThreshold)) {
    throw new RangeError(`failureThreshold must be finite or null, got ${failureThreshold}`);
  }
}

function checkedBySeed(pairs: readonly PairedRun[]): PairedRun[] {
  const seen = new Set<number>();
  for (const pair of pairs) {
    if (!Number.isFinite(pair.seed)) throw new RangeError(`seed must be finite, got ${pair.seed}`);
    if (seen.has(pair.seed))
      throw new RangeError(`seed ${pair.seed} appears in more than one pair`);
    seen.add(pair.seed);
    for (const [role, run] of [
      ['treatment', pair.treatment],
      ['baseline', pair.baseline],
    ] as const) {
      if (!Number.isFinite(run.accuracy)) {
        throw new RangeError(
          `seed ${pair.seed}: ${role} accuracy must be finite, got ${run.accuracy}`,
        );
      }
    }
  }
  return [...pairs].sort((a, b) => a.seed - b.seed);
}
