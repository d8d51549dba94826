import { continuedFraction } from './continued-fraction.js';
import { logGamma } from './log-gamma.js';

/** The regularized incomplete beta function I_x(a, b), for 0 <= x <= 1 and a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || !Number.isFinite(a) || !Number.isFinite(b)) {
    throw new RangeError(`regularizedBeta needs finite a, b > 0, got a=${a}, b=${b}`);
  }
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedBeta needs 0 <= x <= 1, got ${x}`);
  if (x === 0 || x === 1) return x;
  // The continued fraction converges fast only on this side of the mean; the other side comes
  // from the symmetry I_x(a, b) = 1 - I_{1-x}(b, a).
  if (x < (a + 1) / (a + b + 2)) return betaContinuedFraction(x, a, b);
  return 1 - betaContinuedFraction(1 - x, b, a);
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const logFront =
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // 1 / (1 + d1 / (1 + d2 / ...)), with d_{2m} and d_{2m+1} as in Abramowitz & Stegun 26.5.8.
  const fraction = continuedFraction(0, (m) => (m === 1 ? [1, 1] : [betaTerm(m - 1, x, a, b), 1]));
  return (Math.exp(logFront) * fraction) / a;
}

function betaTerm(k: number, x: number, a: number, b: number): number {
  const m = Math.floor(k / 2);
  if (k % 2 === 0) return (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
  return -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
}
