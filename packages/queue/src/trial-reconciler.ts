import { PlanCache, type SweepRecord, type SweepStore } from '@seedsweep/store';
import { FairShareSchedule } from './fair-share-schedule.js';
import type { TrialEnqueuer } from './trial-enqueuer.js';

export interface ReconcileOutcome {
  /** Live sweeps looked at. */
  sweeps: number;
  /** Trials of those sweeps with neither a result nor a failure. */
  unfinished: number;
  /** Of those, trials that had no job either and were put back on the queue. */
  requeued: number;
  /** Of `requeued`, trials whose job had failed without a failure: stopped by a cancel. */
  abandoned: number;
  /** Sweeps whose submission had stopped half way, now fully enqueued. */
  finishedSubmissions: number;
}

export interface TrialReconcilerOptions {
  store: SweepStore;
  enqueuer: TrialEnqueuer;
  /**
   * A sweep still being submitted is left to its submitter for this long; after it, the
   * submitter is presumed dead (the API crashed mid-way) and the reconciler enqueues the rest.
   */
  submissionGraceMs?: number;
  /** Sweeps listed per page. */
  pageSize?: number;
  /**
   * A failed job of a trial without a recorded failure is this old before it is run again: the
   * time a worker takes to record a failure after BullMQ marks its job failed.
   */
  failedJobGraceMs?: number;
}

/**
 * Puts back on the queue every trial a live sweep needs that has neither a result, nor a
 * failure, nor a job (a job that failed without a failure counts as none: a cancelled run). BullMQ state and results live in the same Redis, and a Redis that crashes
 * with `appendfsync everysec` comes back without its last second of writes: a sweep can survive
 * while the jobs added after it are gone. Job ids are content keys, so running this twice, or
 * on two hosts at once, adds each job once.
 */
export class TrialReconciler {
  private readonly plans = new PlanCache(8);
  /** Sweeps seen complete; results are write-once, so they stay complete until Redis loses data. */
  private readonly complete = new Set<string>();

  constructor(private readonly options: TrialReconcilerOptions) {}

  /** After Redis came back from a restart, completeness seen before may have been lost with it. */
  forget(): void {
    this.complete.clear();
  }

  async reconcile(now = Date.now()): Promise<ReconcileOutcome> {
    const outcome: ReconcileOutcome = {
      sweeps: 0,
      unfinished: 0,
      requeued: 0,
      abandoned: 0,
      finishedSubmissions: 0,
    };
    const pageSize = this.options.pageSize ?? 200;
    for (let offset = 0; ; offset += pageSize) {
      const page = await this.options.store.listSweeps({ offset, limit: pageSize });
      for (const sweep of page) await this.reconcileSweep(sweep, now, outcome);
      if (page.length < pageSize) return outcome;
    }
  }

  private async reconcileSweep(
    sweep: SweepRecord,
    now: number,
    outcome: ReconcileOutcome,
  ): Promise<void> {
    if (sweep.lifecycle !== 'active' || this.complete.has(sweep.id)) return;
    const submitting = !sweep.submitted;
    if (
      submitting &&
      now - Date.parse(sweep.createdAt) < (this.options.submissionGraceMs ?? 60_000)
    )
      return;
    outcome.sweeps += 1;
    const { store, enqueuer } = this.options;
    const trials = this.plans.get(sweep).trials;
    const states = await store.getStates(trials.map((t) => t.key));
    const unfinished = trials.filter((_, i) => !states[i]?.summary && !states[i]?.failure);
    if (unfinished.length === 0) {
      this.complete.add(sweep.id);
      return;
    }
    outcome.unfinished += unfinished.length;
    // Unfinished trials have no recorded failure: a failed job of one was stopped, not failed.
    outcome.abandoned += await enqueuer.removeFailedJobsOf(
      unfinished,
      now - (this.options.failedJobGraceMs ?? 60_000),
    );
    // Put back where fair share had them: the sweep's own priorities, computed again.
    const schedule = FairShareSchedule.forSweep(sweep, trials);
    const { enqueued } = await enqueuer.enqueue(unfinished, undefined, {
      keepFailed: true,
      schedule,
      owner: sweep.owner ?? null,
    });
    outcome.requeued += enqueued;
    if (submitting) {
      await store.recordEnqueued(sweep.id, { reused: sweep.trials - unfinished.length, enqueued });
      outcome.finishedSubmissions += 1;
    }
  }
}
