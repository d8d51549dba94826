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

/**
 * Cancels what only the given (already cancelled) sweep needs: a waiting job is removed, a
 * running one is stopped through the workers' cancel channel, which aborts its training.
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
    const outcome: CancelOutcome = { removed: 0, stopped: 0, kept: 0 };
    const toStop: string[] = [];
    for (const [i, key] of keys.entries()) {
      if (present[i]) continue;
      if ((await this.store.liveSweepsOf(key)).length > 0) {
        outcome.kept += 1;
        continue;
      }
      const job = await this.queue.getJob(trialJobId(key));
      if (!job) continue;
      const state = await job.getState();
      if (state === 'active') {
        toStop.push(job.id!);
      } else if (state !== 'completed' && state !== 'failed') {
        // remove() refuses a job whose lock a worker has just taken; that one is stopped instead.
        const removed = await this.queue.remove(job.id!);
        if (removed === 1) outcome.removed += 1;
        else toStop.push(job.id!);
      }
    }
    if (toStop.length > 0) {
      await this.publisher.publish(this.store.keys.cancelChannel, JSON.stringify(toStop));
      outcome.stopped = toStop.length;
    }
    return outcome;
  }
}
