import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTQuantile } from '../src/student-t.js';

describe('studentTQuantile', () => {
  // qt(0.975, df) from R's tables.
  it.each([
    [1, 12.7062],
    [2, 4.3027],
    [5, 2.5706],
    [10, 2.2281],
    [30, 2.0423],
    [100, 1.984],
    [1000, 1.9623],
  ])('qt(0.975, %d) = %d', (df, expected) => {
    expect(Math.abs(studentTQuantile(0.975, df) - expected)).toBeLessThan(1e-4);
  });

  it.each([
    // More digits, from scipy.stats.t.ppf, including a non-integer df and both tails.
    [0.975, 1, 12.706204736174694],
    [0.975, 10, 2.228138851986274],
    [0.995, 3, 5.840909309733355],
    [0.9, 7.5, 1.4052118464159533],
    [0.025, 4, -2.7764451051977943],
  ])('qt(%d, %d) to 1e-10', (p, df, expected) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 10);
  });

  it('handles extreme tails and large df', () => {
    expect(studentTQuantile(0.9999999, 1) / 3183098.8635132452).toBeCloseTo(1, 9);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 5);
    expect(studentTQuantile(0.5, 3)).toBe(0);
  });

  it('inverts the distribution function', () => {
    for (const df of [1, 3, 29, 49]) {
      for (const p of [0.01, 0.3, 0.8, 0.975]) {
        expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 12);
      }
    }
  });

  it('rejects p outside (0, 1) and df <= 0', () => {
    expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
    expect(() => studentTQuantile(0, 5)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, Number.NaN)).toThrow(RangeError);
  });
});

describe('studentTCdf', () => {
  it.each([
    [2, 3, 0.9303370157205785],
    [-1.5, 12, 0.07972875175660343],
    [0.3, 1, 0.5927735790777423],
    [0, 7, 0.5],
  ])('pt(%d, %d)', (t, df, expected) => {
    expect(studentTCdf(t, df)).toBeCloseTo(expected, 12);
  });

  it('is the Cauchy distribution for df = 1', () => {
    for (const t of [-4, -0.5, 2, 10]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
    }
  });
});
