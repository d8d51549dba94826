import type { Redis } from 'ioredis';
import type { TrialQueue } from './trial-queue.js';

/** BullMQ's score of a prioritized job: priority * 2^32 + an insertion counter. */
const PRIORITY_SCORE_SHIFT = 2 ** 32;

/** Running and delayed jobs looked at: a few workers' worth, and the delayed set's head. */
const SAMPLE = 200;

/**
 * The fair-share virtual time now: the lowest priority among the jobs queued, running or
 * delayed (a RandomOut trial waiting for its baseline keeps its place). A sweep submitted now
 * starts just before it, so its first trial is taken next after the one at the head. 0 when
 * nothing is queued: the clock starts again, and priorities stay far below BullMQ's limit.
 */
export async function currentVirtualTime(queue: TrialQueue, redis: Redis): Promise<number> {
  const [head, active, delayed] = await Promise.all([
    redis.zrange(queue.keys.prioritized!, 0, 0, 'WITHSCORES'),
    queue.getActive(0, SAMPLE - 1),
    queue.getDelayed(0, SAMPLE - 1),
  ]);
  const priorities = [...active, ...delayed].map((job) => job?.priority ?? 0).filter((p) => p > 0);
  if (head.length === 2) priorities.push(Math.floor(Number(head[1]) / PRIORITY_SCORE_SHIFT));
  if (priorities.length === 0) return 0;
  return Math.max(0, Math.min(...priorities) - 1);
}
