import { describe, expect, it } from 'vitest';
import { pairedSummary, type PairedRun } from '../src/index.js';

function pair(seed: number, treatment: number, baseline: number, diverged = false): PairedRun {
  return {
    seed,
    treatment: { accuracy: treatment, diverged },
    baseline: { accuracy: baseline, diverged: false },
  };
}

const options = { failureThreshold: null, margin: 0.02 };

describe('pairedSummary', () => {
  it('computes means, sd, t-interval and the Wilcoxon p-value', () => {
    // Gains 0.01 .. 0.05: mean 0.03, sd = sqrt(2.5) / 100, half-width qt(0.975, 4) sd / sqrt(5).
    const pairs = [1, 2, 3, 4, 5].map((k) => pair(k, 0.8 + k / 100, 0.8));
    const summary = pairedSummary(pairs, options);
    const half = (2.7764451051977943 * Math.sqrt(2.5)) / 100 / Math.sqrt(5);
    expect(summary.n).toBe(5);
    expect(summary.meanBaseline).toBeCloseTo(0.8, 15);
    expect(summary.meanTreatment).toBeCloseTo(0.83, 15);
    expect(summary.meanGain).toBeCloseTo(0.03, 15);
    expect(summary.sdGain).toBeCloseTo(Math.sqrt(2.5) / 100, 15);
    expect(summary.ci95?.[0]).toBeCloseTo(0.03 - half, 12);
    expect(summary.ci95?.[1]).toBeCloseTo(0.03 + half, 12);
    expect(summary.wilcoxonP).toBe(0.0625);
    expect([summary.wins, summary.ties, summary.losses]).toEqual([5, 0, 0]);
  });

  it('counts wins, exact ties and losses', () => {
    const summary = pairedSummary(
      [pair(1, 0.9, 0.8), pair(2, 0.85, 0.85), pair(3, 0.7, 0.8), pair(4, 0.81, 0.8)],
      options,
    );
    expect([summary.wins, summary.ties, summary.losses]).toEqual([2, 1, 1]);
  });

  it('gives nulls, not NaN, for too few pairs', () => {
    expect(pairedSummary([], options)).toEqual({
      n: 0,
      meanTreatment: null,
      meanBaseline: null,
      meanGain: null,
      sdGain: null,
      ci95: null,
      wins: 0,
      ties: 0,
      losses: 0,
      wilcoxonP: null,
      baselineAtChance: 0,
      recovered: 0,
      harmed: 0,
      diverged: 0,
    });
    const one = pairedSummary([pair(7, 0.9, 0.8)], options);
    expect(one).toMatchObject({ n: 1, sdGain: null, ci95: null, wilcoxonP: 1 });
    expect(one.meanGain).toBeCloseTo(0.1, 15);
    expect(pairedSummary([pair(1, 0.8, 0.8), pair(2, 0.7, 0.7)], options).wilcoxonP).toBeNull();
  });

  it('counts failed, recovered, harmed and diverged runs', () => {
    const summary = pairedSummary(
      [
        pair(1, 0.91, 0.55), // baseline failed, recovered
        pair(2, 0.61, 0.62), // baseline failed (at the threshold), not recovered
        pair(3, 0.85, 0.9), // harmed: more than 0.02 below its baseline
        pair(4, 0.89, 0.9), // within the margin
        pair(5, 0.5, 0.9, true), // harmed and diverged
      ],
      { failureThreshold: 0.62, margin: 0.02 },
    );
    expect(summary).toMatchObject({ baselineAtChance: 2, recovered: 1, harmed: 2, diverged: 1 });
  });

  it('counts no failures when the threshold is unknown', () => {
    const summary = pairedSummary([pair(1, 0.9, 0.1)], options);
    expect(summary).toMatchObject({ baselineAtChance: 0, recovered: 0 });
  });

  it('does not depend on the order of the pairs', () => {
    const pairs = [0.913, 0.871, 0.902, 0.64, 0.889, 0.925].map((a, i) =>
      pair(i * 7 + 3, a, 0.9 - i / 97),
    );
    const forward = pairedSummary(pairs, options);
    expect(pairedSummary([...pairs].reverse(), options)).toEqual(forward);
    expect(
      pairedSummary([pairs[3]!, pairs[0]!, pairs[5]!, pairs[1]!, pairs[4]!, pairs[2]!], options),
    ).toEqual(forward);
  });

  it('rejects duplicate seeds and non-finite numbers', () => {
    expect(() => pairedSummary([pair(1, 0.9, 0.8), pair(1, 0.8, 0.8)], options)).toThrow(/seed 1/);
    expect(() => pairedSummary([pair(1, 0.9, 0.8), pair(1, 0.8, 0.8)], options)).toThrow(
      RangeError,
    );
    expect(() => pairedSummary([pair(1, Number.NaN, 0.8)], options)).toThrow(RangeError);
    expect(() => pairedSummary([], { failureThreshold: Infinity, margin: 0 })).toThrow(RangeError);
  });
});
