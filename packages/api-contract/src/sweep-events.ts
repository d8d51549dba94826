/** `trial` event: a trial of the sweep finished or failed for good. */
export interface TrialEvent {
  key: string;
  label: string;
  state: 'done' | 'failed';
  testAccuracy?: number | null;
  diverged?: boolean | null;
  durationMs?: number | null;
}

/** `progress` event: an epoch of one of the sweep's running trials. */
export interface ProgressEvent {
  key: string;
  epoch: number;
  epochs: number;
  trainLoss: number | null;
  reinitializations: number;
}

/** `end` event: the sweep is over; the server closes the stream after it. */
export interface EndEvent {
  state: 'done' | 'failed' | 'cancelled';
}
