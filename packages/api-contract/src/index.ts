export {
  FINAL_STATES,
  type Cancellation,
  type CancelResponse,
  type RunningTrial,
  type SweepDetail,
  type SweepLinks,
  type SweepList,
  type SweepState,
  type SweepStatus,
  type TrialCounts,
} from './sweep-status.js';
export type { SubmitResponse } from './submit-response.js';
export type { EndEvent, ProgressEvent, TrialEvent } from './sweep-events.js';
export type { TrialPage, TrialRow } from './trial-row.js';
export type {
  BaselineStats,
  CellStats,
  GridResponse,
  GroupGrid,
  SweepGrid,
} from './grid-response.js';
export type { Problem } from './problem.js';
