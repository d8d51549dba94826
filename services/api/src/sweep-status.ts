import type {
  FailureGroup,
  RunningTrial,
  SweepState,
  SweepStatus,
  TrialCounts,
} from '@seedsweep/api-contract';
import { describeFailure, type SweepRecord, type TrialState } from '@seedsweep/store';

/** Failure groups a status lists at most; the rest are in the trial rows. */
const MAX_FAILURE_GROUPS = 10;

/** What a status needs of the queue besides the sweep's running trials. */
export interface QueueView {
  /** Jobs running now, of every sweep. */
  runningAll: number;
  /** Jobs the workers take before the sweep's next queued trial (jobsAhead). */
  ahead: number | null;
}

/**
 * A sweep's state from its trials': done when every trial has a result, else cancelled once
 * cancelled, failed when the rest failed for good, running once anything ran, else queued.
 * Without `queue`, the sweep's running trials are all that run and its place is unknown.
 */
export function sweepStatus(
  sweep: SweepRecord,
  keys: string[],
  states: TrialState[],
  running: RunningTrial[],
  queue: QueueView = { runningAll: running.length, ahead: null },
): SweepStatus {
  const runningKeys = new Set(running.map((r) => r.key));
  const counts: TrialCounts = { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  let durationMs = 0;
  let derived = 0;
  const failures = new Map<string, FailureGroup>();
  states.forEach((state, i) => {
    if (state.summary) {
      counts.done += 1;
      durationMs += state.summary.durationMs;
      if (state.summary.derived) derived += 1;
    } else if (state.failure) {
      counts.failed += 1;
      const described = describeFailure(state.failure);
      const group = JSON.stringify([described.failureClass, described.code, described.reason]);
      const seen = failures.get(group);
      if (seen) seen.count += 1;
      else failures.set(group, { ...described, count: 1 });
    } else if (runningKeys.has(keys[i]!)) counts.running += 1;
    else if (sweep.lifecycle === 'cancelled') counts.cancelled += 1;
    else counts.queued += 1;
  });
  const meanMs = counts.done > 0 ? durationMs / counts.done : null;
  const remaining = counts.queued + counts.running;
  return {
    id: sweep.id,
    name: sweep.name,
    createdAt: sweep.createdAt,
    cancelledAt: sweep.cancelledAt,
    state: stateOf(sweep, counts),
    trials: sweep.trials,
    reused: sweep.reused,
    enqueued: sweep.enqueued,
    counts,
    derived,
    meanTrialSeconds: meanMs === null ? null : round(meanMs / 1000),
    etaSeconds:
      meanMs === null ? null : round((remaining * meanMs) / 1000 / Math.max(1, counts.running)),
    running,
    fairShare: {
      // Sweeps stored before priorities existed are normal.
      priority: sweep.definition.priority ?? 'normal',
      running: counts.running,
      runningAll: queue.runningAll,
      share:
        queue.runningAll === 0
          ? null
          : Math.round((counts.running / queue.runningAll) * 1000) / 1000,
      ahead: queue.ahead,
    },
    failures: [...failures.values()].sort((a, b) => b.count - a.count).slice(0, MAX_FAILURE_GROUPS),
  };
}

function stateOf(sweep: SweepRecord, counts: TrialCounts): SweepState {
  // A sweep whose every trial is done is done, even if someone cancelled it afterwards.
  if (counts.done === sweep.trials) return 'done';
  if (sweep.lifecycle === 'cancelled') return 'cancelled';
  if (counts.queued === 0 && counts.running === 0 && counts.failed > 0) return 'failed';
  if (counts.running > 0 || counts.done > 0 || counts.failed > 0) return 'running';
  return 'queued';
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
