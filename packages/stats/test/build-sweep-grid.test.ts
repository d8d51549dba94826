import { describe, expect, it } from 'vitest';
import { buildSweepGrid, type TrialOutcome } from '../src/index.js';
import {
  baselineKey,
  cellKey,
  lookupOf,
  makePlan,
  outcome,
  type GroupFixture,
} from './plan-fixture.js';

const east: GroupFixture = {
  id: 'East',
  taus: [1e-12, 1e-8],
  activePercents: [30, 60, 90],
  seeds: [0, 1, 2, 3],
};

/** Every run of `east` done: baseline 0.90 + s/100, treatment baseline + gain(t, p). */
function fullResults(): Map<string, TrialOutcome> {
  const results = new Map<string, TrialOutcome>();
  for (const seed of east.seeds) {
    results.set(baselineKey(east, seed), outcome(0.9 + seed / 100));
    east.taus.forEach((tau, t) =>
      east.activePercents.forEach((p, i) =>
        results.set(cellKey(east, tau, p, seed), outcome(0.9 + seed / 100 + (t - i) / 100)),
      ),
    );
  }
  return results;
}

describe('buildSweepGrid', () => {
  it('lays the cells out as [tauIndex][pIndex] with their paired statistics', () => {
    const grid = buildSweepGrid(makePlan([east]), lookupOf(fullResults()));
    expect(grid.trials).toEqual({ total: 4 + 4 * 6, done: 28 });
    const [group] = grid.groups;
    expect(group).toMatchObject({ id: 'East', region: 'East', seeds: [0, 1, 2, 3] });
    expect(group?.cells.map((row) => row.map((c) => [c.tau, c.activePercent]))).toEqual([
      [
        [1e-12, 30],
        [1e-12, 60],
        [1e-12, 90],
      ],
      [
        [1e-8, 30],
        [1e-8, 60],
        [1e-8, 90],
      ],
    ]);
    const cell = group?.cells[1]?.[0];
    expect(cell).toMatchObject({ n: 4, done: 4, wins: 4, sdGain: 0 });
    expect(cell?.meanGain).toBeCloseTo(0.01, 12);
    expect(cell?.meanAccuracy).toBeCloseTo(0.925, 12);
    expect(group?.cells[0]?.[2]?.meanGain).toBeCloseTo(-0.02, 12);
    expect(group?.cells[0]?.[0]).toMatchObject({ ties: 4, meanGain: 0, wilcoxonP: null });
    expect(group?.baseline).toMatchObject({ done: 4, atChance: 0, diverged: 0 });
    expect(group?.baseline.meanAccuracy).toBeCloseTo(0.915, 12);
  });

  it('pairs by seed, skipping seeds with a missing run', () => {
    const results = new Map<string, TrialOutcome>([
      [baselineKey(east, 0), outcome(0.9)],
      [baselineKey(east, 2), outcome(0.8)],
      [baselineKey(east, 3), outcome(0.7)],
      [cellKey(east, 1e-8, 60, 0), outcome(0.95)],
      [cellKey(east, 1e-8, 60, 1), outcome(0.5)], // its baseline is missing
      [cellKey(east, 1e-8, 60, 3), outcome(0.75)],
    ]);
    const grid = buildSweepGrid(makePlan([east]), lookupOf(results));
    const cell = grid.groups[0]?.cells[1]?.[1];
    // Seeds 0 and 3 pair: gains 0.05 and 0.05. Seed 1's treatment counts only towards done.
    expect(cell).toMatchObject({ n: 2, done: 3, wins: 2 });
    expect(cell?.meanGain).toBeCloseTo(0.05, 12);
    expect(cell?.meanBaseline).toBeCloseTo(0.8, 12);
    expect(cell?.meanAccuracy).toBeCloseTo((0.95 + 0.5 + 0.75) / 3, 12);
    expect(grid.groups[0]?.cells[0]?.[0]).toMatchObject({ n: 0, done: 0, meanGain: null });
    expect(grid.trials).toEqual({ total: 28, done: 6 });
  });

  it('gives the same grid and JSON whatever order the results arrived in', () => {
    const entries = [...fullResults()].slice(0, 17);
    const orders = [entries, [...entries].reverse(), interleave(entries)];
    const grids = orders.map((order) => buildSweepGrid(makePlan([east]), lookupOf(new Map(order))));
    expect(grids[1]).toEqual(grids[0]);
    expect(grids[2]).toEqual(grids[0]);
    expect(new Set(grids.map((grid) => JSON.stringify(grid))).size).toBe(1);
  });

  it('grows to the same final grid one result at a time', () => {
    const entries = [...fullResults()];
    const results = new Map<string, TrialOutcome>();
    const plan = makePlan([east]);
    for (const [key, value] of interleave(entries)) {
      results.set(key, value);
      buildSweepGrid(plan, lookupOf(results));
    }
    expect(buildSweepGrid(plan, lookupOf(results))).toEqual(
      buildSweepGrid(plan, lookupOf(fullResults())),
    );
  });

  it('counts failed baselines, recovered and harmed seeds against majorityRate + margin', () => {
    const group: GroupFixture = {
      id: 'West',
      taus: [1e-8],
      activePercents: [90],
      seeds: [5, 6, 7, 8],
    };
    const rate = { majorityRate: 0.6 };
    const runs: [number, number, number][] = [
      // seed, baseline, treatment
      [5, 0.55, 0.91], // failed, recovered
      [6, 0.61, 0.6], // failed, not recovered
      [7, 0.9, 0.85], // harmed
      [8, 0.9, 0.89], // within the margin
    ];
    const results = new Map<string, TrialOutcome>();
    for (const [seed, b, t] of runs) {
      results.set(baselineKey(group, seed), outcome(b, rate));
      results.set(cellKey(group, 1e-8, 90, seed), outcome(t, rate));
    }
    const [grid] = buildSweepGrid(makePlan([group]), lookupOf(results)).groups;
    expect(grid?.majorityRate).toBe(0.6);
    expect(grid?.failureThreshold).toBeCloseTo(0.62, 15);
    expect(grid?.baseline.atChance).toBe(2);
    expect(grid?.cells[0]?.[0]).toMatchObject({ baselineAtChance: 2, recovered: 1, harmed: 1 });

    const wide = buildSweepGrid(makePlan([group]), lookupOf(results), { margin: 0.1 });
    expect(wide.groups[0]?.baseline.atChance).toBe(2);
    expect(wide.groups[0]?.cells[0]?.[0]).toMatchObject({ recovered: 1, harmed: 0 });
  });

  it('counts no failures while no baseline has recorded the majority rate', () => {
    const group: GroupFixture = { id: 'G', taus: [1e-8], activePercents: [60], seeds: [1, 2] };
    const results = new Map<string, TrialOutcome>([
      [baselineKey(group, 1), outcome(0.1, { majorityRate: null })],
      [cellKey(group, 1e-8, 60, 1), outcome(0.9)],
    ]);
    const [grid] = buildSweepGrid(makePlan([group]), lookupOf(results)).groups;
    expect(grid).toMatchObject({ majorityRate: null, failureThreshold: null });
    expect(grid?.baseline.atChance).toBe(0);
    expect(grid?.cells[0]?.[0]).toMatchObject({ n: 1, baselineAtChance: 0, recovered: 0 });
  });

  it('counts diverged baselines and diverged treatment runs', () => {
    const results = fullResults();
    results.set(baselineKey(east, 1), outcome(0.5, { diverged: true }));
    results.set(cellKey(east, 1e-8, 90, 2), outcome(0.5, { diverged: true }));
    results.set(cellKey(east, 1e-8, 90, 3), outcome(0.5, { diverged: true }));
    const [grid] = buildSweepGrid(makePlan([east]), lookupOf(results)).groups;
    expect(grid?.baseline.diverged).toBe(1);
    expect(grid?.cells[1]?.[2]?.diverged).toBe(2);
    expect(grid?.cells[1]?.[1]?.diverged).toBe(0);
  });

  it('counts baselines shared by two groups once', () => {
    const sum: GroupFixture = { ...east, id: 'East cgn=sum', baselinePrefix: 'East' };
    const grid = buildSweepGrid(makePlan([east, sum]), lookupOf(fullResults()));
    expect(grid.trials).toEqual({ total: 4 + 2 * 24, done: 28 });
    expect(grid.groups[1]?.baseline.done).toBe(4);
    expect(grid.groups[1]?.cells[0]?.[0]).toMatchObject({ n: 0, done: 0 });
  });

  it('survives a JSON round trip unchanged: no NaN, no undefined', () => {
    const grid = buildSweepGrid(
      makePlan([east]),
      lookupOf(new Map([...fullResults()].slice(0, 5))),
    );
    expect(JSON.parse(JSON.stringify(grid))).toEqual(grid);
    expect(JSON.stringify(grid)).not.toMatch(/NaN|Infinity/);
  });

  it('handles an empty plan', () => {
    expect(buildSweepGrid(makePlan([]), () => undefined)).toEqual({
      trials: { total: 0, done: 0 },
      groups: [],
    });
  });

  it('rejects a malformed plan, a bad margin and a non-finite accuracy', () => {
    const plan = makePlan([east]);
    const broken = { ...plan, groups: [{ ...plan.groups[0]!, baseline: ['only-one'] }] };
    expect(() => buildSweepGrid(broken, () => undefined)).toThrow(/1 baseline keys for 4 seeds/);
    expect(() => buildSweepGrid(plan, () => undefined, { margin: -1 })).toThrow(RangeError);
    expect(() => buildSweepGrid(plan, () => outcome(Number.NaN))).toThrow(RangeError);
  });
});

/** A fixed, order-scrambling permutation: even positions forwards, then odd ones backwards. */
function interleave<T>(items: T[]): T[] {
  const even = items.filter((_, i) => i % 2 === 0);
  const odd = items.filter((_, i) => i % 2 === 1).reverse();
  return [...odd, ...even];
}
