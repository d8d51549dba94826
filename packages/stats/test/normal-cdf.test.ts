import { describe, expect, it } from 'vitest';
import { normalCdf } from '../src/normal-cdf.js';

// Reference values: R's pnorm (identical to scipy.stats.norm.cdf to the digits shown).
describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [1, 0.8413447460685429],
    [1.96, 0.9750021048517795],
    [2.5758293035489004, 0.995],
    [-3, 0.0013498980316300933],
  ])('Φ(%d)', (x, expected) => {
    expect(normalCdf(x)).toBeCloseTo(expected, 14);
  });

  it.each([
    [-5, 2.866515718791933e-7],
    [-8, 6.22096057427174e-16],
    [-10, 7.61985302416047e-24],
  ])('keeps relative precision in the lower tail at %d', (x, expected) => {
    expect(normalCdf(x) / expected).toBeCloseTo(1, 12);
  });

  it('is symmetric', () => {
    for (const x of [0.1, 0.7, 1.3, 2.2, 4])
      expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
  });

  it('handles infinities and rejects NaN', () => {
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(() => normalCdf(Number.NaN)).toThrow(RangeError);
  });
});
