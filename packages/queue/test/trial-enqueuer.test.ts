import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore } from '@seedsweep/store';
import { parseSweepDefinition, planSweep } from '@seedsweep/sweep-spec';
import {
  ADD_BULK_CHUNK,
  bullPrefix,
  createTrialQueue,
  TRIAL_QUEUE,
  TrialEnqueuer,
  trialJobId,
  type TrialQueue,
} from '../src/index.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
let prefix: string;
let queue: TrialQueue;
let store: SweepStore;

beforeEach(async () => {
  if (queue) await queue.close();
  if (prefix) await deleteKeys(redis, prefix);
  prefix = uniquePrefix('queue');
  queue = createTrialQueue({ connection: redis, prefix });
  store = new SweepStore({ redis, prefix });
});
afterAll(async () => {
  await queue.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

function plan(seeds: { from: number; to: number }) {
  return planSweep(
    parseSweepDefinition({
      name: 'q',
      regions: ['East'],
      seeds,
      randomout: { tau: [1e-8], activePercent: [50] },
      training: { epochs: 1 },
    }),
  );
}

describe('TrialEnqueuer', () => {
  it('enqueues more than one addBulk chunk, in plan order, once', async () => {
    const { trials } = plan({ from: 0, to: 599 }); // 1200 trials
    expect(trials.length).toBeGreaterThan(ADD_BULK_CHUNK);
    const enqueuer = new TrialEnqueuer(queue, store, redis);
    const chunks: number[] = [];
    const first = await enqueuer.enqueue(trials, (done) => chunks.push(done));
    expect(first).toEqual({
      reusedResults: 0,
      alreadyQueued: 0,
      enqueued: 1200,
      retried: 0,
      keptFailures: 0,
    });
    expect(chunks).toEqual([1000, 1200]);
    expect(await queue.getWaitingCount()).toBe(1200);
    const waiting = await queue.getWaiting(0, 3);
    expect(waiting.map((job) => job.id)).toEqual(trials.slice(0, 4).map((t) => trialJobId(t.key)));
    expect(waiting[0]?.data.spec).toEqual(trials[0]?.spec);

    expect(await enqueuer.enqueue(trials)).toEqual({
      reusedResults: 0,
      alreadyQueued: 1200,
      enqueued: 0,
      retried: 0,
      keptFailures: 0,
    });
    expect(await queue.getWaitingCount()).toBe(1200);
  });

  it('skips trials with a stored result and re-enqueues one whose job failed for good', async () => {
    const { trials } = plan({ from: 0, to: 1 });
    const [done, failed] = trials;
    await store.writeResult({
      key: done!.key,
      testAccuracy: 0.9,
      majorityRate: 0.6,
      testCount: 1,
      trainLoss: [],
      epochsRun: 1,
      diverged: false,
      divergedAtEpoch: null,
      reinitializations: { total: 0, conv1: 0, conv2: 0, perEpoch: [] },
      minAbsCgn: [],
      weightsHash: 'h',
      engine: 'wasm',
      versions: {},
      durationMs: 1,
      worker: 'w',
      attempt: 1,
      finishedAt: '',
    });
    const enqueuer = new TrialEnqueuer(queue, store, redis);
    await queue.add(
      'train',
      { key: failed!.key, spec: failed!.spec },
      { jobId: trialJobId(failed!.key), attempts: 1 },
    );
    const worker = new Worker(
      TRIAL_QUEUE,
      async () => {
        throw new UnrecoverableError('boom');
      },
      { connection: redis.duplicate(), prefix: bullPrefix(prefix) },
    );
    await new Promise((resolve) => worker.once('failed', resolve));
    await worker.close();
    expect(await queue.getJobState(trialJobId(failed!.key))).toBe('failed');

    const outcome = await enqueuer.enqueue([done!, failed!]);
    expect(outcome).toEqual({
      reusedResults: 1,
      alreadyQueued: 0,
      enqueued: 1,
      retried: 0,
      keptFailures: 0,
    });
    expect(await queue.getJobState(trialJobId(failed!.key))).toBe('waiting');
    expect(await queue.getJob(trialJobId(done!.key))).toBeUndefined();
  });

  it('retries failures of the environment on a submission, of the trial only when asked', async () => {
    const [environment, own] = plan({ from: 0, to: 1 }).trials;
    const trials = [environment!, own!];
    // Failed for good, as a worker leaves them: the failed job kept, the failure recorded.
    for (const trial of [environment!, own!]) {
      await queue.add(
        'train',
        { key: trial.key, spec: trial.spec },
        { jobId: trialJobId(trial.key), attempts: 1 },
      );
    }
    const worker = new Worker(
      TRIAL_QUEUE,
      async () => {
        throw new UnrecoverableError('boom');
      },
      { connection: redis.duplicate(), prefix: bullPrefix(prefix) },
    );
    let failedJobs = 0;
    await new Promise<void>((resolve) =>
      worker.on('failed', () => {
        failedJobs += 1;
        if (failedJobs === 2) resolve();
      }),
    );
    await worker.close();
    const failure = { attempts: 3, worker: 'w', failedAt: '' };
    await store.writeFailure({
      ...failure,
      key: environment!.key,
      message: 'download of http://127.0.0.1:9/x failed after 3 attempt(s): fetch failed',
      code: 'DOWNLOAD_FAILED',
      failureClass: 'environment',
      reason: 'download of http://127.0.0.1:9/x failed after 3 attempt(s): fetch failed',
    });
    // Recorded before failures had classes: classified by its code.
    await store.writeFailure({
      ...failure,
      key: own!.key,
      message: 'invalid training configuration: epochs: too big',
      code: 'INVALID_TRAIN_CONFIG',
    });
    const enqueuer = new TrialEnqueuer(queue, store, redis);

    // The reconciler leaves both failed.
    expect(await enqueuer.enqueue(trials, undefined, { keepFailed: true })).toMatchObject({
      enqueued: 0,
      retried: 0,
    });
    // A submission: the environment's failure runs again, the trial's own stays.
    expect(await enqueuer.enqueue(trials)).toEqual({
      reusedResults: 0,
      alreadyQueued: 0,
      enqueued: 1,
      retried: 1,
      keptFailures: 1,
    });
    expect(await queue.getJobState(trialJobId(environment!.key))).toBe('waiting');
    expect(await queue.getJobState(trialJobId(own!.key))).toBe('failed');
    const [cleared, kept] = await store.getStates([environment!.key, own!.key]);
    expect(cleared?.failure).toBeNull();
    expect(kept?.failure?.code).toBe('INVALID_TRAIN_CONFIG');
    // The failure is kept beside the trial, not deleted.
    expect(await redis.hget(store.keys.trial(environment!.key), 'lastFailure')).toContain(
      'DOWNLOAD_FAILED',
    );

    // An explicit retry runs the trial's own failure again too.
    expect(await enqueuer.enqueue(trials, undefined, { retryFailed: 'all' })).toEqual({
      reusedResults: 0,
      alreadyQueued: 1,
      enqueued: 1,
      retried: 1,
      keptFailures: 0,
    });
    expect(await queue.getJobState(trialJobId(own!.key))).toBe('waiting');
    expect((await store.getStates([own!.key]))[0]?.failure).toBeNull();
  });
});
