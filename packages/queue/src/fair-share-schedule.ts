import type { SweepRecord } from '@seedsweep/store';
import {
  DEFAULT_SECONDS_PER_EPOCH,
  type SweepPriority,
  type Trial,
  type TrialSpec,
} from '@seedsweep/sweep-spec';

/** BullMQ's priorities run from 1 (first) to 2^21; equal priorities go first in, first out. */
export const PRIORITY_LIMIT = 2 ** 21;

/**
 * How much of the workers each priority's sweeps get against a `normal` one while both have work
 * queued: a sweep's virtual time advances by its work divided by its weight.
 */
export const PRIORITY_WEIGHTS: Readonly<Record<SweepPriority, number>> = {
  high: 4,
  normal: 1,
  low: 0.25,
};

/** Start-up, data loading and the test pass: what a trial costs besides its epochs. */
const TRIAL_OVERHEAD_SECONDS = 0.5;

/**
 * Priorities count half-seconds of work: every trial costs at least one (its overhead), so a
 * normal sweep's consecutive trials never share a priority, and a sweep submitted at the virtual
 * time of the running job is ahead of every job queued after it. A finer unit would reach
 * BullMQ's limit sooner: 2^21 half-seconds are about 12 days of one core's work.
 */
const UNITS_PER_SECOND = 2;

/**
 * A trial's cost: estimated core-seconds on the default engine. Not rounded per trial: priorities round the sum of the work before each trial, so a
 * sweep of 0.8 s trials and one of 0.9 s trials share the workers as 9 to 8, not as equals. The
 * estimate's table, not a deployment's measured rates, so that a sweep's priorities can be
 * computed again, the same, by the reconciler.
 */
export function trialCost(spec: TrialSpec): number {
  return spec.train.epochs * DEFAULT_SECONDS_PER_EPOCH[spec.region] + TRIAL_OVERHEAD_SECONDS;
}

export interface FairShareSweep {
  /** The virtual time at the sweep's submission: where its first trial starts. */
  virtualStart: number;
  priority: SweepPriority;
}

/**
 * Start-time fair queueing over BullMQ priorities. Each trial's priority is the virtual time at
 * which it starts: its sweep's virtual start plus the work of the sweep's trials before it (in
 * plan order: baselines before the RandomOut trials that wait for them, a seed's cells before
 * the next seed's), divided by the sweep's weight. Workers take the lowest priority first, so
 * live sweeps advance in turns by work done, and a sweep submitted behind a large one starts at
 * the virtual time of the work then being taken: its first trial waits for about one trial, not
 * for the large sweep. A job keeps its priority when it is delayed or retried.
 */
export class FairShareSchedule {
  private readonly priorities = new Map<string, number>();

  constructor(sweep: FairShareSweep, planTrials: readonly Trial[]) {
    const weight = PRIORITY_WEIGHTS[sweep.priority];
    let work = 0;
    for (const trial of planTrials) {
      if (this.priorities.has(trial.key)) continue;
      const start = 1 + sweep.virtualStart + Math.floor((work * UNITS_PER_SECOND) / weight);
      // Past the limit, the last trials of an enormous sweep share the lowest priority (FIFO).
      this.priorities.set(trial.key, Math.min(PRIORITY_LIMIT, start));
      work += trialCost(trial.spec);
    }
  }

  /** A stored sweep's schedule; sweeps stored before fair share start at 0, `normal`. */
  static forSweep(sweep: SweepRecord, planTrials: readonly Trial[]): FairShareSchedule {
    return new FairShareSchedule(
      { virtualStart: sweep.virtualStart ?? 0, priority: sweep.definition.priority ?? 'normal' },
      planTrials,
    );
  }

  /** The BullMQ priority of a trial of the plan; a trial outside it goes last. */
  priorityOf(key: string): number {
    return this.priorities.get(key) ?? PRIORITY_LIMIT;
  }

  /** The virtual time at which the sweep's last trial starts. */
  get lastStart(): number {
    let last = 0;
    for (const p of this.priorities.values()) last = Math.max(last, p);
    return last;
  }
}
