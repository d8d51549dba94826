import { fileURLToPath } from 'node:url';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { failureClassOf, failureCodeOf, isRedisOutOfMemory } from '@seedsweep/store';
import { isCancellation, UnrecoverableTrialError } from '../src/errors/index.js';

/**
 * The worker's failures as they reach it from a sandboxed trial process (a plain Error with the
 * thrown error's own fields): BullMQ must still fail the unrecoverable ones for good and retry
 * the others, and the worker must still read their codes. The processor imports the built
 * classes (dist), as the worker's trial processes do.
 */
const processor = fileURLToPath(new URL('./fixtures/failing-processor.js', import.meta.url));
const QUEUE = 'crossing';
const KINDS = ['cancelled', 'invalid', 'interrupted', 'full'] as const;
type Kind = (typeof KINDS)[number];

const prefix = uniquePrefix('crossing');
let redis: Redis;
let queue: Queue;
let worker: Worker;
/** The error the worker saw for each kind's first attempt, and the job's state after it. */
const seen = new Map<Kind, { error: Error; state: string; failedReason: string }>();

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  queue = new Queue(QUEUE, { connection: redis, prefix });
  worker = new Worker(QUEUE, processor, { connection: redis, prefix, autorun: false });
  const all = new Promise<void>((resolve) => {
    worker.on('failed', (job: Job | undefined, error: Error) => {
      if (!job) return;
      void job.getState().then((state) => {
        seen.set(job.data.kind, { error, state, failedReason: job.failedReason });
        if (seen.size === KINDS.length) resolve();
      });
    });
  });
  // A retried job waits a minute: its state after the first attempt shows BullMQ's decision.
  for (const kind of KINDS) {
    await queue.add(kind, { kind }, { attempts: 3, backoff: { type: 'fixed', delay: 60_000 } });
  }
  void worker.run();
  await all;
});

afterAll(async () => {
  await worker?.close(true);
  await queue?.close();
  await deleteKeys(redis, prefix);
  redis?.disconnect();
});

describe('a trial failure thrown in a sandboxed process', () => {
  it('arrives as a plain Error that keeps its code and retryable fields', () => {
    const { error } = seen.get('cancelled')!;
    expect(error).not.toBeInstanceOf(UnrecoverableTrialError);
    expect(error).toMatchObject({
      name: 'UnrecoverableError',
      code: 'TRIAL_CANCELLED',
      retryable: false,
    });
  });

  it('a cancellation fails for good, keeps its message, and the worker knows it by its code', () => {
    const { error, state, failedReason } = seen.get('cancelled')!;
    expect(state).toBe('failed');
    expect(failedReason).toBe('cancelled: no live sweep needs this trial');
    expect(isCancellation(error)).toBe(true);
  });

  it("an invalid job fails for good with its code, the trial's fault", () => {
    const { error, state } = seen.get('invalid')!;
    expect(state).toBe('failed');
    expect(failureCodeOf(error)).toBe('INVALID_JOB');
    expect(failureClassOf(failureCodeOf(error))).toBe('trial');
    expect(isCancellation(error)).toBe(false);
  });

  it('an interruption is retried, and is recorded with no code as before', () => {
    const { error, state, failedReason } = seen.get('interrupted')!;
    expect(state).toBe('delayed');
    expect(failedReason).toBe('interrupted (shutdown); another worker will retry it');
    expect(error).toMatchObject({ retryable: true });
    expect(failureCodeOf(error)).toBeNull();
    expect(isCancellation(error)).toBe(false);
  });

  it("Redis refusing the result is retried, with the refusal's code", () => {
    const { error, state } = seen.get('full')!;
    expect(state).toBe('delayed');
    expect(error).toMatchObject({ code: 'REDIS_FULL', retryable: true });
    expect(failureClassOf(failureCodeOf(error))).toBe('environment');
    expect(isRedisOutOfMemory(error)).toBe(true);
  });
});
