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
    expect(first).toEqual({ reusedResults: 0, alreadyQueued: 0, enqueued: 1200 });
    expect(chunks).toEqual([1000, 1200]);
    expect(await queue.getWaitingCount()).toBe(1200);
    const waiting = await queue.getWaiting(0, 3);
    expect(waiting.map((job) => job.id)).toEqual(trials.slice(0, 4).map((t) => trialJobId(t.key)));
    expect(waiting[0]?.data.spec).toEqual(trials[0]?.spec);

    expect(await enqueuer.enqueue(trials)).toEqual({
      reusedResults: 0,
      alreadyQueued: 1200,
      enqueued: 0,
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
      backend: 'wasm',
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
    expect(outcome).toEqual({ reusedResults: 1, alreadyQueued: 0, enqueued: 1 });
    expect(await queue.getJobState(trialJobId(failed!.key))).toBe('waiting');
    expect(await queue.getJob(trialJobId(done!.key))).toBeUndefined();
  });
});
