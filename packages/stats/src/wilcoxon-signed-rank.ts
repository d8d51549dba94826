import { averageRanks } from './average-ranks.js';
import { normalCdf } from './normal-cdf.js';
import { signedRankCdf } from './signed-rank-distribution.js';

/** Largest number of non-zero differences for which the exact distribution is used. */
export const WILCOXON_EXACT_MAX_N = 50;

/**
 * Significant digits |d| keeps before ranking. Accuracies are counts over a test set, so equal
 * differences in exact arithmetic (say 0.5 - 0.4 and 0.4 - 0.3) must tie, but in floating point
 * they differ in the last bits. R's wilcox.test has the same knob (digits.rank).
 */
const RANK_DIGITS = 12;

export interface WilcoxonResult {
  /** Non-zero differences: the sample size the test used. */
  n: number;
  /** V, the sum of the ranks of the positive differences (as R reports it). */
  statistic: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'normal';
}

/**
 * Two-sided Wilcoxon signed-rank test of paired differences against zero, as R's
 * wilcox.test(x, y, paired = TRUE): zero differences are dropped (Wilcoxon's method); with no
 * ties among |d| and at most 50 differences left the p-value is exact, otherwise it is the
 * normal approximation with tie and continuity corrections. Unlike R, dropping zeros does not
 * by itself switch to the approximation. Null when no difference is non-zero.
 */
export function wilcoxonSignedRank(differences: readonly number[]): WilcoxonResult | null {
  for (const d of differences) {
    if (!Number.isFinite(d)) throw new RangeError(`differences must be finite, got ${d}`);
  }
  const nonZero = differences.map(roundForRanking).filter((d) => d !== 0);
  const n = nonZero.length;
  if (n === 0) return null;
  const { ranks, tieSizes } = averageRanks(nonZero.map(Math.abs));
  let statistic = 0;
  nonZero.forEach((d, i) => {
    if (d > 0) statistic += ranks[i] ?? 0;
  });
  if (n <= WILCOXON_EXACT_MAX_N && tieSizes.length === 0) {
    return { n, statistic, p: exactP(statistic, n), method: 'exact' };
  }
  return { n, statistic, p: normalP(statistic, n, tieSizes), method: 'normal' };
}

function roundForRanking(d: number): number {
  return Number(d.toPrecision(RANK_DIGITS));
}

function exactP(statistic: number, n: number): number {
  // The distribution is symmetric about n(n+1)/4: take the tail the statistic lies in.
  const tail =
    statistic > (n * (n + 1)) / 4
      ? 1 - signedRankCdf(statistic - 1, n)
      : signedRankCdf(statistic, n);
  return Math.min(1, 2 * tail);
}

function normalP(statistic: number, n: number, tieSizes: readonly number[]): number {
  const centred = statistic - (n * (n + 1)) / 4;
  const tieCorrection = tieSizes.reduce((sum, t) => sum + t ** 3 - t, 0) / 48;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieCorrection);
  const z = (centred - Math.sign(centred) * 0.5) / sigma;
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}
