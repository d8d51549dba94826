import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore, type TrialRecord } from '@seedsweep/store';
import {
  parseSweepDefinition,
  planSweep,
  type SweepDefinition,
  type Trial,
} from '@seedsweep/sweep-spec';
import { encodeCheckpoint, TRAINER_VERSION } from '@seedsweep/trainer';
import { CheckpointDirectory } from '../src/checkpoint-directory.js';
import { RegionData } from '../src/region-data.js';
import { TrialRunner } from '../src/trial-runner.js';

const redis = new Redis(inject('redisUrl'));
const regions = new RegionData({
  dataDir: process.env.CRATER_DATA_DIR,
  dataUrl: undefined,
  cacheRoot: '/nonexistent',
});
const prefixes: string[] = [];
let root: string;

function runnerOn(prefix: string, checkpoints?: CheckpointDirectory) {
  prefixes.push(prefix);
  const store = new SweepStore({ redis, prefix });
  const runner = new TrialRunner({
    store,
    regions,
    workerName: 'test',
    log: pino({ level: 'silent' }),
    jobExists: async () => false,
    ...(checkpoints && { checkpoints }),
  });
  return { store, runner };
}

function job(trial: Trial) {
  const epochs: number[] = [];
  return {
    epochs,
    handle: {
      data: { key: trial.key, spec: trial.spec },
      attemptsMade: 0,
      updateProgress: async (p: { epoch: number }) => void epochs.push(p.epoch),
      moveToDelayed: async () => {},
    },
  };
}

function definition(
  tau: number[],
  minTrainLoss: (number | null)[] = [null],
  cgn: ('l1' | 'sum')[] = ['l1'],
) {
  return parseSweepDefinition({
    name: 'resume',
    regions: ['East'],
    seeds: [3],
    randomout: { tau, activePercent: [100], minTrainLoss, cgn },
    training: { epochs: 4 },
  });
}

let probed: Promise<TrialRecord> | undefined;

/** The baseline's record, trained once for the whole file by a worker of its own. */
function probeBaseline(): Promise<TrialRecord> {
  probed ??= (async () => {
    const probe = runnerOn(uniquePrefix('resume-probe'));
    const [baseline] = planSweep(definition([1])).trials;
    await probe.runner.run(job(baseline!).handle);
    return (await probe.store.getResult(baseline!.key))!;
  })();
  return probed;
}

/** The smallest |CGN| of each epoch of the baseline in the norm a trial checks. */
async function baselineMinima(cgn: 'l1' | 'sum'): Promise<number[]> {
  const record = await probeBaseline();
  return (cgn === 'l1' ? record.minAbsCgn : record.minAbsSumCgn!).map((v) => v!);
}

/** A threshold that first fires in a later epoch of the baseline's run, and that epoch. */
async function laterFiring(cgn: 'l1' | 'sum' = 'l1'): Promise<{ tau: number; epoch: number }> {
  const minima = await baselineMinima(cgn);
  const epoch = minima.findIndex((v, e) => e > 0 && v < Math.min(...minima.slice(0, e)));
  expect(epoch).toBeGreaterThan(0);
  return { tau: (minima[epoch]! + Math.min(...minima.slice(0, epoch))) / 2, epoch };
}

async function storeSweep(store: SweepStore, id: string, def: SweepDefinition, trials: Trial[]) {
  await store.createSweep(
    {
      id,
      name: def.name,
      createdAt: new Date().toISOString(),
      definition: def,
      trainerVersion: TRAINER_VERSION,
      trials: trials.length,
      reused: 0,
      enqueued: trials.length,
    },
    trials,
  );
}

/** The result of `trial` trained from the start, by a worker without checkpoints. */
async function fromScratch(trial: Trial): Promise<TrialRecord> {
  const fresh = runnerOn(uniquePrefix('resume-fresh'));
  const run = job(trial);
  await fresh.runner.run(run.handle);
  expect(run.epochs).toEqual([1, 2, 3, 4]);
  return (await fresh.store.getResult(trial.key))!;
}

const same = (r: TrialRecord) => ({
  testAccuracy: r.testAccuracy,
  weightsHash: r.weightsHash,
  trainLoss: r.trainLoss,
  minAbsCgn: r.minAbsCgn,
  minAbsSumCgn: r.minAbsSumCgn,
  reinitializations: r.reinitializations,
});

describe('a RandomOut trial resumes from its baseline', () => {
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-checkpoints-'));
  });

  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeys(redis, prefix);
    redis.disconnect();
    await rm(root, { recursive: true, force: true });
  });

  it('at the first epoch it could fire in, ending bit for bit as trained from the start', async () => {
    const { tau, epoch } = await laterFiring();
    const def = definition([tau, 1e-30]);
    const [baseline, firing, quiet] = planSweep(def).trials;
    const directory = new CheckpointDirectory(path.join(root, 'baseline-kept'));
    const { store, runner } = runnerOn(uniquePrefix('resume'), directory);
    await storeSweep(store, 'sw-resume', def, [baseline!, firing!, quiet!]);
    await runner.run(job(baseline!).handle);
    // Only the epoch where the sweep's one firing threshold could first fire is kept.
    expect(await directory.epochs(baseline!.key)).toEqual([epoch]);

    const resumed = job(firing!);
    await runner.run(resumed.handle);
    expect(resumed.epochs[0]).toBe(epoch + 1);
    const record = (await store.getResult(firing!.key))!;
    expect(record.resumedFrom).toEqual({ key: baseline!.key, epoch });
    expect(record.reinitializations.total).toBeGreaterThan(0);
    expect((await store.counters()).epochs).toBe(4 + (4 - epoch));

    const trained = await fromScratch(firing!);
    expect(trained.resumedFrom ?? null).toBeNull();
    expect(same(record)).toEqual(same(trained));

    // The threshold that never fires takes the baseline's result, as before.
    await runner.run(job(quiet!).handle);
    expect((await store.getResult(quiet!.key))!.derivedFrom).toBe(baseline!.key);
  });

  it('for a baseline finished before its sweep came, the first sibling to train keeps the checkpoint', async () => {
    const { tau, epoch } = await laterFiring();
    // Two settings that could first fire in the same epoch: the gate never closes at these losses.
    const def = definition([tau], [null, 1e-6]);
    const [baseline, first, second] = planSweep(def).trials;
    const directory = new CheckpointDirectory(path.join(root, 'sibling-kept'));
    const { store, runner } = runnerOn(uniquePrefix('resume-sibling'), directory);
    // No sweep needs checkpoints yet: the baseline keeps none.
    await runner.run(job(baseline!).handle);
    expect(await directory.epochs(baseline!.key)).toEqual([]);

    await storeSweep(store, 'sw-sibling', def, [baseline!, first!, second!]);
    const trainedFirst = job(first!);
    await runner.run(trainedFirst.handle);
    expect(trainedFirst.epochs[0]).toBe(1);
    expect(await directory.epochs(baseline!.key)).toEqual([epoch]);

    const resumed = job(second!);
    await runner.run(resumed.handle);
    expect(resumed.epochs[0]).toBe(epoch + 1);
    const record = (await store.getResult(second!.key))!;
    expect(record.resumedFrom).toEqual({ key: baseline!.key, epoch });
    expect(same(record)).toEqual(same(await fromScratch(second!)));
  });

  it('a cgn: sum trial is resumed or derived from its baseline as an l1 one is, bit for bit', async () => {
    const { tau, epoch } = await laterFiring('sum');
    // At the baseline's smallest |sum CGN| of all, no check fires: |CGN| < tau never holds.
    const quietTau = Math.min(...(await baselineMinima('sum')));
    const def = definition([tau, quietTau], [null], ['sum']);
    const [baseline, firing, quiet] = planSweep(def).trials;
    expect(firing!.spec.train.randomout).toMatchObject({ tau, cgn: 'sum' });
    const directory = new CheckpointDirectory(path.join(root, 'sum-kept'));
    const { store, runner } = runnerOn(uniquePrefix('resume-sum'), directory);
    await storeSweep(store, 'sw-sum', def, [baseline!, firing!, quiet!]);
    await runner.run(job(baseline!).handle);
    expect(await directory.epochs(baseline!.key)).toEqual([epoch]);

    const resumed = job(firing!);
    await runner.run(resumed.handle);
    expect(resumed.epochs[0]).toBe(epoch + 1);
    const record = (await store.getResult(firing!.key))!;
    expect(record.resumedFrom).toEqual({ key: baseline!.key, epoch });
    expect(record.reinitializations.total).toBeGreaterThan(0);
    expect(same(record)).toEqual(same(await fromScratch(firing!)));

    await runner.run(job(quiet!).handle);
    const derived = (await store.getResult(quiet!.key))!;
    expect(derived.derivedFrom).toBe(baseline!.key);
    const trained = await fromScratch(quiet!);
    expect(trained.reinitializations.total).toBe(0);
    expect(same(derived)).toEqual(same(trained));
    expect((await store.counters()).epochs).toBe(4 + (4 - epoch));
  });

  it('an l1 trial resumes bit for bit from the checkpoint a cgn: sum sibling kept for it', async () => {
    const l1 = await laterFiring('l1');
    const sum = await laterFiring('sum');
    // The sum trial trains up to the epoch it could first fire in, past the l1 trial's.
    expect(sum.epoch).toBeGreaterThanOrEqual(l1.epoch);
    const l1Def = definition([l1.tau]);
    const sumDef = definition([sum.tau], [null], ['sum']);
    const [baseline, l1Trial] = planSweep(l1Def).trials;
    const [sumBaseline, sumTrial] = planSweep(sumDef).trials;
    expect(sumBaseline!.key).toBe(baseline!.key);
    const directory = new CheckpointDirectory(path.join(root, 'sum-sibling-kept'));
    const { store, runner } = runnerOn(uniquePrefix('resume-sum-sibling'), directory);
    // Finished before either sweep came: the baseline keeps no checkpoint.
    await runner.run(job(baseline!).handle);
    expect(await directory.epochs(baseline!.key)).toEqual([]);

    await storeSweep(store, 'sw-l1', l1Def, [baseline!, l1Trial!]);
    await storeSweep(store, 'sw-sum', sumDef, [baseline!, sumTrial!]);
    const trainedSum = job(sumTrial!);
    await runner.run(trainedSum.handle);
    expect(trainedSum.epochs[0]).toBe(1);
    expect(await directory.epochs(baseline!.key)).toEqual(
      [...new Set([sum.epoch, l1.epoch])].sort((a, b) => b - a),
    );

    // Its history up to there is the baseline's in both norms, though the sum trial saved it.
    const resumed = job(l1Trial!);
    await runner.run(resumed.handle);
    expect(resumed.epochs[0]).toBe(l1.epoch + 1);
    const record = (await store.getResult(l1Trial!.key))!;
    expect(record.resumedFrom).toEqual({ key: baseline!.key, epoch: l1.epoch });
    expect(same(record)).toEqual(same(await fromScratch(l1Trial!)));
  });

  it('a damaged checkpoint is skipped for an earlier one or a start from scratch', async () => {
    const directory = new CheckpointDirectory(path.join(root, 'damaged'));
    const key = 'a'.repeat(64);
    await directory.save(key, {
      trainerVersion: TRAINER_VERSION,
      numerics: 'kernels',
      epoch: 1,
      params: { w: { shape: [2], values: new Float32Array([1, 2]) } },
      streams: { init: [1, 2, 3, 4], dataOrder: [5, 6, 7, 8] },
      trainLoss: [0.5],
      minAbsCgn: [0.1],
      minAbsSumCgn: [0.01],
      perEpoch: [{ conv1: 0, conv2: 0 }],
    });
    const dir = path.join(root, 'damaged', key);
    // Not a baseline's directory: pruning leaves it alone.
    await writeFile(path.join(root, 'damaged', 'stray'), '');
    await writeFile(path.join(dir, 'epoch-2.ckpt'), 'torn');
    const skipped: string[] = [];
    const found = await directory.latest(key, 3, (file) => skipped.push(path.basename(file)));
    expect(found?.epoch).toBe(1);
    expect(skipped).toEqual(['epoch-2.ckpt']);
    expect(await directory.latest(key, 0)).toBeNull();
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(await directory.prune({ olderThan: new Date(Date.now() - 60_000) })).toBe(0);
    expect(await directory.prune({ olderThan: new Date(Date.now() + 60_000) })).toBe(1);
    expect(await directory.latest(key, 3)).toBeNull();
  });

  it('keeps within its size limit by removing the oldest baselines, never the one just saved', async () => {
    const checkpoint = (epoch: number) => ({
      trainerVersion: TRAINER_VERSION,
      numerics: 'kernels',
      epoch,
      params: { w: { shape: [1000], values: new Float32Array(1000) } },
      streams: { init: [1, 2, 3, 4], dataOrder: [5, 6, 7, 8] },
      trainLoss: Array(epoch).fill(0.5),
      minAbsCgn: Array(epoch).fill(0.1),
      minAbsSumCgn: Array(epoch).fill(0.01),
      perEpoch: Array(epoch).fill({ conv1: 0, conv2: 0 }),
    });
    const size = encodeCheckpoint(checkpoint(1)).length;
    const directory = new CheckpointDirectory(path.join(root, 'capped'), 2.5 * size);
    const keys = ['1', '2', '3'].map((c) => c.repeat(64));
    for (const key of keys) {
      await directory.save(key, checkpoint(1));
      // Directory times have a resolution: let each baseline be younger than the last.
      await utimes(
        path.join(root, 'capped', key),
        new Date(),
        new Date(Date.now() + keys.indexOf(key) * 1000),
      );
    }
    expect(await Promise.all(keys.map((k) => directory.epochs(k)))).toEqual([[], [1], [1]]);
    // One baseline larger than the limit keeps its checkpoints until another is saved.
    await directory.save(keys[2]!, checkpoint(2));
    await directory.save(keys[2]!, checkpoint(3));
    expect(await Promise.all(keys.map((k) => directory.epochs(k)))).toEqual([[], [], [3, 2, 1]]);
  });
});
