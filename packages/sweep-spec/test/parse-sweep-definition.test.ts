import { describe, expect, it } from 'vitest';
import { DEFAULT_FAILURE_MARGIN, parseSweepDefinition, planSweep } from '../src/index.js';
import { MINIMAL, invalidSweep, issuesOf } from './helpers.js';

const with_ = (patch: Record<string, unknown>) => ({ ...MINIMAL, ...patch });
const withRandomOut = (patch: Record<string, unknown>) =>
  with_({ randomout: { ...MINIMAL.randomout, ...patch } });

describe('parseSweepDefinition', () => {
  it('turns scalars into one-element axes and fills every default', () => {
    const def = parseSweepDefinition(
      with_({ seeds: [5, 2, 9], randomout: { tau: 1e-8, activePercent: 60 } }),
    );
    expect(def).toEqual({
      name: 'smoke',
      regions: ['East'],
      seeds: [5, 2, 9],
      randomout: {
        tau: [1e-8],
        activePercent: [60],
        cgn: ['l1'],
        checkEvery: ['batch'],
        minTrainLoss: [null],
      },
      training: {
        epochs: [150],
        learningRate: [0.01],
        batchSize: [32],
        dataSeed: [0],
        engine: 'kernels',
      },
      dataset: {
        cropScale: 2,
        size: 15,
        splitSeed: 1,
        inputScale: ['standardise'],
        minmaxRange: [0, 150],
      },
      priority: 'normal',
      analysis: { failureMargin: DEFAULT_FAILURE_MARGIN },
    });
  });

  it('keeps a seed range as a range', () => {
    expect(parseSweepDefinition(with_({ seeds: { from: 3, to: 1e15 } })).seeds).toEqual({
      from: 3,
      to: 1e15,
    });
    expect(parseSweepDefinition(with_({ seeds: { from: 4, to: 4 } })).seeds).toEqual({
      from: 4,
      to: 4,
    });
  });

  it('reads -0 as 0, so labels and duplicate checks see one value', () => {
    const def = parseSweepDefinition(withRandomOut({ tau: [-0, 1] }));
    expect(Object.is(def.randomout.tau[0], 0)).toBe(true);
    expect(issuesOf(withRandomOut({ tau: [0, -0] }))).toEqual([
      { path: 'randomout.tau.1', message: 'duplicate value 0 (also at index 0)' },
    ]);
  });

  it('accepts the full set of axes as lists', () => {
    const def = parseSweepDefinition(
      with_({
        randomout: {
          tau: [0, 1e-12],
          activePercent: [0, 100],
          cgn: ['l1', 'sum'],
          checkEvery: ['batch', 'epoch'],
          minTrainLoss: [null, 0, 0.5],
        },
        training: {
          epochs: [1, 150],
          learningRate: [0.01, 0.1],
          batchSize: [1, 32],
          dataSeed: [0, 7],
        },
      }),
    );
    expect(def.randomout.minTrainLoss).toEqual([null, 0, 0.5]);
    expect(def.training.dataSeed).toEqual([0, 7]);
  });

  describe('names the field of every kind of bad input', () => {
    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['an unknown top-level field', with_({ seed: 1 }), 'seed', /unknown field/],
      ['an unknown nested field', withRandomOut({ taus: [1] }), 'randomout.taus', /unknown field/],
      [
        'an unknown field in training',
        with_({ training: { lr: 0.1 } }),
        'training.lr',
        /unknown field/,
      ],
      [
        'an unknown field in a seed range',
        with_({ seeds: { from: 0, to: 1, by: 2 } }),
        'seeds.by',
        /unknown/,
      ],
      ['a missing name', { ...MINIMAL, name: undefined }, 'name', /required/],
      ['a missing tau', withRandomOut({ tau: undefined }), 'randomout.tau', /required/],
      ['a missing randomout', { ...MINIMAL, randomout: undefined }, 'randomout', /required/],
      ['a wrong type', with_({ name: 7 }), 'name', /expected string/],
      [
        'a wrong element type',
        withRandomOut({ tau: [1e-8, 'small'] }),
        'randomout.tau.1',
        /expected number/,
      ],
      [
        'a wrong scalar type',
        withRandomOut({ activePercent: '60%' }),
        'randomout.activePercent',
        /expected number/,
      ],
      [
        'a mapping for an axis',
        withRandomOut({ tau: { a: 1 } }),
        'randomout.tau',
        /expected number/,
      ],
      ['an empty list', withRandomOut({ tau: [] }), 'randomout.tau', /empty list/],
      ['no regions', with_({ regions: [] }), 'regions', /empty list/],
      ['a region as a scalar', with_({ regions: 'East' }), 'regions', /expected a list/],
      ['an empty seed list', with_({ seeds: [] }), 'seeds', /empty list/],
      [
        'a duplicate tau',
        withRandomOut({ tau: [1e-8, 1e-4, 0.00000001] }),
        'randomout.tau.2',
        /duplicate value 1e-8 \(also at index 0\)/,
      ],
      [
        'a duplicate region',
        with_({ regions: ['East', 'West', 'East'] }),
        'regions.2',
        /duplicate value "East"/,
      ],
      ['a duplicate seed', with_({ seeds: [1, 2, 1] }), 'seeds.2', /duplicate value 1/],
      [
        'a duplicate null',
        withRandomOut({ minTrainLoss: [null, null] }),
        'randomout.minTrainLoss.1',
        /duplicate value null/,
      ],
      ['a bad region', with_({ regions: ['East', 'North'] }), 'regions.1', /West.*Center.*East/],
      ['a seed range with from > to', with_({ seeds: { from: 5, to: 4 } }), 'seeds.to', />= from/],
      ['a seed range without to', with_({ seeds: { from: 5 } }), 'seeds.to', /required/],
      ['a scalar seed', with_({ seeds: 5 }), 'seeds', /list of seeds or a range/],
      ['a negative seed', with_({ seeds: [1, -1] }), 'seeds.1', />=0/],
      ['a fractional seed', with_({ seeds: [1.5] }), 'seeds.0', /expected int/],
      ['an unsafe seed', with_({ seeds: { from: 0, to: 2 ** 53 } }), 'seeds.to', /<=/],
      ['a negative tau', withRandomOut({ tau: -1e-8 }), 'randomout.tau', />=0/],
      [
        'activePercent 101',
        withRandomOut({ activePercent: [60, 101] }),
        'randomout.activePercent.1',
        /<=100/,
      ],
      ['a bad cgn', withRandomOut({ cgn: 'l2' }), 'randomout.cgn', /"l1"\|"sum"/],
      [
        'a bad checkEvery',
        withRandomOut({ checkEvery: ['batch', 'step'] }),
        'randomout.checkEvery.1',
        /"batch"\|"epoch"/,
      ],
      [
        'a negative minTrainLoss',
        withRandomOut({ minTrainLoss: -1 }),
        'randomout.minTrainLoss',
        />=0/,
      ],
      ['epochs 0', with_({ training: { epochs: 0 } }), 'training.epochs', />=1/],
      [
        'learning rate 0',
        with_({ training: { learningRate: [0.1, 0] } }),
        'training.learningRate.1',
        />0/,
      ],
      [
        'a fractional batch size',
        with_({ training: { batchSize: 2.5 } }),
        'training.batchSize',
        /expected int/,
      ],
      ['a bad backend', with_({ training: { backend: 'gpu' } }), 'training.backend', /"auto"/],
      [
        'an engine that is not a numeric family',
        with_({ training: { engine: 'native' } }),
        'training.engine',
        /must be "kernels" \(our kernels: native or wasm, which give the same bits; workers choose with SEEDSWEEP_ENGINE\) or "tfjs"/,
      ],
      [
        'an engine list',
        with_({ training: { engine: ['tfjs'] } }),
        'training.engine',
        /must be "kernels"/,
      ],
      ['a dataset list', with_({ dataset: { size: [15, 16] } }), 'dataset.size', /expected number/],
      [
        'an unknown dataset field',
        with_({ dataset: { scale: 2 } }),
        'dataset.scale',
        /unknown field/,
      ],
      [
        'a failure margin over 0.5',
        with_({ analysis: { failureMargin: 0.6 } }),
        'analysis.failureMargin',
        /<=0.5/,
      ],
      ['an empty name', with_({ name: '' }), 'name', />=1 char/],
      ['a long name', with_({ name: 'x'.repeat(101) }), 'name', /<=100 char/],
      ['a name with a slash', with_({ name: 'a/b' }), 'name', /letters, digits/],
      [
        'a name starting with a space',
        with_({ name: ' a' }),
        'name',
        /start with a letter or digit/,
      ],
    ])('%s', (_, value, path, message) => {
      const issues = issuesOf(value);
      const issue = issues.find((i) => i.path === path);
      expect(issue, JSON.stringify(issues)).toBeDefined();
      expect(issue?.message).toMatch(message);
    });
  });

  it('collects every problem into one error whose message lists the first few', () => {
    const err = invalidSweep(() =>
      parseSweepDefinition({
        name: 'a/b',
        regions: ['North'],
        seeds: { from: 2, to: 1 },
        randomout: { tau: -1, activePercent: 101, cgn: 'x' },
        extra: true,
      }),
    );
    expect(err.code).toBe('INVALID_SWEEP');
    expect(err.issues.map((i) => i.path)).toEqual([
      'name',
      'regions.0',
      'seeds.to',
      'randomout.tau',
      'randomout.activePercent',
      'randomout.cgn',
      'extra',
    ]);
    expect(err.message).toMatch(
      /^invalid sweep definition: name: .*; randomout.tau: .*; and 2 more$/,
    );
    expect(err.message).not.toContain('extra');
  });

  it('names the document itself when it is not a mapping', () => {
    expect(issuesOf([MINIMAL])).toEqual([
      { path: '(root)', message: 'expected a mapping of sweep fields, got a list' },
    ]);
    expect(issuesOf('smoke')[0]?.path).toBe('(root)');
  });

  it('accepts names made of letters, digits, spaces, dots, underscores and dashes', () => {
    for (const name of ['a', '7', 'East tau sweep_v2.1-final', 'x'.repeat(100)]) {
      expect(parseSweepDefinition(with_({ name })).name).toBe(name);
    }
  });
});

describe('a sweep priority', () => {
  const base = {
    name: 'p',
    regions: ['East'],
    seeds: [0],
    randomout: { tau: [0.1], activePercent: [50] },
  };

  it('is normal unless given, and one of high, normal, low', () => {
    expect(parseSweepDefinition(base).priority).toBe('normal');
    expect(parseSweepDefinition({ ...base, priority: 'high' }).priority).toBe('high');
    expect(() => parseSweepDefinition({ ...base, priority: 'urgent' })).toThrow(/priority/);
  });

  it('is not part of any trial key', () => {
    const keys = (priority: string) =>
      planSweep(parseSweepDefinition({ ...base, priority })).trials.map((t) => t.key);
    expect(keys('low')).toEqual(keys('high'));
  });
});
