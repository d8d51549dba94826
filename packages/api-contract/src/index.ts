export {
  FINAL_STATES,
  cancelResponseSchema,
  cancellationSchema,
  failureClassSchema,
  failureGroupSchema,
  fairShareSchema,
  retryResponseSchema,
  runningTrialSchema,
  sweepDetailSchema,
  sweepLinksSchema,
  sweepListSchema,
  sweepPrioritySchema,
  sweepStateSchema,
  sweepStatusSchema,
  trialCountsSchema,
  type Cancellation,
  type CancelResponse,
  type FailureClass,
  type FailureGroup,
  type FairShare,
  type RetryResponse,
  type RunningTrial,
  type SweepDetail,
  type SweepLinks,
  type SweepList,
  type SweepPriority,
  type SweepState,
  type SweepStatus,
  type TrialCounts,
} from './sweep-status.js';
export { submitResponseSchema, type SubmitResponse } from './submit-response.js';
export { planResponseSchema, type PlanResponse } from './plan-response.js';
export type { EndEvent, ProgressEvent, TrialEvent } from './sweep-events.js';
export { trialPageSchema, trialRowSchema, type TrialPage, type TrialRow } from './trial-row.js';
export {
  gridResponseSchema,
  type BaselineStats,
  type CellStats,
  type GridResponse,
  type GroupGrid,
  type SweepGrid,
} from './grid-response.js';
export { problemSchema, type Problem } from './problem.js';
export {
  RECORDS_FORMAT,
  RECORDS_MEDIA_TYPES,
  RECORDS_VERSION,
  RECORD_REFUSALS,
  importResponseSchema,
  parseRecordLine,
  parseRecordsHeader,
  recordLineSchema,
  recordsHeaderSchema,
  type ImportResponse,
  type RecordLine,
  type RecordsHeader,
} from './records-format.js';
export { RecordsFormatError } from './records-format-error.js';
export { sessionResponseSchema, type SessionResponse } from './session-response.js';
