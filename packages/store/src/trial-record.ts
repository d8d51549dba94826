import type { FailureClass } from './trial-failure.js';
import type { LayerCounts } from './layer-counts.js';

/** What a worker stores for a finished trial. JSON-safe: no NaN or Infinity anywhere. */
export interface TrialRecord {
  key: string;
  testAccuracy: number;
  /** Fraction of the majority class in the test set: a model that learnt nothing scores this. */
  majorityRate: number;
  testCount: number;
  /** Mean training loss per epoch; null where it was not finite. */
  trainLoss: (number | null)[];
  epochsRun: number;
  diverged: boolean;
  divergedAtEpoch: number | null;
  reinitializations: LayerCounts & { total: number; perEpoch: LayerCounts[] };
  /** Smallest l1 CGN per epoch, in every run (see the trainer's TrainResult). */
  minAbsCgn: (number | null)[];
  /**
   * Smallest |sum CGN| per epoch; absent from records written before it was kept, which
   * therefore cannot tell where a `cgn: sum` trial could first fire.
   */
  minAbsSumCgn?: (number | null)[];
  weightsHash: string;
  /**
   * The engine that ran (native, wasm or tfjs), its numeric family and code path (avx512,
   * wasm-simd128, tfjs-wasm...): provenance. Absent from records of trainer versions up to 4,
   * which name the tfjs `backend` loaded instead.
   */
  engine?: string;
  numerics?: string;
  codePath?: string;
  backend?: string;
  versions: Record<string, string>;
  durationMs: number;
  /** Which worker process wrote it: host and pid. */
  worker: string;
  /** BullMQ's attempt number (1 = first delivery). */
  attempt: number;
  finishedAt: string;
  /**
   * The baseline trial whose result this is, when the baseline's record proved RandomOut could
   * not fire in this trial (nothing was trained); absent or null for a trained result.
   */
  derivedFrom?: string | null;
  /**
   * The baseline trial and epoch this trial's training resumed from (the baseline's state at the
   * start of the first epoch RandomOut could fire in); absent or null when trained from the start.
   */
  resumedFrom?: { key: string; epoch: number } | null;
}

/** A trial that exhausted its attempts or could not run at all. */
export interface TrialFailure {
  key: string;
  message: string;
  code: string | null;
  /** Absent from failures recorded before classes: describeFailure then classifies by `code`. */
  failureClass?: FailureClass;
  /** The message as one line (absent from older failures: describeFailure makes it). */
  reason?: string;
  attempts: number;
  worker: string;
  failedAt: string;
}

/** The few fields of a result that statuses and grids need, stored beside it to read cheaply. */
export interface TrialSummary {
  testAccuracy: number;
  diverged: boolean;
  majorityRate: number;
  durationMs: number;
  /**
   * True when the result is its baseline's, untrained (`derivedFrom`); absent otherwise, and in
   * summaries stored before statuses counted derived trials.
   */
  derived?: true;
}

export function summarise(record: TrialRecord): TrialSummary {
  return {
    testAccuracy: record.testAccuracy,
    diverged: record.diverged,
    majorityRate: record.majorityRate,
    durationMs: record.durationMs,
    ...(record.derivedFrom ? { derived: true as const } : {}),
  };
}
