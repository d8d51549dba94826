import type { Redis } from 'ioredis';
import { describeFailure, type SweepStore } from '@seedsweep/store';
import type { Trial } from '@seedsweep/sweep-spec';
import type { FairShareSchedule } from './fair-share-schedule.js';
import { TRIAL_JOB_NAME, trialJobData, trialJobId } from './trial-job.js';
import type { TrialQueue } from './trial-queue.js';

/** BullMQ's addBulk runs one Lua call per job in a MULTI; chunks keep each MULTI bounded. */
export const ADD_BULK_CHUNK = 1000;

type JobState = 'live' | 'failed' | 'none';

export interface EnqueueOutcome {
  /** Trials whose result was already stored. */
  reusedResults: number;
  /** Trials already waiting or running for another sweep (or kept failed, for the reconciler). */
  alreadyQueued: number;
  /** Trials put on the queue, including `retried`. */
  enqueued: number;
  /** Of `enqueued`, trials that had failed: their failures were cleared and they run again. */
  retried: number;
  /** Trials whose failure was the trial's own (permanent): not enqueued, left failed. */
  keptFailures: number;
}

/**
 * Which failed trials an enqueue runs again: `none` (the reconciler: a failure is an outcome),
 * `environment` (a submission: failures of the environment, which may be fixed by now, but not
 * those of the trial itself, which would fail again) or `all` (an explicit retry).
 */
export type RetryFailed = 'none' | 'environment' | 'all';

/**
 * Puts on the queue the trials that have neither a result nor a live job, in the order given (the
 * plan's interleaved order). Job ids are the trials' content keys, so two sweeps that need the
 * same trial share one job, and a resubmission adds nothing.
 */
export class TrialEnqueuer {
  constructor(
    private readonly queue: TrialQueue,
    private readonly store: SweepStore,
    /** For pipelined look-ups of job keys; the queue's own client is not an ioredis type. */
    private readonly redis: Redis,
  ) {}

  /**
   * A trial that failed for good is tried again (its failed job removed, its failure cleared)
   * as `retryFailed` says: by default, a failure of the environment is. `keepFailed` is
   * `retryFailed: 'none'`.
   */
  async enqueue(
    trials: Trial[],
    onProgress?: (done: number, total: number) => void,
    options: {
      keepFailed?: boolean;
      retryFailed?: RetryFailed;
      /**
       * The trials' sweep's fair-share priorities. Without one, jobs carry no priority and
       * BullMQ takes them before every prioritized job: only for a deployment of one sweep
       * (benchmarks, tests).
       */
      schedule?: FairShareSchedule;
      /** The API key (by name) of the trials' sweep, carried by the jobs it adds (maxWorkers). */
      owner?: string | null;
    } = {},
  ): Promise<EnqueueOutcome> {
    const retryFailed: RetryFailed =
      options.keepFailed === true ? 'none' : (options.retryFailed ?? 'environment');
    // Jobs first, results second: a job that completes between the two looks is seen by one
    // of them (its result is written before the job is removed), so it is never added again.
    const keepFailed = retryFailed === 'none';
    const states = await this.jobStates(
      trials.map((t) => trialJobId(t.key)),
      keepFailed,
    );
    const present = await this.store.resultsPresent(trials.map((t) => t.key));
    const failures = keepFailed
      ? []
      : (await this.store.getStates(trials.map((t) => t.key))).map((state) => state.failure);
    const keptStates = new Set(keepFailed ? ['live', 'failed'] : ['live']);
    const missing: Trial[] = [];
    const toAdd: Trial[] = [];
    const failedJobs: Trial[] = [];
    const toClear: Trial[] = [];
    let keptFailures = 0;
    trials.forEach((trial, i) => {
      if (present[i]) return;
      missing.push(trial);
      if (keptStates.has(states[i]!)) return;
      const failure = failures[i];
      if (
        failure &&
        retryFailed === 'environment' &&
        describeFailure(failure).failureClass === 'trial'
      ) {
        keptFailures += 1;
        return;
      }
      toAdd.push(trial);
      if (states[i] === 'failed') failedJobs.push(trial);
      if (failure) toClear.push(trial);
    });
    // A failed job's id would make addBulk ignore the new job: remove it first.
    await this.removeFailedJobs(failedJobs);
    // Then the failures: from here the trials count as queued, not failed. Should adding fail
    // now, the reconciler puts back what has neither a result, nor a failure, nor a job.
    const retried =
      toClear.length > 0 ? await this.store.clearFailures(toClear.map((t) => t.key)) : 0;
    for (let i = 0; i < toAdd.length; i += ADD_BULK_CHUNK) {
      const chunk = toAdd.slice(i, i + ADD_BULK_CHUNK);
      await this.queue.addBulk(
        chunk.map((trial) => ({
          name: TRIAL_JOB_NAME,
          data: trialJobData(trial, options.owner),
          opts: {
            jobId: trialJobId(trial.key),
            ...(options.schedule && { priority: options.schedule.priorityOf(trial.key) }),
          },
        })),
      );
      onProgress?.(Math.min(i + ADD_BULK_CHUNK, toAdd.length), toAdd.length);
    }
    return {
      reusedResults: trials.length - missing.length,
      alreadyQueued: missing.length - toAdd.length - keptFailures,
      enqueued: toAdd.length,
      retried,
      keptFailures,
    };
  }

  /**
   * 'live' for a job that will still run, 'failed' for one kept after its last attempt (its id
   * would make addBulk ignore a new job), 'none' otherwise. Where failed jobs are kept anyway
   * (`anyJob`), every job is 'live': half the look-ups, for the reconciler's passes over whole
   * sweeps.
   */
  private async jobStates(jobIds: string[], anyJob: boolean): Promise<JobState[]> {
    const failedKey = this.queue.toKey('failed');
    const perJob = anyJob ? 1 : 2;
    const states: JobState[] = [];
    for (let i = 0; i < jobIds.length; i += ADD_BULK_CHUNK) {
      const pipeline = this.redis.pipeline();
      for (const id of jobIds.slice(i, i + ADD_BULK_CHUNK)) {
        pipeline.exists(this.queue.toKey(id));
        if (!anyJob) pipeline.zscore(failedKey, id);
      }
      const replies = (await pipeline.exec()) ?? [];
      for (let j = 0; j < replies.length; j += perJob) {
        const exists = replies[j]?.[1] === 1;
        const failed = !anyJob && replies[j + 1]?.[1] !== null;
        states.push(!exists ? 'none' : failed ? 'failed' : 'live');
      }
    }
    return states;
  }

  /**
   * Removes the failed jobs of these trials that failed before `failedBefore` (ms since the
   * epoch), so that an enqueue adds them again. For trials without a recorded failure only: their
   * job failed without one, which a cancellation does on purpose (a cancelled run is not a
   * failure). A sweep submitted while a cancelled trial was still stopping counted its job as
   * live, and nothing else would ever run the trial it needs. The age leaves a trial that has
   * just failed for good the moment its worker takes to record the failure.
   */
  async removeFailedJobsOf(trials: Trial[], failedBefore: number): Promise<number> {
    const failedKey = this.queue.toKey('failed');
    const stale: Trial[] = [];
    for (let i = 0; i < trials.length; i += ADD_BULK_CHUNK) {
      const chunk = trials.slice(i, i + ADD_BULK_CHUNK);
      const pipeline = this.redis.pipeline();
      // A failed job's score in BullMQ's failed set is the time it failed.
      for (const trial of chunk) pipeline.zscore(failedKey, trialJobId(trial.key));
      const replies = (await pipeline.exec()) ?? [];
      chunk.forEach((trial, j) => {
        const failedAt = replies[j]?.[1];
        if (typeof failedAt === 'string' && Number(failedAt) < failedBefore) stale.push(trial);
      });
    }
    await this.removeFailedJobs(stale);
    return stale.length;
  }

  private async removeFailedJobs(trials: Trial[]): Promise<void> {
    for (const trial of trials) await this.queue.remove(trialJobId(trial.key));
  }
}
