import type { Redis } from 'ioredis';
import type { TrialQueue } from './trial-queue.js';

/** Job ids looked up in the first round trip; each further one looks at twice as many. */
const FIRST_BATCH = 64;
/**
 * Job ids looked up at most: a status is polled, and a sweep whose first thousands of queued
 * trials are all delayed (RandomOut trials waiting for their baselines) has no place to show.
 */
const MAX_LOOKED_UP = 8_192;

/**
 * How many jobs the workers take before the next of these (a sweep's queued trials, in plan
 * order): the jobs without a priority, which BullMQ takes first, and the prioritized jobs of a
 * lower score (priority * 2^32 + a counter: the lower priority first, then first in). A sweep's
 * priorities rise in plan order, so its next job is the first of them in the prioritized set;
 * the ids are looked up a batch at a time until one is there, and the lowest score of that
 * batch counts (a trial shared with an earlier sweep carries that sweep's priority). Null when
 * none of the first ids waits to be taken: delayed, running, or queued without a priority.
 */
export async function jobsAhead(
  queue: TrialQueue,
  /** For pipelined look-ups; the queue's own client is not an ioredis type. */
  redis: Redis,
  jobIds: readonly string[],
): Promise<number | null> {
  if (jobIds.length === 0) return null;
  const prioritized = queue.keys.prioritized!;
  const end = Math.min(jobIds.length, MAX_LOOKED_UP);
  for (let from = 0, size = FIRST_BATCH; from < end; from += size, size *= 2) {
    const pipeline = redis.pipeline();
    for (const id of jobIds.slice(from, Math.min(end, from + size))) {
      pipeline.zscore(prioritized, id);
    }
    let lowest: string | null = null;
    for (const [error, score] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      if (typeof score === 'string' && (lowest === null || Number(score) < Number(lowest))) {
        lowest = score;
      }
    }
    if (lowest === null) continue;
    // Redis prints a score with every digit it keeps, so "(" + it excludes exactly that job.
    const [unprioritized, lower] = await Promise.all([
      redis.llen(queue.keys.wait!),
      redis.zcount(prioritized, '-inf', `(${lowest}`),
    ]);
    return unprioritized + lower;
  }
  return null;
}
