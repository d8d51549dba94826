import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  bullPrefix,
  createTrialQueue,
  TRIAL_QUEUE,
  TrialEnqueuer,
  trialJobId,
} from '@seedsweep/queue';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore } from '@seedsweep/store';
import { parseSweepDefinition, planSweep, type Trial } from '@seedsweep/sweep-spec';

const redisUrl = inject('redisUrl');
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const prefix = uniquePrefix('shutdown');
const store = new SweepStore({ redis, prefix });
const queue = createTrialQueue({ connection: redis, prefix });
const enqueuer = new TrialEnqueuer(queue, store, redis);
let events: QueueEvents;
let cacheDir: string;
const workerMain = path.resolve('services/worker/dist/main.js');

beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-shutdown-'));
  events = new QueueEvents(TRIAL_QUEUE, {
    connection: redis.duplicate(),
    prefix: bullPrefix(prefix),
  });
  await events.waitUntilReady();
});
afterAll(async () => {
  await events.close();
  await queue.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await rm(cacheDir, { recursive: true, force: true });
});

function trial(seed: number, epochs: number): Trial {
  return planSweep(
    parseSweepDefinition({
      name: 'shutdown',
      regions: ['East'],
      seeds: [seed],
      randomout: { tau: [1e-8], activePercent: [50] },
      training: { epochs, backend: 'wasm' },
    }),
  ).trials[0]!;
}

function startWorker(graceSeconds: number): ChildProcess {
  return spawn(process.execPath, [workerMain], {
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      SEEDSWEEP_PREFIX: prefix,
      SEEDSWEEP_CACHE_DIR: cacheDir,
      WORKER_CONCURRENCY: '1',
      WORKER_GRACE_SECONDS: String(graceSeconds),
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
}

/** Resolves at the first progress event of the job: it is training. */
function training(jobId: string): Promise<void> {
  return new Promise((resolve) => {
    const onProgress = ({ jobId: id }: { jobId: string }) => {
      if (id !== jobId) return;
      events.off('progress', onProgress);
      resolve();
    };
    events.on('progress', onProgress);
  });
}

function completed(jobId: string): Promise<void> {
  return new Promise((resolve) => {
    const onCompleted = ({ jobId: id }: { jobId: string }) => {
      if (id !== jobId) return;
      events.off('completed', onCompleted);
      resolve();
    };
    events.on('completed', onCompleted);
  });
}

describe('worker shutdown', () => {
  it('on SIGTERM finishes the running trial within the grace period, then exits 0', async () => {
    const t = trial(31, 6);
    await enqueuer.enqueue([t]);
    const worker = startWorker(120);
    const exited = once(worker, 'exit');
    await training(trialJobId(t.key));
    worker.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(await store.getResult(t.key)).toMatchObject({ epochsRun: 6, attempt: 1 });
    // Completed once: one result, no second delivery, nothing left on the queue.
    expect(await store.counters()).toMatchObject({ results: 1, duplicateResults: 0 });
    expect(await queue.getJob(trialJobId(t.key))).toBeUndefined();
  });

  it('cuts a trial off after the grace period, and another worker retries it to the end', async () => {
    const t = trial(32, 12);
    const jobId = trialJobId(t.key);
    await enqueuer.enqueue([t]);
    const first = startWorker(0);
    const exited = once(first, 'exit');
    await training(jobId);
    first.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(await store.getResult(t.key)).toBeNull();
    const job = await queue.getJob(jobId);
    expect(job?.failedReason).toMatch(/interrupted/);
    expect(['delayed', 'waiting']).toContain(await job?.getState());

    const done = completed(jobId);
    const second = startWorker(120);
    try {
      await done;
      expect(await store.getResult(t.key)).toMatchObject({ epochsRun: 12, attempt: 2 });
      expect(await store.counters()).toMatchObject({ results: 2, duplicateResults: 0 });
    } finally {
      second.kill('SIGTERM');
      await once(second, 'exit');
    }
  });
});
