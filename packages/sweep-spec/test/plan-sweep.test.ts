import {
  DATASET_SOURCE,
  datasetIdentity,
  datasetIdentityHash,
  PREPARATION_VERSION,
} from '@seedsweep/crater-data';
import { parseTrainConfig, TRAINER_VERSION } from '@seedsweep/trainer';
import { describe, expect, it } from 'vitest';
import {
  parseSweepDefinition,
  planSweep,
  trialKey,
  type GridGroup,
  type SweepPlan,
  type TrialSpec,
} from '../src/index.js';
import { invalidSweep, issuesOf, MINIMAL } from './helpers.js';

function plan(patch: Record<string, unknown> = {}, trainerVersion?: string): SweepPlan {
  return planSweep(parseSweepDefinition({ ...MINIMAL, ...patch }), { trainerVersion });
}

const specOf = (p: SweepPlan, key: string | undefined): TrialSpec => {
  const trial = p.trials.find((t) => t.key === key);
  if (trial === undefined) throw new Error(`no trial ${key}`);
  return trial.spec;
};

describe('planSweep', () => {
  it('builds each trial from the trainer config, the dataset identity and the numeric family', () => {
    const p = plan({
      regions: ['West'],
      seeds: [3],
      randomout: { tau: 1e-8, activePercent: 60, cgn: 'sum' },
      training: { learningRate: 0.05, engine: 'tfjs' },
      dataset: { size: 16 },
    });
    const dataset = {
      cropScale: 2,
      size: 16,
      splitSeed: 1,
      identity: datasetIdentityHash({
        source: DATASET_SOURCE,
        region: 'West',
        cropScale: 2,
        size: 16,
        splitSeed: 1,
        preparation: PREPARATION_VERSION,
      }),
    };
    const base = { region: 'West', dataset, numerics: 'tfjs', trainerVersion: TRAINER_VERSION };
    const baseline = { ...base, train: parseTrainConfig({ seed: 3, learningRate: 0.05 }) };
    const cell = {
      ...base,
      train: parseTrainConfig({
        seed: 3,
        learningRate: 0.05,
        randomout: { tau: 1e-8, activePercent: 60, cgn: 'sum' },
      }),
    };
    expect(p.trials.map((t) => t.spec)).toEqual([baseline, cell]);
    expect(p.trials.map((t) => t.key)).toEqual(
      [baseline, cell].map((s) => trialKey(s as TrialSpec)),
    );
    expect(p.trials[1]?.spec.train.randomout).toEqual({
      tau: 1e-8,
      activePercent: 60,
      cgn: 'sum',
      checkEvery: 'batch',
      minTrainLoss: null,
    });
  });

  it('lays out groups: baseline[s] and cells[t][p][s] are the keys of those trials', () => {
    const p = plan({
      seeds: [9, 4],
      randomout: { tau: [1e-4, 1e-8], activePercent: [90, 30, 60] },
    });
    expect(p.groups).toHaveLength(1);
    const [g] = p.groups;
    if (g === undefined) throw new Error('no group');
    expect(g.seeds).toEqual([9, 4]); // a list keeps its written order
    expect(g.taus).toEqual([1e-4, 1e-8]);
    expect(g.activePercents).toEqual([90, 30, 60]);
    g.seeds.forEach((seed, s) => {
      const baseline = specOf(p, g.baseline[s]);
      expect(baseline.train.seed).toBe(seed);
      expect(baseline.train.randomout).toBeNull();
      g.taus.forEach((tau, t) =>
        g.activePercents.forEach((activePercent, a) => {
          const spec = specOf(p, g.cells[t]?.[a]?.[s]);
          expect(spec.train.seed).toBe(seed);
          expect(spec.train.randomout).toMatchObject({ tau, activePercent });
        }),
      );
    });
  });

  it('takes a seed range in ascending order', () => {
    expect(plan({ seeds: { from: 5, to: 8 } }).groups[0]?.seeds).toEqual([5, 6, 7, 8]);
  });

  it('names groups by region and the axes that vary, in plan order', () => {
    expect(plan().groups.map((g) => g.id)).toEqual(['East']);
    const p = plan({
      regions: ['West', 'East'],
      randomout: { ...MINIMAL.randomout, cgn: ['l1', 'sum'], minTrainLoss: [null, 0.1] },
      training: { learningRate: [0.01, 0.05], epochs: 20, batchSize: [8, 32] },
    });
    const ids = p.groups.map((g) => g.id);
    expect(ids.slice(0, 5)).toEqual([
      'West lr=0.01 batch=8 cgn=l1 minLoss=null',
      'West lr=0.01 batch=8 cgn=l1 minLoss=0.1',
      'West lr=0.01 batch=8 cgn=sum minLoss=null',
      'West lr=0.01 batch=8 cgn=sum minLoss=0.1',
      'West lr=0.01 batch=32 cgn=l1 minLoss=null',
    ]);
    expect(ids[16]).toBe('East lr=0.01 batch=8 cgn=l1 minLoss=null');
    expect(ids).toHaveLength(2 * 2 * 2 * 2 * 2);
    expect(new Set(ids).size).toBe(ids.length);
    expect(p.groups[3]?.axes).toEqual({
      inputScale: 'standardise',
      epochs: 20,
      learningRate: 0.01,
      batchSize: 8,
      dataSeed: 0,
      cgn: 'sum',
      checkEvery: 'batch',
      minTrainLoss: 0.1,
    });
    expect(p.varyingAxes).toEqual(['region', 'learningRate', 'batchSize', 'cgn', 'minTrainLoss']);
    expect(plan().varyingAxes).toEqual([]);
  });

  it('shares baselines between groups that differ only in cgn, checkEvery or minTrainLoss', () => {
    const p = plan({
      randomout: { ...MINIMAL.randomout, cgn: ['l1', 'sum'], checkEvery: ['batch', 'epoch'] },
      training: { learningRate: [0.01, 0.05] },
    });
    expect(p.groups).toHaveLength(8);
    const byLr = (lr: number) => p.groups.filter((g) => g.axes.learningRate === lr);
    for (const lr of [0.01, 0.05]) {
      const [first, ...rest] = byLr(lr);
      for (const g of rest) expect(g.baseline).toEqual(first?.baseline);
    }
    expect(byLr(0.01)[0]?.baseline).not.toEqual(byLr(0.05)[0]?.baseline);
    const baselines = new Set(p.groups.flatMap((g) => g.baseline));
    expect(baselines.size).toBe(2 * 3);
    const cells = new Set(p.groups.flatMap((g) => g.cells.flat(2)));
    expect(cells.size).toBe(8 * 2 * 2 * 3);
    expect(p.trials).toHaveLength(baselines.size + cells.size);
  });

  it('interleaves: seeds outermost, every cell of every group before the next seed', () => {
    const p = plan({
      regions: ['East', 'West'],
      seeds: [30, 10, 20],
      training: { learningRate: [0.01, 0.05] },
    });
    const groups = p.groups.length;
    const perSeed = groups * (1 + 2 * 2);
    expect(groups).toBe(4);
    const seeds = p.trials.map((t) => t.spec.train.seed);
    expect(seeds.slice(0, perSeed).every((s) => s === 30)).toBe(true);
    expect(seeds.slice(perSeed, 2 * perSeed).every((s) => s === 10)).toBe(true);
    expect(seeds.slice(2 * perSeed).every((s) => s === 20)).toBe(true);
    // Within a seed: group by group, the baseline first, then the cells tau by tau.
    const firstKeys = p.trials.slice(0, 5).map((t) => t.key);
    const g = p.groups[0];
    expect(firstKeys).toEqual([
      g?.baseline[0],
      g?.cells[0]?.[0]?.[0],
      g?.cells[0]?.[1]?.[0],
      g?.cells[1]?.[0]?.[0],
      g?.cells[1]?.[1]?.[0],
    ]);
  });

  it('emits a shared baseline once, before the first cell that needs it', () => {
    const p = plan({ randomout: { ...MINIMAL.randomout, cgn: ['l1', 'sum'] } });
    const keys = p.trials.map((t) => t.key);
    const [l1, sum] = p.groups;
    expect(sum?.baseline).toEqual(l1?.baseline);
    const perSeed = 1 + 2 * (2 * 2);
    for (let s = 0; s < 3; s++) {
      expect(keys[s * perSeed]).toBe(l1?.baseline[s]);
      const seedKeys = keys.slice(s * perSeed, (s + 1) * perSeed);
      for (const g of [l1, sum]) {
        for (const row of g?.cells ?? [])
          for (const cell of row) expect(seedKeys).toContain(cell[s]);
      }
    }
  });

  it('gives a tau = 0 cell its own key, distinct from the baseline', () => {
    const p = plan({ seeds: [1], randomout: { tau: 0, activePercent: [0, 100] } });
    const [g] = p.groups;
    const keys = [g?.baseline[0], g?.cells[0]?.[0]?.[0], g?.cells[0]?.[1]?.[0]];
    expect(new Set(keys).size).toBe(3);
    expect(specOf(p, keys[1]).train.randomout).toMatchObject({ tau: 0, activePercent: 0 });
  });

  it('keys change with the trainer version and the dataset, not with the analysis', () => {
    const keys = (p: SweepPlan) => p.trials.map((t) => t.key);
    const reference = keys(plan());
    expect(keys(plan({}, TRAINER_VERSION))).toEqual(reference);
    expect(keys(plan({ analysis: { failureMargin: 0.3 } }))).toEqual(reference);
    expect(keys(plan({ name: 'another name' }))).toEqual(reference);
    for (const changed of [
      plan({}, `${TRAINER_VERSION}-next`),
      plan({ dataset: { splitSeed: 2 } }),
      plan({ training: { engine: 'tfjs' } }),
    ]) {
      const other = new Set(keys(changed));
      expect(reference.some((k) => other.has(k))).toBe(false);
    }
  });

  it('keys a numeric family from trainer 5, and rebuilds the backend keys of trainer 4', () => {
    const current = plan({ training: { engine: 'kernels' } });
    for (const trial of current.trials) {
      expect(trial.spec).toMatchObject({ numerics: 'kernels', trainerVersion: TRAINER_VERSION });
      expect(trial.spec).not.toHaveProperty('backend');
    }
    // A definition stored by trainer 4 names its backend; planned at 4 it gives the specs (and
    // so the keys) that version stored its results under.
    const legacy = plan({ training: { backend: 'auto' } }, '4');
    for (const trial of legacy.trials) {
      expect(trial.spec).toMatchObject({ backend: 'auto', trainerVersion: '4' });
      expect(trial.spec).not.toHaveProperty('numerics');
      expect(trial.key).toBe(trialKey(trial.spec));
    }
    // Without a backend it was 'auto', trainer 4's default.
    expect(plan({}, '4').trials.map((t) => t.key)).toEqual(legacy.trials.map((t) => t.key));
    // At trainer 5 the backend decides nothing: the same keys with or without it.
    expect(plan({ training: { backend: 'wasm' } }).trials.map((t) => t.key)).toEqual(
      current.trials.map((t) => t.key),
    );
  });

  it('shares keys between sweeps that need the same runs', () => {
    const small = plan({ seeds: [1, 2] });
    const big = plan({
      seeds: { from: 0, to: 3 },
      randomout: { tau: [1e-4, 1e-8, 1e-6], activePercent: [60, 30] },
    });
    const bigKeys = new Set(big.trials.map((t) => t.key));
    expect(small.trials.every((t) => bigKeys.has(t.key))).toBe(true);
  });

  it('makes the input scale an axis: its own dataset identity, baselines and group per scale', () => {
    const p = plan({ dataset: { inputScale: ['standardise', 'minmax'], cropScale: 1 } });
    expect(p.groups.map((g) => g.id)).toEqual(['East input=standardise', 'East input=minmax']);
    expect(p.varyingAxes).toEqual(['inputScale']);
    const [standardised, minmax] = p.groups as [GridGroup, GridGroup];
    expect(standardised.baseline.some((k) => minmax.baseline.includes(k))).toBe(false);
    const spec = specOf(p, minmax.cells[0]![0]![0]);
    expect(spec.dataset).toEqual({
      cropScale: 1,
      size: 15,
      splitSeed: 1,
      inputScale: 'minmax',
      minmaxRange: [0, 150],
      identity: datasetIdentityHash(
        datasetIdentity('East', { ...spec.dataset, minmaxRange: [0, 150] }),
      ),
    });
    // Only min-max reads the range: changing it re-keys min-max trials and no others.
    const ranged = plan({
      dataset: { inputScale: ['standardise', 'minmax'], cropScale: 1, minmaxRange: [0, 1] },
    });
    expect(ranged.groups[0]!.baseline).toEqual(standardised.baseline);
    expect(ranged.groups[1]!.baseline.some((k) => minmax.baseline.includes(k))).toBe(false);
  });

  it('plans the union of cases, each its sections with the case written over them', () => {
    const p = plan({
      seeds: [1, 2],
      training: { epochs: 5 },
      cases: [
        { dataset: { inputScale: 'minmax' }, training: { learningRate: [1e-3, 1e-2] } },
        { dataset: { inputScale: 'unit' }, training: { learningRate: 0.05 }, seeds: [3] },
      ],
    });
    expect(p.groups.map((g) => g.id)).toEqual([
      'East input=minmax lr=0.001',
      'East input=minmax lr=0.01',
      'East input=unit lr=0.05',
    ]);
    expect(p.groups.map((g) => g.seeds)).toEqual([[1, 2], [1, 2], [3]]);
    expect(p.groups.every((g) => g.axes.epochs === 5)).toBe(true);
    expect(p.trials).toHaveLength(2 * 2 * 5 + 1 * 5);
    // Seeds outermost across cases too: every group's first seed before any second one.
    const firstSeeds = p.trials.slice(0, 15).map((t) => t.spec.train.seed);
    expect(new Set(firstSeeds)).toEqual(new Set([1, 3]));
  });

  it('stores cases so that the stored definition parses again to itself', () => {
    const def = parseSweepDefinition({
      ...MINIMAL,
      training: { engine: 'tfjs' },
      cases: [
        { dataset: { inputScale: 'minmax' }, training: { learningRate: [1e-3, 1e-2] } },
        { dataset: { inputScale: 'unit' }, seeds: [3] },
      ],
    });
    expect(def.cases?.map((c) => Object.keys(c.training).sort())).toEqual([
      ['batchSize', 'dataSeed', 'epochs', 'learningRate'],
      ['batchSize', 'dataSeed', 'epochs', 'learningRate'],
    ]);
    const stored = JSON.parse(JSON.stringify(def)) as unknown;
    expect(parseSweepDefinition(stored)).toEqual(def);
    expect(planSweep(parseSweepDefinition(stored)).trials.map((t) => t.key)).toEqual(
      planSweep(def).trials.map((t) => t.key),
    );
    // A case may repeat the sweep's engine (definitions stored by the first release of cases
    // repeated its backend).
    const withEngine = { ...(stored as object), cases: [{ training: { engine: 'tfjs' } }] };
    expect(parseSweepDefinition(withEngine).cases).toHaveLength(1);
  });

  it('refuses cases that plan the same group twice, and errors inside a case name the case', () => {
    const twice = invalidSweep(() =>
      plan({ cases: [{ training: { learningRate: 0.1 } }, { training: { learningRate: 0.1 } }] }),
    );
    expect(twice.issues).toEqual([
      {
        path: 'cases',
        message:
          'cases.0 and cases.1 both plan group "East"; give them different values on some axis',
      },
    ]);
    expect(
      issuesOf({
        ...MINIMAL,
        cases: [{ training: { learningRate: -1 } }, { dataset: { inputScale: 'zscore' } }],
      }).map((i) => i.path),
    ).toEqual(['cases.0.training.learningRate', 'cases.1.dataset.inputScale']);
    expect(issuesOf({ ...MINIMAL, cases: [{ training: { engine: 'tfjs' } }] })).toEqual([
      {
        path: 'cases.0.training.engine',
        message: 'engine is one per sweep: set it in the sweep, not a case',
      },
    ]);
    expect(issuesOf({ ...MINIMAL, cases: [{ name: 'x' }] })).toEqual([
      { path: 'cases.0.name', message: 'unknown field' },
    ]);
  });
});
