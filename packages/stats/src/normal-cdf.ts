import { regularizedGammaQ } from './incomplete-gamma.js';

/**
 * The standard normal distribution function Φ(x). Through Φ(-|x|) = Q(1/2, x²/2) / 2 the lower
 * tail keeps full relative precision, so two-sided p-values are best taken as 2 Φ(-|z|).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) throw new RangeError('normalCdf needs a number, got NaN');
  const lowerTail = 0.5 * regularizedGammaQ(0.5, (x * x) / 2);
  return x < 0 ? lowerTail : 1 - lowerTail;
}
