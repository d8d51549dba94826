import type { Redis } from 'ioredis';
import type { SweepStore } from '@seedsweep/store';
import { trialJobId } from './trial-job.js';
import type { TrialQueue } from './trial-queue.js';

export interface CancelOutcome {
  /** Waiting or delayed jobs taken off the queue. */
  removed: number;
  /** Running jobs asked to stop (their workers abort the training). */
  stopped: number;
  /** Unfinished trials left alone because a live sweep still needs them. */
  kept: number;
}

/** Job removals in flight at once: enough to hide round trips, few enough to be gentle. */
const REMOVE_CONCURRENCY = 64;

/**
 * Takes the given job ids out of a BullMQ wait list in one pass. queue.remove() alone scans the
 * whole list for every job (LREM), which makes cancelling 100,000 waiting trials quadratic
 * (minutes); after this pass each remove() finds a short list. `Queue.keys.wait` is public API.
 * KEYS[1] the wait list; ARGV the job ids. Returns how many entries it took out.
 */
const PRUNE_WAIT_LIST_SCRIPT = `
local drop = {}
for i = 1, #ARGV do drop[ARGV[i]] = true end
local all = redis.call('LRANGE', KEYS[1], 0, -1)
local keep = {}
for _, id in ipairs(all) do
  if not drop[id] then keep[#keep + 1] = id end
end
if #keep == #all then return 0 end
redis.call('DEL', KEYS[1])
for i = 1, #keep, 5000 do
  redis.call('RPUSH', KEYS[1], unpack(keep, i, math.min(i + 4999, #keep)))
end
return #all - #keep
`;

/**
 * Cancels what only the given (already cancelled) sweep needs: a waiting job is removed, a
 * running one is stopped through the workers' cancel channel, which aborts its training. Every
 * look-up is batched, so cancelling a 100,000-trial sweep takes seconds, not minutes.
 */
export class TrialCanceller {
  constructor(
    private readonly queue: TrialQueue,
    private readonly store: SweepStore,
    private readonly publisher: Redis,
  ) {}

  async cancelSweep(sweepId: string): Promise<CancelOutcome> {
    const keys = await this.store.sweepTrialKeys(sweepId);
    const present = await this.store.resultsPresent(keys);
    const unfinished = keys.filter((_, i) => !present[i]);
    const needed = await this.store.neededByLiveSweeps(unfinished);
    const toCancel = unfinished.filter((_, i) => !needed[i]);
    const active = await this.activeJobIds();
    const toStop = toCancel.map(trialJobId).filter((id) => active.has(id));
    let removed = 0;
    const waiting = toCancel.map(trialJobId).filter((id) => !active.has(id));
    if (waiting.length > 0) {
      await this.publisher.eval(PRUNE_WAIT_LIST_SCRIPT, 1, this.queue.keys.wait!, ...waiting);
    }
    for (let i = 0; i < waiting.length; i += REMOVE_CONCURRENCY) {
      const batch = waiting.slice(i, i + REMOVE_CONCURRENCY);
      const results = await Promise.all(batch.map((id) => this.queue.remove(id)));
      removed += results.filter((r) => r === 1).length;
    }
    // remove() refuses a job whose lock a worker took since we looked: stop those instead.
    const nowActive = await this.activeJobIds();
    for (const id of waiting) if (nowActive.has(id) && !toStop.includes(id)) toStop.push(id);
    if (toStop.length > 0) {
      await this.publisher.publish(this.store.keys.cancelChannel, JSON.stringify(toStop));
    }
    return { removed, stopped: toStop.length, kept: unfinished.length - toCancel.length };
  }

  private async activeJobIds(): Promise<Set<string>> {
    const jobs = await this.queue.getActive(0, -1);
    return new Set(jobs.map((job) => job.id!));
  }
}
