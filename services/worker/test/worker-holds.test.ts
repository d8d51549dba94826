import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTrialQueue, TrialEnqueuer, trialJobId, type TrialQueue } from '@seedsweep/queue';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore, WorkerHolds, type TrialRecord } from '@seedsweep/store';
import { parseSweepDefinition, planSweep } from '@seedsweep/sweep-spec';
import { TRAINER_VERSION } from '@seedsweep/trainer/config';
// Built, as the worker service runs it: its trial processes load dist/trial-processor.js.
import { TrialWorker } from '../dist/trial-worker.js';

/**
 * maxWorkers on a real worker: two trials of a key allowed one worker, on a worker that trains
 * two at a time, never train at once; the second is put back and trains after the first.
 */
const prefix = uniquePrefix('holds');
let redis: Redis;
let queue: TrialQueue;
let store: SweepStore;
let worker: TrialWorker | undefined;
let cacheDir: string;
const connections: Redis[] = [];

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  queue = createTrialQueue({ connection: redis, prefix });
  store = new SweepStore({ redis, prefix });
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-holds-'));
});

afterAll(async () => {
  await worker?.close(5_000);
  await queue?.close();
  for (const connection of connections) connection.disconnect();
  await deleteKeys(redis, prefix);
  redis?.disconnect();
  await rm(cacheDir, { recursive: true, force: true });
});

async function startWorker(): Promise<TrialWorker> {
  const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const subscriber = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  connections.push(connection, subscriber);
  return TrialWorker.start({
    connection,
    subscriber,
    store: new SweepStore({ redis: connection, prefix }),
    prefix,
    concurrency: 2,
    maxStalledCount: 2,
    lockDurationMs: 30_000,
    workerName: 'holds-worker',
    log: pino({ level: 'silent' }),
    childEnv: {
      ...process.env,
      REDIS_URL: inject('redisUrl'),
      SEEDSWEEP_PREFIX: prefix,
      SEEDSWEEP_CACHE_DIR: cacheDir,
      WORKER_LOCK_SECONDS: '30',
      LOG_LEVEL: 'warn',
    },
    trialSessions: false,
  });
}

describe("a key's maxWorkers", () => {
  it('lets one of its trials train at a time; the other is put back and trains after it', async () => {
    // Two baselines (neither waits for the other), of a few epochs each.
    const trials = planSweep(
      parseSweepDefinition({
        name: 'holds',
        regions: ['East'],
        seeds: [1, 2],
        randomout: { tau: [1e-8], activePercent: [50] },
        training: { epochs: 3 },
      }),
      { trainerVersion: TRAINER_VERSION },
    ).trials.filter((t) => t.spec.train.randomout === null);
    expect(trials).toHaveLength(2);
    const holds = new WorkerHolds(redis, store.keys);
    await holds.publishLimits(new Map([['alice', 1]]));
    await new TrialEnqueuer(queue, store, redis).enqueue(trials, undefined, { owner: 'alice' });

    // Watch the key's holds throughout: never more than one, and in turn.
    const seen: string[][] = [];
    const delayed = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        seen.push(await redis.zrange(store.keys.ownerHolds('alice'), 0, -1));
        for (const id of await redis.zrange(queue.toKey('delayed'), 0, -1)) delayed.add(id);
        await sleep(10);
      }
    })();
    worker = await startWorker();
    const results: TrialRecord[] = [];
    const deadline = Date.now() + 90_000;
    for (const trial of trials) {
      let result: TrialRecord | null = null;
      while (!(result = await store.getResult(trial.key)) && Date.now() < deadline) {
        await sleep(100);
      }
      expect(result, `${trial.key} was not trained`).not.toBeNull();
      results.push(result!);
    }
    watching = false;
    await watch;

    expect(Math.max(...seen.map((h) => h.length))).toBe(1);
    const order = [...new Set(seen.flat())];
    expect(order).toHaveLength(2);
    expect(new Set(order)).toEqual(new Set(trials.map((t) => trialJobId(t.key))));
    // Each hold was given back when its trial ended.
    expect(await holds.count('alice')).toBe(0);
    // The second trained only after the first had finished training.
    const [first, second] = order.map((jobId) => results.find((r) => trialJobId(r.key) === jobId)!);
    const secondStarted = Date.parse(second!.finishedAt) - second!.durationMs;
    expect(Date.parse(first!.finishedAt)).toBeLessThanOrEqual(secondStarted);
    // The worker could have trained both at once: the second was taken, refused and put back.
    expect([...delayed]).toEqual([order[1]]);
  }, 120_000);
});
