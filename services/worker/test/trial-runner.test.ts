import { pino } from 'pino';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { TrialProgress } from '@seedsweep/queue';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { failureCodeOf, SweepStore, WorkerHolds } from '@seedsweep/store';
import { parseSweepDefinition, planSweep } from '@seedsweep/sweep-spec';
import { isCancellation, TrialInterruptedError } from '../src/errors/index.js';
import { RegionData } from '../src/region-data.js';
import { TrialRunner } from '../src/trial-runner.js';

const redis = new Redis(inject('redisUrl'));
const prefix = uniquePrefix('runner');
const store = new SweepStore({ redis, prefix });
/** Keys whose jobs count as still queued, standing in for the queue a worker would ask. */
const queued = new Set<string>();
const runner = new TrialRunner({
  store,
  regions: new RegionData({
    dataDir: process.env.CRATER_DATA_DIR,
    dataUrl: undefined,
    cacheRoot: '/nonexistent',
  }),
  workerName: 'test',
  log: pino({ level: 'silent' }),
  jobExists: async (key) => queued.has(key),
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const [trial, quietCell, loudCell] = planSweep(
  parseSweepDefinition({
    name: 'runner',
    regions: ['East'],
    seeds: [5],
    // 1e-8 lies far below any |CGN| of two epochs; 10 far above.
    randomout: { tau: [1e-8, 10], activePercent: [50] },
    training: { epochs: 2 },
  }),
).trials;

/** A job as the trial sees it, recording what the trial asks of BullMQ. */
function job(data: unknown) {
  const progress: TrialProgress[] = [];
  const delays: number[] = [];
  return {
    progress,
    delays,
    handle: {
      data,
      attemptsMade: 0,
      updateProgress: async (p: TrialProgress) => void progress.push(p),
      moveToDelayed: async (timestamp: number) => void delays.push(timestamp),
    },
  };
}

describe('TrialRunner', () => {
  it('trains, reports every epoch, writes the result once, and skips a finished trial', async () => {
    const first = job({ key: trial!.key, spec: trial!.spec });
    const result = await runner.run(first.handle);
    expect(result).toMatchObject({ key: trial!.key, written: true, skipped: false });
    expect(first.progress.map((p) => p.epoch)).toEqual([1, 2]);
    const stored = await store.getResult(trial!.key);
    expect(stored).toMatchObject({
      testAccuracy: result.testAccuracy,
      epochsRun: 2,
      numerics: 'kernels',
      testCount: 611,
    });
    expect(stored!.majorityRate).toBeCloseTo(382 / 611, 10);
    // The stored JSON's key order is the one records have always had.
    expect(Object.keys(stored!)).toEqual([
      'key',
      'testAccuracy',
      'majorityRate',
      'testCount',
      'trainLoss',
      'epochsRun',
      'diverged',
      'divergedAtEpoch',
      'reinitializations',
      'minAbsCgn',
      'minAbsSumCgn',
      'weightsHash',
      'engine',
      'numerics',
      'codePath',
      'versions',
      'durationMs',
      'worker',
      'attempt',
      'finishedAt',
      'resumedFrom',
    ]);
    expect(stored).toMatchObject({ worker: 'test', attempt: 1, resumedFrom: null });

    const second = job({ key: trial!.key, spec: trial!.spec });
    expect(await runner.run(second.handle)).toMatchObject({
      written: false,
      skipped: true,
      testAccuracy: result.testAccuracy,
    });
    expect(second.progress).toEqual([]);
  });

  it('refuses payloads no retry can fix', async () => {
    const cases: [unknown, RegExp][] = [
      [{ key: 'nope', spec: trial!.spec }, /key/],
      [{ key: '0'.repeat(64), spec: trial!.spec }, /is not its spec's/],
      [{ key: trial!.key }, /spec/],
    ];
    for (const [data, message] of cases) {
      const error = await runner.run(job(data).handle).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnrecoverableError);
      // BullMQ reads the name across the sandbox's boundary; the worker reads the code.
      expect(error).toMatchObject({ name: 'UnrecoverableError', code: 'INVALID_JOB' });
      expect(error).toMatchObject({ retryable: false });
      expect((error as Error).message).toMatch(message);
    }
    const otherVersion = { ...trial!.spec, trainerVersion: '0' };
    const { trialKey } = await import('@seedsweep/sweep-spec');
    const error = await runner
      .run(job({ key: trialKey(otherVersion), spec: otherVersion }).handle)
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(error).toMatchObject({ code: 'TRAINER_MISMATCH', retryable: false });
    expect((error as Error).message).toContain('trainer version 0');
  });

  it('a cancelled trial fails for good as a cancellation, a shut-down one to be retried, neither written', async () => {
    // The baseline of a sweep of its own: a trial with no result.
    const [other] = planSweep(
      parseSweepDefinition({
        name: 'runner',
        regions: ['East'],
        seeds: [7],
        randomout: { tau: [10], activePercent: [50] },
        training: { epochs: 2 },
      }),
    ).trials;
    expect(other!.spec.train.randomout).toBeNull();
    const data = { key: other!.key, spec: other!.spec };
    const cancelled = await runner
      .run(job(data).handle, AbortSignal.abort('cancelled'))
      .catch((e: unknown) => e);
    expect(cancelled).toBeInstanceOf(UnrecoverableError);
    expect(cancelled).toMatchObject({
      name: 'UnrecoverableError',
      code: 'TRIAL_CANCELLED',
      retryable: false,
      message: 'cancelled: no live sweep needs this trial',
    });
    expect(isCancellation(cancelled)).toBe(true);

    const interrupted = await runner
      .run(job(data).handle, AbortSignal.abort('shutdown'))
      .catch((e: unknown) => e);
    expect(interrupted).toBeInstanceOf(TrialInterruptedError);
    expect(interrupted).not.toBeInstanceOf(UnrecoverableError);
    expect(interrupted).toMatchObject({
      retryable: true,
      message: 'interrupted (shutdown); another worker will retry it',
    });
    expect(isCancellation(interrupted)).toBe(false);
    // Recorded, should it run out of attempts, with no code, as it always was.
    expect(failureCodeOf(interrupted)).toBeNull();
    expect(await store.getResult(other!.key)).toBeNull();
  });

  it('a RandomOut trial waits while its baseline is queued, then takes its result if no check could fire', async () => {
    const baselineKey = trial!.key;
    await redis.hdel(store.keys.trial(baselineKey), 'result', 'summary');
    queued.add(baselineKey);
    const waiting = job({ key: quietCell!.key, spec: quietCell!.spec });
    await expect(runner.run(waiting.handle)).rejects.toBeInstanceOf(DelayedError);
    expect(waiting.delays).toHaveLength(1);
    expect(waiting.delays[0]).toBeGreaterThan(Date.now());

    queued.delete(baselineKey);
    const trained = await runner.run(job({ key: baselineKey, spec: trial!.spec }).handle);
    const quiet = job({ key: quietCell!.key, spec: quietCell!.spec });
    const derived = await runner.run(quiet.handle);
    expect(derived).toMatchObject({
      written: true,
      skipped: false,
      testAccuracy: trained.testAccuracy,
    });
    expect(quiet.progress).toEqual([]);
    const baseline = (await store.getResult(baselineKey))!;
    const record = (await store.getResult(quietCell!.key))!;
    expect(record).toMatchObject({
      derivedFrom: baselineKey,
      weightsHash: baseline.weightsHash,
      trainLoss: baseline.trainLoss,
      durationMs: 0,
      reinitializations: { total: 0 },
    });
    expect((await store.counters()).derivedResults).toBe(1);
  });

  it('a RandomOut trial whose checks would fire trains', async () => {
    const loud = job({ key: loudCell!.key, spec: loudCell!.spec });
    await runner.run(loud.handle);
    expect(loud.progress.map((p) => p.epoch)).toEqual([1, 2]);
    const record = (await store.getResult(loudCell!.key))!;
    expect(record.derivedFrom ?? null).toBeNull();
    expect(record.reinitializations.total).toBeGreaterThan(0);
  });

  it('a RandomOut trial does not wait for a baseline that failed for good, even while its job is kept', async () => {
    const [baseline, cell] = planSweep(
      parseSweepDefinition({
        name: 'runner',
        regions: ['East'],
        seeds: [6],
        randomout: { tau: [1e-8], activePercent: [50] },
        training: { epochs: 2 },
      }),
    ).trials;
    queued.add(baseline!.key);
    await store.writeFailure({
      key: baseline!.key,
      message: 'boom',
      code: null,
      attempts: 3,
      worker: 'w',
      failedAt: '',
    });
    const run = job({ key: cell!.key, spec: cell!.spec });
    await runner.run(run.handle);
    expect(run.delays).toEqual([]);
    expect(run.progress.map((p) => p.epoch)).toEqual([1, 2]);
    expect((await store.getResult(cell!.key))?.derivedFrom ?? null).toBeNull();
  });
});

describe('a trial of an API key that may hold few workers (maxWorkers)', () => {
  const holds = new WorkerHolds(redis, store.keys);
  const holding = new TrialRunner({
    store,
    regions: new RegionData({
      dataDir: process.env.CRATER_DATA_DIR,
      dataUrl: undefined,
      cacheRoot: '/nonexistent',
    }),
    workerName: 'test',
    log: pino({ level: 'silent' }),
    jobExists: async () => false,
    holds,
    holdTtlMs: 60_000,
    holdWaitMs: 1_000,
  });
  const [baseline] = planSweep(
    parseSweepDefinition({
      name: 'runner',
      regions: ['East'],
      seeds: [8],
      randomout: { tau: [1e-8], activePercent: [50] },
      training: { epochs: 2 },
    }),
  ).trials;
  const data = { key: baseline!.key, spec: baseline!.spec, owner: 'alice' };
  const jobId = `t-${baseline!.key}`;

  it('is put back on the queue, untrained, while its key holds all it may', async () => {
    await holds.publishLimits(new Map([['alice', 1]]));
    await holds.take('alice', 'another-job', 60_000);
    const refused = job(data);
    const before = Date.now();
    const error = await holding.run({ ...refused.handle, id: jobId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DelayedError);
    expect(refused.delays).toHaveLength(1);
    expect(refused.delays[0]).toBeGreaterThanOrEqual(before + 1_000);
    expect(refused.delays[0]).toBeLessThan(Date.now() + 2_000);
    expect(refused.progress).toEqual([]);
    expect(await store.getResult(baseline!.key)).toBeNull();
    expect(await redis.zrange(store.keys.ownerHolds('alice'), 0, -1)).toEqual(['another-job']);
  });

  it('trains holding one of its workers, and gives it back at the end', async () => {
    await holds.release('alice', 'another-job');
    const seen: string[][] = [];
    const run = job(data);
    const result = await holding.run({
      ...run.handle,
      id: jobId,
      updateProgress: async (p: TrialProgress) => {
        run.progress.push(p);
        seen.push(await redis.zrange(store.keys.ownerHolds('alice'), 0, -1));
      },
    });
    expect(result).toMatchObject({ written: true });
    expect(seen).toEqual([[jobId], [jobId]]);
    expect(await holds.count('alice')).toBe(0);
  });
});
