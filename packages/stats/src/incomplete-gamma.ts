import { continuedFraction } from './continued-fraction.js';
import { logGamma } from './log-gamma.js';

const SERIES_EPSILON = 1e-16;
const MAX_SERIES_TERMS = 100_000;

/**
 * The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for a > 0 and
 * x >= 0. Computed directly in the upper tail (not as 1 - P) so tiny tail areas keep their
 * relative precision.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !Number.isFinite(a))
    throw new RangeError(`regularizedGammaQ needs a > 0, got ${a}`);
  if (!(x >= 0)) throw new RangeError(`regularizedGammaQ needs x >= 0, got ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return 1 - lowerSeries(a, x);
  return upperContinuedFraction(a, x);
}

function logPrefactor(a: number, x: number): number {
  return -x + a * Math.log(x) - logGamma(a);
}

function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n <= MAX_SERIES_TERMS; n += 1) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * SERIES_EPSILON) {
      return sum * Math.exp(logPrefactor(a, x));
    }
  }
  throw new RangeError(`incomplete gamma series did not converge for a=${a}, x=${x}`);
}

function upperContinuedFraction(a: number, x: number): number {
  const fraction = continuedFraction(0, (m) =>
    m === 1 ? [1, x + 1 - a] : [-(m - 1) * (m - 1 - a), x + 2 * m - 1 - a],
  );
  return Math.exp(logPrefactor(a, x)) * fraction;
}
