import { describe, expect, it } from 'vitest';
import {
  countTrials,
  DEFAULT_MAX_TRIALS,
  parseSweepDefinition,
  planSweep,
  SweepTooLargeError,
} from '../src/index.js';
import { MINIMAL } from './helpers.js';

const shapes: [string, Record<string, unknown>, number][] = [
  // regions × seeds × training × (1 + other × taus × Ps)
  ['the minimal sweep', {}, 1 * 3 * 1 * (1 + 1 * 2 * 2)],
  ['one cell, one seed', { seeds: [7], randomout: { tau: 0, activePercent: 50 } }, 2],
  ['two regions, a seed list', { regions: ['West', 'East'], seeds: [4, 1, 9, 2] }, 2 * 4 * 5],
  [
    'lists on training axes',
    { training: { learningRate: [0.01, 0.05, 0.1], batchSize: [16, 32], epochs: [5, 10] } },
    3 * 3 * 2 * 2 * (1 + 4),
  ],
  [
    'lists on cgn and checkEvery: baselines shared',
    {
      randomout: {
        tau: [1e-8, 1e-4, 1e-2],
        activePercent: [30, 60],
        cgn: ['l1', 'sum'],
        checkEvery: ['batch', 'epoch'],
      },
    },
    3 * (1 + 2 * 2 * 3 * 2),
  ],
  [
    'everything at once',
    {
      regions: ['East', 'Center', 'West'],
      seeds: { from: 10, to: 14 },
      randomout: {
        tau: [0, 1],
        activePercent: [10, 20, 30],
        cgn: ['sum', 'l1'],
        minTrainLoss: [null, 0.2],
      },
      training: { dataSeed: [0, 1], learningRate: [0.01, 0.02] },
    },
    3 * 5 * 2 * 2 * (1 + 2 * 2 * 2 * 3),
  ],
  [
    'input scales as an axis',
    { dataset: { inputScale: ['minmax', 'unit', 'raw'] }, training: { learningRate: [0.1, 1] } },
    3 * 3 * 2 * (1 + 4),
  ],
  [
    'cases with a learning-rate range of their own',
    {
      cases: [
        { dataset: { inputScale: 'minmax' }, training: { learningRate: [1e-3, 3e-3, 1e-2] } },
        { dataset: { inputScale: 'unit' }, training: { learningRate: [0.05, 0.1] } },
        { dataset: { inputScale: 'raw', cropScale: 1 }, randomout: { tau: 1e-8 } },
      ],
    },
    3 * 3 * (1 + 4) + 3 * 2 * (1 + 4) + 3 * (1 + 2),
  ],
];

describe('countTrials', () => {
  it.each(shapes)('%s: formula, count and plan length agree', (_, patch, expected) => {
    const def = parseSweepDefinition({ ...MINIMAL, ...patch });
    const count = countTrials(def);
    expect(count.trials).toBe(expected);
    const plan = planSweep(def);
    expect(plan.trials).toHaveLength(expected);
    expect(new Set(plan.trials.map((t) => t.key)).size).toBe(expected);
    // Every key a group names is a trial of the plan, and every trial is named by a group.
    const named = new Set(plan.groups.flatMap((g) => [...g.baseline, ...g.cells.flat(2)]));
    expect(named).toEqual(new Set(plan.trials.map((t) => t.key)));
  });

  it('names every factor, in plan order, and writes the product', () => {
    const def = parseSweepDefinition({
      ...MINIMAL,
      regions: ['East', 'West'],
      seeds: { from: 0, to: 49 },
      randomout: { tau: [1, 2, 3, 4, 5, 6, 7], activePercent: [1, 2, 3, 4, 5, 6] },
    });
    const count = countTrials(def);
    expect(count.trials).toBe(4300);
    expect(count.factors).toEqual([
      { name: 'regions', count: 2 },
      { name: 'seeds', count: 50 },
      { name: 'inputScale', count: 1 },
      { name: 'epochs', count: 1 },
      { name: 'learningRate', count: 1 },
      { name: 'batchSize', count: 1 },
      { name: 'dataSeed', count: 1 },
      { name: 'cgn', count: 1 },
      { name: 'checkEvery', count: 1 },
      { name: 'minTrainLoss', count: 1 },
      { name: 'tau', count: 7 },
      { name: 'activePercent', count: 6 },
    ]);
    expect(count.formula).toBe('regions 2 × seeds 50 × (1 baseline + tau 7 × activePercent 6)');
  });

  it('shows axes with several values in the formula', () => {
    const def = parseSweepDefinition({
      ...MINIMAL,
      randomout: { ...MINIMAL.randomout, cgn: ['l1', 'sum'] },
      training: { learningRate: [0.01, 0.05] },
    });
    expect(countTrials(def).formula).toBe(
      'regions 1 × seeds 3 × learningRate 2 × (1 baseline + cgn 2 × tau 2 × activePercent 2)',
    );
  });
});

describe('the trial limit', () => {
  it('refuses a huge seed range by arithmetic, quickly, naming the factors', () => {
    const def = parseSweepDefinition({ ...MINIMAL, seeds: { from: 0, to: 1e15 } });
    const started = performance.now();
    let error: unknown;
    try {
      planSweep(def);
    } catch (e) {
      error = e;
    }
    expect(performance.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(SweepTooLargeError);
    const err = error as SweepTooLargeError;
    expect(err.code).toBe('SWEEP_TOO_LARGE');
    expect(err.maxTrials).toBe(DEFAULT_MAX_TRIALS);
    expect(err.trials).toBe((1e15 + 1) * 5);
    expect(err.factors).toContainEqual({ name: 'seeds', count: 1e15 + 1 });
    expect(err.message).toContain(
      'regions 1 × seeds 1000000000000001 × (1 baseline + tau 2 × activePercent 2)',
    );
    expect(err.message).toContain(`limit of ${DEFAULT_MAX_TRIALS}`);
  });

  it('accepts exactly maxTrials and refuses one more', () => {
    // 3 seeds × (1 + 2 × 2) = 15 trials.
    const def = parseSweepDefinition(MINIMAL);
    expect(planSweep(def, { maxTrials: 15 }).trials).toHaveLength(15);
    expect(() => planSweep(def, { maxTrials: 14 })).toThrow(SweepTooLargeError);
    // 100 000 = 20 000 seeds × (1 + 2 × 2): the default limit, exactly.
    const atDefault = parseSweepDefinition({ ...MINIMAL, seeds: { from: 0, to: 19_999 } });
    expect(countTrials(atDefault).trials).toBe(DEFAULT_MAX_TRIALS);
    const over = parseSweepDefinition({ ...MINIMAL, seeds: { from: 0, to: 20_000 } });
    expect(() => planSweep(over)).toThrow(SweepTooLargeError);
  });

  it('plans a sweep at the default limit', () => {
    const def = parseSweepDefinition({ ...MINIMAL, seeds: { from: 0, to: 19_999 } });
    expect(planSweep(def).trials).toHaveLength(DEFAULT_MAX_TRIALS);
  });

  it('refuses a meaningless limit', () => {
    const def = parseSweepDefinition(MINIMAL);
    expect(() => planSweep(def, { maxTrials: 0 })).toThrow(RangeError);
    expect(() => planSweep(def, { maxTrials: Number.NaN })).toThrow(RangeError);
  });
});
