export type {
  DatasetParams,
  TrialSpec,
  Trial,
  GroupAxes,
  GridGroup,
  SweepPlan,
} from './sweep-plan.js';
export {
  DEFAULT_FAILURE_MARGIN,
  SWEEP_PRIORITIES,
  sweepCases,
  sweepDefinitionSchema,
  type DatasetDefinition,
  type SweepCase,
  type SweepDefinition,
  type SweepPriority,
} from './sweep-definition.js';
export type { SeedRange, Seeds } from './seeds.js';
export { parseSweepDefinition } from './parse-sweep-definition.js';
export {
  parseSweepText,
  DEFAULT_MAX_SWEEP_BYTES,
  type SweepFormat,
  type ParseSweepTextOptions,
} from './parse-sweep-text.js';
export { countTrials, type TrialCount } from './count-trials.js';
export { planSweep, DEFAULT_MAX_TRIALS, type PlanOptions } from './plan-sweep.js';
export { trialKey } from './trial-key.js';
export { canonicalJson } from './canonical-json.js';
export { describeTrial } from './describe-trial.js';
export { inputScaleOf } from './trial-spec.js';
export * from './errors/index.js';
export { randomOutVariants } from './random-out-variants.js';
export {
  recordRefusal,
  recordSha256,
  type RecordLine,
  type RecordRefusal,
  type RecordRefusalReason,
} from './record-refusal.js';
export {
  DEFAULT_SECONDS_PER_EPOCH,
  MIN_MEASURED_RESULTS,
  estimateSweep,
  secondsPerEpochTable,
  type EpochMeasurement,
  type EstimateInput,
  type Range,
  type RegionRate,
  type SweepEstimate,
} from './sweep-estimate.js';
export { locateIssues } from './locate-issues.js';
export { summarisePlan, type PlanSummary, type SummaryInput } from './plan-summary.js';
