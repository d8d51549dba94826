import type { SweepDefinition } from '@seedsweep/sweep-spec';

export type SweepLifecycle = 'active' | 'cancelled';

/** A submitted sweep as stored. Its plan is recomputed from `definition` and `trainerVersion`. */
export interface SweepRecord {
  id: string;
  name: string;
  createdAt: string;
  definition: SweepDefinition;
  trainerVersion: string;
  /** Unique trials of the plan. */
  trials: number;
  /** Trials that already had a result or were already queued for another sweep. */
  reused: number;
  /** Trials this submission put on the queue. */
  enqueued: number;
  lifecycle: SweepLifecycle;
  cancelledAt: string | null;
  /**
   * True once the submission put every trial on the queue (or found it done). A sweep that stays
   * false lost its submitter mid-way; the reconciler finishes the enqueueing.
   */
  submitted: boolean;
  /**
   * Fair share: the virtual time at submission, from which its trials' queue priorities follow
   * (the queue package's FairShareSchedule). Absent before fair share: 0.
   */
  virtualStart?: number;
  /** The API key that submitted it, by its name; null without authentication. Absent before quotas. */
  owner?: string | null;
  /**
   * What the sweep was admitted with against its owner's quotas: its trials to run and the
   * dry-run estimate of their core-hours (the upper end). Its pending core-hours afterwards are
   * this share of its trials not yet finished. Absent without an owner.
   */
  admitted?: SweepAdmission;
}

export interface SweepAdmission {
  trials: number;
  coreHours: number;
}

export type NewSweep = Omit<SweepRecord, 'lifecycle' | 'cancelledAt' | 'submitted'>;

/** A sweep's grid as the aggregator last computed it. */
export interface StoredGrid<G = unknown> {
  sweepId: string;
  updatedAt: string;
  grid: G;
}
