import { describe, expect, it } from 'vitest';
import { normalCdf } from '../src/normal-cdf.js';
import { wilcoxonSignedRank } from '../src/wilcoxon-signed-rank.js';

describe('wilcoxonSignedRank, exact', () => {
  it('n = 5, all positive: p = 2/32', () => {
    expect(wilcoxonSignedRank([1, 2, 3, 4, 5])).toEqual({
      n: 5,
      statistic: 15,
      p: 0.0625,
      method: 'exact',
    });
  });

  it('n = 6, all positive: p = 2/64; all negative gives the same p and V = 0', () => {
    expect(wilcoxonSignedRank([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])?.p).toBe(0.03125);
    expect(wilcoxonSignedRank([-0.1, -0.2, -0.3, -0.4, -0.5, -0.6])).toMatchObject({
      statistic: 0,
      p: 0.03125,
    });
  });

  it('mixed signs, counted by hand: n = 8, V = 29, P(V >= 29) = 19/256', () => {
    // R: wilcox.test(c(1, -2, 3, 4, -5, 6, 7, 8)) gives V = 29, p-value = 0.1484.
    expect(wilcoxonSignedRank([1, -2, 3, 4, -5, 6, 7, 8])).toEqual({
      n: 8,
      statistic: 29,
      p: 38 / 256,
      method: 'exact',
    });
    // Lower tail: V = 3 + 9 = 12 of 55; P(V <= 12) = 67/1024.
    expect(wilcoxonSignedRank([-1, -2, 3, -4, -5, -6, -7, -8, 9, -10])?.p).toBe(134 / 1024);
  });

  it('p is 1 at the centre of the distribution', () => {
    // n = 3: V = 3 = n(n+1)/4 = 3, P(V <= 3) = 5/8, doubled and capped at 1.
    expect(wilcoxonSignedRank([1, 2, -3])?.p).toBe(1);
  });

  it('stays exact at n = 50 and switches to the normal approximation at 51', () => {
    const d = Array.from({ length: 50 }, (_, i) => ((i + 1) % 3 === 0 ? -(i + 1) : i + 1));
    // scipy.stats.wilcoxon(d, method='exact').
    expect(wilcoxonSignedRank(d)).toMatchObject({ n: 50, statistic: 867, method: 'exact' });
    expect(wilcoxonSignedRank(d)?.p).toBeCloseTo(0.02616696817119646, 14);
    // scipy.stats.wilcoxon(d + [-51], method='approx', correction=True).
    const more = wilcoxonSignedRank([...d, -51]);
    expect(more).toMatchObject({ n: 51, method: 'normal' });
    expect(more?.p).toBeCloseTo(0.05645580536770219, 12);
  });

  it('drops zero differences and stays exact on the rest', () => {
    expect(wilcoxonSignedRank([0, 1, 2, 0, 3, 4, 5])).toMatchObject({
      n: 5,
      p: 0.0625,
      method: 'exact',
    });
  });
});

describe('wilcoxonSignedRank, normal approximation with ties', () => {
  it('matches a hand calculation', () => {
    // |d| = 1, 1, 2, 1, 3: the three 1s share rank 2, then 4 and 5. V = 2 + 2 + 4 + 5 = 13.
    // E[V] = 5*6/4 = 7.5; Var = 5*6*11/24 - (3^3 - 3)/48 = 13.75 - 0.5 = 13.25.
    // z = (13 - 7.5 - 0.5) / sqrt(13.25); p = 2 Φ(-z). R and scipy: 0.1695641.
    const z = 5 / Math.sqrt(13.25);
    const result = wilcoxonSignedRank([1, 1, 2, -1, 3]);
    expect(result).toMatchObject({ n: 5, statistic: 13, method: 'normal' });
    expect(result?.p).toBeCloseTo(2 * normalCdf(-z), 14);
    expect(result?.p).toBeCloseTo(0.1695641451905634, 12);
  });

  it('with a zero dropped and a tie: R gives V = 15.5, p = 0.3441', () => {
    // Ranks of |d| = 0.5, 1, 2, 2, 3, 4: 1, 2, 3.5, 3.5, 5, 6; V = 1 + 3.5 + 5 + 6 = 15.5.
    const result = wilcoxonSignedRank([0.5, -1, 2, -2, 3, 4, 0]);
    expect(result).toMatchObject({ n: 6, statistic: 15.5, method: 'normal' });
    expect(result?.p).toBeCloseTo(0.344118496135312, 12);
  });

  it('treats differences equal up to floating-point noise as tied', () => {
    // 0.5 - 0.4 and 0.4 - 0.3 differ in the last bits; as accuracy differences they are equal.
    expect(0.5 - 0.4).not.toBe(0.4 - 0.3);
    const result = wilcoxonSignedRank([0.5 - 0.4, 0.4 - 0.3, 0.2, 0.3]);
    expect(result?.method).toBe('normal');
    expect(result?.statistic).toBe(10);
  });
});

describe('wilcoxonSignedRank, edge cases', () => {
  it('is null with no non-zero difference', () => {
    expect(wilcoxonSignedRank([])).toBeNull();
    expect(wilcoxonSignedRank([0, 0, 0])).toBeNull();
  });

  it('handles a single difference', () => {
    expect(wilcoxonSignedRank([0.01])).toEqual({ n: 1, statistic: 1, p: 1, method: 'exact' });
  });

  it('rejects non-finite differences', () => {
    expect(() => wilcoxonSignedRank([1, Number.NaN])).toThrow(RangeError);
  });
});
