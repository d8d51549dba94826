/**
 * The JSON the API answers with, as far as the CLI reads it. Written out here rather than
 * imported from the services: the CLI is a client of the wire format, and depending on the
 * server's packages would tie its build to theirs.
 */

export type SweepState = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

export const FINAL_STATES: readonly SweepState[] = ['done', 'failed', 'cancelled'];

export interface SweepLinks {
  self: string;
  events: string;
  trials: string;
  grid: string;
  gridSvg: string;
  seedsSvg: string;
}

export interface SubmitResponse {
  id: string;
  name: string;
  trials: number;
  reused: number;
  reusedResults: number;
  alreadyQueued: number;
  enqueued: number;
  createdAt: string;
  links: SweepLinks;
}

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
  meanTrialSeconds: number | null;
  etaSeconds: number | null;
  running: RunningTrial[];
  definition?: unknown;
  links?: SweepLinks;
}

export interface SweepList {
  total: number;
  offset: number;
  limit: number;
  sweeps: SweepStatus[];
}

export interface CancelResponse extends SweepStatus {
  alreadyCancelled: boolean;
  cancellation: { removed: number; stopped: number; kept: number };
}

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
  reinitializations: unknown;
}

export interface CellStats {
  tau: number;
  activePercent: number;
  /** Seed-matched pairs. */
  n: number;
  meanGain: number | null;
  ci95: [number, number] | null;
  wins: number;
  ties: number;
  losses: number;
  wilcoxonP: number | null;
  recovered: number;
  harmed: number;
  diverged: number;
  /** Treatment runs done, paired or not. */
  done: number;
  meanAccuracy: number | null;
}

export interface BaselineStats {
  done: number;
  meanAccuracy: number | null;
  sd: number | null;
  failed: number;
  diverged: number;
}

export interface GroupGrid {
  id: string;
  region: string;
  taus: number[];
  activePercents: number[];
  seeds: number[];
  majorityRate: number | null;
  failureThreshold: number | null;
  baseline: BaselineStats;
  /** cells[tauIndex][pIndex] */
  cells: CellStats[][];
}

export interface SweepGrid {
  trials: { total: number; done: number };
  groups: GroupGrid[];
}

export interface StoredGrid {
  sweepId: string;
  updatedAt: string;
  grid: SweepGrid;
}

/** RFC 9457 problem details, as every API error is answered. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}
