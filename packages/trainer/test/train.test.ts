import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '@seedsweep/prng';
import { selectEngine, type EngineInfo } from '../src/engine.js';
import { CraterCnn } from '../src/crater-cnn.js';
import { InvalidTrainConfigError, TrainingAbortedError } from '../src/errors/index.js';
import { parseTrainConfig } from '../src/train-config.js';
import { train, trainModel } from '../src/train.js';
import { matchesBaseline } from '../src/baseline-equivalence.js';
import type { TrainResult } from '../src/train-result.js';
import type { TrainingData } from '../src/training-data.js';
import { loadEast, outcome, subset } from './fixtures.js';
import { kernelEngines } from './kernel-engines.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('train (the default engine, real East data)', () => {
  let data: TrainingData;
  let engine: EngineInfo;
  const base = { seed: 5, epochs: 3, learningRate: 0.01, batchSize: 32 };

  beforeAll(async () => {
    engine = await selectEngine('auto');
    data = subset(await loadEast(), 192, 300);
  });

  it('learns: the loss falls and the accuracy beats the majority class', async () => {
    const r = await train({ ...base, epochs: 6 }, data);
    expect(r.engine).toBe(engine.name);
    expect(r.numerics).toBe('kernels');
    expect(r.codePath).toBe(engine.codePath);
    expect(r.versions.trainer).toBeDefined();
    expect(r.epochsRun).toBe(6);
    expect(r.trainLoss[5]!).toBeLessThan(r.trainLoss[0]!);
    const majority =
      Math.max(...[0, 1].map((c) => data.test.y.filter((y) => y === c).length)) / data.test.count;
    expect(r.testAccuracy).toBeGreaterThan(majority);
    expect(r.diverged).toBe(false);
    expect(r.weightsHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deterministic in one process: same config, same result bit for bit', async () => {
    const a = await train(base, data);
    const b = await train(base, data);
    expect(outcome(b)).toEqual(outcome(a));
    const other = await train({ ...base, seed: 6 }, data);
    expect(other.weightsHash).not.toBe(a.weightsHash);
  });

  it('draws the data order from the data seed, not the init seed', async () => {
    const a = await train(base, data);
    const b = await train({ ...base, dataSeed: 1 }, data);
    expect(b.weightsHash).not.toBe(a.weightsHash);
  });

  // Every kernels engine this machine runs (wasm, native on each code path), each in a fresh
  // process: the whole training (weights, accuracy, loss curve, CGN record) is bit-identical to
  // this process's run on the default engine.
  it.each(kernelEngines().map((e) => ({ engine: e.name, codePath: e.codePath })))(
    'is bit-identical across processes and engines: $engine ($codePath)',
    async (other) => {
      // RandomOut that fires, so that the re-initialisations' draws are part of the comparison.
      const config = { ...base, randomout: { tau: 0.5, activePercent: 67 } };
      const inProcess = await train(config, data);
      expect(inProcess.reinitializations.total).toBeGreaterThan(0);
      // The child runs the compiled package (`pnpm test` builds first) on the same data.
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          path.join(here, 'train-child.mjs'),
          JSON.stringify({
            config,
            train: 192,
            test: 300,
            engine: other.engine,
            ...(other.engine === 'native' && { codePath: other.codePath }),
          }),
        ],
        { timeout: 120_000 },
      );
      const child = JSON.parse(stdout.trim().split('\n').at(-1)!) as TrainResult;
      expect(child.engine).toBe(other.engine);
      expect(child.codePath).toBe(other.codePath);
      expect(outcome(child)).toEqual(outcome(inProcess));
    },
  );

  it('with tau = 0 or P = 0, RandomOut is bit-identical to the baseline', async () => {
    const baseline = await train(base, data);
    const tauZero = await train({ ...base, randomout: { tau: 0, activePercent: 100 } }, data);
    const pZero = await train({ ...base, randomout: { tau: 1e6, activePercent: 0 } }, data);
    expect(outcome(tauZero)).toEqual(outcome(baseline));
    expect(outcome(pZero)).toEqual(outcome(baseline));
    expect(pZero.reinitializations.total).toBe(0);
  });

  it('with tau below every CGN, nothing changes', async () => {
    const baseline = await train(base, data);
    const smallest = Math.min(...baseline.minAbsCgn.map((v) => v ?? Infinity));
    expect(smallest).toBeGreaterThan(0);
    const below = await train(
      { ...base, randomout: { tau: smallest / 2, activePercent: 100 } },
      data,
    );
    expect(below.reinitializations.total).toBe(0);
    expect(outcome(below)).toEqual(outcome(baseline));
  });

  it('a run the baseline record says cannot fire is the baseline bit for bit; a hair above, it fires', async () => {
    const baseline = await train(base, data);
    const activePercent = 67; // two of three epochs
    const active = baseline.minAbsCgn.slice(0, 2).map((v) => v!);
    const floor = Math.min(...active);
    const quiet = parseTrainConfig({ ...base, randomout: { tau: floor, activePercent } });
    expect(matchesBaseline(quiet, baseline)).toBe(true);
    const quietRun = await train(quiet, data);
    expect(quietRun.reinitializations.total).toBe(0);
    expect(outcome(quietRun)).toEqual(outcome(baseline));

    // The smallest active |CGN| is the check that fires once tau exceeds it.
    const above = parseTrainConfig({
      ...base,
      randomout: { tau: floor * (1 + 1e-9), activePercent },
    });
    expect(matchesBaseline(above, baseline)).toBe(false);
    expect((await train(above, data)).reinitializations.total).toBeGreaterThan(0);
  });

  it('likewise for the sum norm, judged by the smallest |sum CGN| the baseline records', async () => {
    const baseline = await train(base, data);
    const activePercent = 67;
    const sumFloor = Math.min(...baseline.minAbsSumCgn.slice(0, 2).map((v) => v!));
    // |sum| <= l1 for every filter: the sum norm fires first, so its own series must judge it.
    expect(sumFloor).toBeLessThan(Math.min(...baseline.minAbsCgn.slice(0, 2).map((v) => v!)));
    const quiet = parseTrainConfig({
      ...base,
      randomout: { tau: sumFloor, activePercent, cgn: 'sum' },
    });
    expect(matchesBaseline(quiet, baseline)).toBe(true);
    const quietRun = await train(quiet, data);
    expect(quietRun.reinitializations.total).toBe(0);
    // Both series included: a sum run records the l1 minima too, as its baseline does.
    expect(outcome(quietRun)).toEqual(outcome(baseline));

    const above = parseTrainConfig({
      ...base,
      randomout: { tau: sumFloor * (1 + 1e-9), activePercent, cgn: 'sum' },
    });
    expect(matchesBaseline(above, baseline)).toBe(false);
    expect((await train(above, data)).reinitializations.total).toBeGreaterThan(0);
  });

  it('with tau above every CGN, re-initialises every filter at every check while active', async () => {
    const batches = Math.ceil(data.train.count / base.batchSize);
    const r = await train(
      { ...base, epochs: 4, randomout: { tau: 1e9, activePercent: 50, checkEvery: 'batch' } },
      data,
    );
    expect(r.reinitializations.perEpoch).toEqual([
      { conv1: 20 * batches, conv2: 20 * batches },
      { conv1: 20 * batches, conv2: 20 * batches },
      { conv1: 0, conv2: 0 },
      { conv1: 0, conv2: 0 },
    ]);
    const perEpoch = await train(
      { ...base, epochs: 2, randomout: { tau: 1e9, activePercent: 100, checkEvery: 'epoch' } },
      data,
    );
    expect(perEpoch.reinitializations.total).toBe(2 * 40);
  });

  it('re-initialises a dead ReLU filter while the check is active, and never after P', async () => {
    const epochs = 5;
    const config = parseTrainConfig({
      ...base,
      epochs,
      randomout: { tau: 1e-12, activePercent: 60 },
    });
    const stream = RandomStream.derive(config.seed, 'trainer/init');
    const model = CraterCnn.initialise(data.size, stream);
    // A bias far below any activation: the filter's ReLU never fires, its gradient is exactly 0.
    model.setBias('conv1', 7, -1e4);
    const before = model.snapshot().w1!.values;
    const r = await trainModel(model, config, data, stream, {}, engine);
    const batches = Math.ceil(data.train.count / base.batchSize);
    const active = Math.floor(0.6 * epochs);
    expect(active).toBe(3);
    r.reinitializations.perEpoch.forEach((counts, epoch) => {
      if (epoch < active) expect(counts.conv1).toBeGreaterThanOrEqual(batches);
      else expect(counts).toEqual({ conv1: 0, conv2: 0 });
    });
    const after = model.snapshot().w1!.values;
    // The dead filter's weights were redrawn (never trained: its gradient is zero).
    const changed = Array.from({ length: 16 }, (_, i) => i * 20 + 7).filter(
      (i) => after[i] !== before[i],
    );
    expect(changed.length).toBe(16);
    expect(r.minAbsCgn.every((v) => v === 0)).toBe(true);
    model.dispose();
  });

  it('gates re-initialisation on the previous epoch loss when minTrainLoss is set', async () => {
    const ungated = await train({ ...base, randomout: { tau: 1e9, activePercent: 100 } }, data);
    const gated = await train(
      { ...base, randomout: { tau: 1e9, activePercent: 100, minTrainLoss: 1e6 } },
      data,
    );
    // Epoch 1 has no previous loss and checks; afterwards every loss is below the gate.
    expect(gated.reinitializations.perEpoch[0]).toEqual(ungated.reinitializations.perEpoch[0]);
    expect(gated.reinitializations.perEpoch.slice(1)).toEqual([
      { conv1: 0, conv2: 0 },
      { conv1: 0, conv2: 0 },
    ]);
  });

  it('stops a diverging run early, reports it, and never emits NaN or Infinity', async () => {
    const r = await train({ ...base, epochs: 20, learningRate: 1e4 }, data);
    expect(r.diverged).toBe(true);
    expect(r.divergedAtEpoch).not.toBeNull();
    expect(r.epochsRun).toBe(r.divergedAtEpoch);
    expect(r.epochsRun).toBeLessThan(20);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.testAccuracy).toBeLessThanOrEqual(1);
    const json = JSON.stringify(r);
    expect(json).not.toMatch(/NaN|Infinity/);
    const roundTrip = JSON.parse(json) as TrainResult;
    for (const loss of roundTrip.trainLoss)
      expect(loss === null || Number.isFinite(loss)).toBe(true);
  });

  it('aborts through the signal', async () => {
    const controller = new AbortController();
    const run = train({ ...base, epochs: 50 }, data, {
      signal: controller.signal,
      onEpoch: (p) => {
        if (p.epoch === 2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(TrainingAbortedError);
  });

  it('reports progress once per epoch', async () => {
    const seen: number[] = [];
    await train(base, data, { onEpoch: (p) => seen.push(p.epoch) });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('refuses a bad configuration, naming every bad field', async () => {
    const run = train(
      { seed: -1, learningRate: Number.NaN, randomout: { tau: -1, activePercent: 101 } },
      data,
    );
    await expect(run).rejects.toBeInstanceOf(InvalidTrainConfigError);
    const error = (await run.catch((e: unknown) => e)) as InvalidTrainConfigError;
    expect(error.code).toBe('INVALID_TRAIN_CONFIG');
    expect(error.issues.map((i) => i.path).sort()).toEqual(
      ['learningRate', 'randomout.activePercent', 'randomout.tau', 'seed'].sort(),
    );
    await expect(train({ seed: 1, extra: true }, data)).rejects.toThrow(/extra/);
  });
});
