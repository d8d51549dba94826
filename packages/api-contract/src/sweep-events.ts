/** `trial` event: a trial of the sweep finished or failed for good. */
export interface TrialEvent {
  key: string;
  label: string;
  state: 'done' | 'failed';
  testAccuracy?: number | null;
  diverged?: boolean | null;
  durationMs?: number | null;
  /** For a failed trial: environment (retried on resubmission) or trial (retried on request). */
  failureClass?: 'environment' | 'trial';
  /** For a failed trial: the error's stable code, when it had one. */
  code?: string | null;
  /** For a failed trial: the error in one line. */
  reason?: string;
  /** For a failed trial: what to do about it, where that is known. */
  fix?: string | null;
}

/** `progress` event: an epoch of one of the sweep's running trials. */
export interface ProgressEvent {
  key: string;
  /** The trial as people read it, e.g. "East seed 3 tau=1e-8 P=60%". */
  label: string;
  epoch: number;
  epochs: number;
  trainLoss: number | null;
  reinitializations: number;
}

/** `end` event: the sweep is over; the server closes the stream after it. */
export interface EndEvent {
  state: 'done' | 'failed' | 'cancelled';
}
