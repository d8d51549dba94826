import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { createTrialQueue, jobsAhead, TRIAL_JOB_NAME, type TrialQueue } from '../src/index.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
let prefix: string;
let queue: TrialQueue;

beforeEach(() => {
  prefix = uniquePrefix('ahead');
  queue = createTrialQueue({ connection: redis, prefix });
});
afterEach(async () => {
  await queue.close();
  await deleteKeys(redis, prefix);
});
afterAll(() => redis.disconnect());

/** A job of no trial in particular: only its id, priority and delay matter here. */
async function add(id: string, opts: { priority?: number; delay?: number } = {}): Promise<void> {
  await queue.add(TRIAL_JOB_NAME, { key: id, spec: {} as never }, { jobId: id, ...opts });
}

describe('jobsAhead', () => {
  it('counts the prioritized jobs of a lower priority, then those of the same one added first', async () => {
    await add('a1', { priority: 1 });
    await add('b1', { priority: 1 });
    await add('a2', { priority: 2 });
    await add('b2', { priority: 3 });
    expect(await jobsAhead(queue, redis, ['a1', 'a2'])).toBe(0);
    expect(await jobsAhead(queue, redis, ['b1', 'b2'])).toBe(1);
    expect(await jobsAhead(queue, redis, ['a2'])).toBe(2);
    expect(await jobsAhead(queue, redis, ['b2'])).toBe(3);
  });

  it('counts the jobs without a priority as ahead of every prioritized one', async () => {
    await add('p1', { priority: 1 });
    await add('fifo1');
    await add('fifo2');
    expect(await jobsAhead(queue, redis, ['p1'])).toBe(2);
  });

  it('looks past the ids that are not waiting (done, running, delayed), a batch at a time', async () => {
    await add('waiting-for-a-baseline', { priority: 1, delay: 60_000 });
    await add('other', { priority: 5 });
    await add('next', { priority: 10 });
    const gone = Array.from({ length: 500 }, (_, i) => `done-${i}`);
    expect(await jobsAhead(queue, redis, ['waiting-for-a-baseline', ...gone, 'next'])).toBe(1);
  });

  it('is null for no ids, and when none of them waits to be taken', async () => {
    await add('held', { priority: 1, delay: 60_000 });
    expect(await jobsAhead(queue, redis, [])).toBeNull();
    expect(await jobsAhead(queue, redis, ['held', 'missing'])).toBeNull();
  });
});
