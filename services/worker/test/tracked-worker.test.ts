import { DelayedError, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { TrackedWorker } from '../src/tracked-worker.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('tracked');
afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe('TrackedWorker', () => {
  it('holds a job while its processor runs, and not once the job is delayed or completed', async () => {
    const queue = new Queue('q', { connection: redis, prefix });
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const delayed: string[] = [];
    const worker = new TrackedWorker(
      'q',
      async (job, token) => {
        if (job.name === 'delay') {
          await job.moveToDelayed(Date.now() + 60_000, token);
          delayed.push(job.id!);
          throw new DelayedError();
        }
        started();
        await released;
        return 'done';
      },
      { connection: redis.duplicate(), prefix, concurrency: 2 },
    );
    try {
      await queue.add('delay', {}, { jobId: 'd' });
      await queue.add('block', {}, { jobId: 'b' });
      await running;
      const until = Date.now() + 10_000;
      while (delayed.length === 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 100));
      // BullMQ emits nothing for the delayed job: only processJob's span says it was handed back.
      expect(worker.heldJobs()).toEqual(['b']);
      expect(await queue.getJobState('d')).toBe('delayed');
      release();
      const done = Date.now() + 10_000;
      while ((await queue.getJobState('b')) !== 'completed' && Date.now() < done)
        await new Promise((r) => setTimeout(r, 10));
      expect(worker.heldJobs()).toEqual([]);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
