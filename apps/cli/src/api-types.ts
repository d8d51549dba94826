/**
 * The JSON the API answers with: the API's own wire types, so a change on one side that the
 * other does not follow fails to compile.
 */
export {
  FINAL_STATES,
  type BaselineStats,
  type CancelResponse,
  type CellStats,
  type FailureGroup,
  type FairShare,
  type GridResponse as StoredGrid,
  type GroupGrid,
  type ImportResponse,
  type PlanResponse,
  type Problem,
  type ProgressEvent,
  type RetryResponse,
  type RunningTrial,
  type SubmitResponse,
  type SweepDetail,
  type SweepGrid,
  type SweepLinks,
  type SweepList,
  type SweepState,
  type SweepStatus,
  type TrialCounts,
  type TrialEvent,
  type TrialPage,
  type TrialRow,
} from '@seedsweep/api-contract';
