export type SweepState = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

/** States after which nothing more happens to a sweep. */
export const FINAL_STATES: readonly SweepState[] = ['done', 'failed', 'cancelled'];

export interface TrialCounts {
  queued: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
}

export interface RunningTrial {
  key: string;
  label: string;
  epoch: number | null;
  epochs: number | null;
}

export interface SweepLinks {
  self: string;
  events: string;
  trials: string;
  grid: string;
  gridSvg: string;
  seedsSvg: string;
}

/** `GET /v1/sweeps/:id` without `definition` and `links`; also the `status` event. */
export interface SweepStatus {
  id: string;
  name: string;
  createdAt: string;
  cancelledAt: string | null;
  state: SweepState;
  trials: number;
  reused: number;
  enqueued: number;
  counts: TrialCounts;
  /** Mean training time of the sweep's finished trials. */
  meanTrialSeconds: number | null;
  /** Remaining trials x mean trial time / trials running now; null until a trial has finished. */
  etaSeconds: number | null;
  running: RunningTrial[];
}

export interface SweepDetail extends SweepStatus {
  definition: unknown;
  links: SweepLinks;
}

export interface SweepList {
  total: number;
  offset: number;
  limit: number;
  sweeps: (SweepStatus & { links: SweepLinks })[];
}

export interface Cancellation {
  /** Waiting trials taken off the queue. */
  removed: number;
  /** Running trials stopped. */
  stopped: number;
  /** Unfinished trials left because another live sweep needs them. */
  kept: number;
}

/** `DELETE /v1/sweeps/:id`. */
export interface CancelResponse extends SweepStatus {
  alreadyCancelled: boolean;
  cancellation: Cancellation;
}
