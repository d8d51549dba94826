import { regularizedBeta } from './incomplete-beta.js';

const MAX_BISECTIONS = 400;

/** P(T <= t) for Student's t distribution with `df` degrees of freedom (df > 0, not only integers). */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) throw new RangeError('studentTCdf needs a number, got NaN');
  const upper = upperTail(Math.abs(t), df);
  return t < 0 ? upper : 1 - upper;
}

/**
 * The p-quantile of Student's t distribution with `df` degrees of freedom. Bisection on the
 * exact tail area: slower than Newton or series inversions, but it cannot diverge or land on
 * the wrong branch for small df or extreme p, and one quantile per cell is cheap.
 */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile needs 0 < p < 1, got ${p}`);
  if (p === 0.5) return 0;
  const tail = Math.min(p, 1 - p);
  let lo = 0;
  let hi = 1;
  while (upperTail(hi, df) > tail) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < MAX_BISECTIONS && hi - lo > 1e-14 * hi; i += 1) {
    const mid = (lo + hi) / 2;
    if (upperTail(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  return p < 0.5 ? -t : t;
}

/** P(T > t) for t >= 0: half the two-sided tail I_{df/(df+t²)}(df/2, 1/2). */
function upperTail(t: number, df: number): number {
  if (t === Infinity) return 0;
  return 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

function checkDf(df: number): void {
  if (!(df > 0) || !Number.isFinite(df)) {
    throw new RangeError(`Student's t needs finite degrees of freedom > 0, got ${df}`);
  }
}
