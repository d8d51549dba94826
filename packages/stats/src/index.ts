export {
  pairedSummary,
  type PairedSummary,
  type PairedSummaryOptions,
  type PairedRun,
  type RunOutcome,
} from './paired-summary.js';
export {
  buildSweepGrid,
  DEFAULT_FAILURE_MARGIN,
  type SweepGridOptions,
} from './build-sweep-grid.js';
export type {
  SweepGrid,
  GroupGrid,
  CellStats,
  BaselineStats,
  TrialOutcome,
  TrialLookup,
} from './sweep-grid.js';
export { seedAccuracies, type SeedAccuracy } from './seed-accuracies.js';
export { GridLookupError, type GridLookupMiss } from './grid-lookup-error.js';
export { wilcoxonSignedRank, type WilcoxonResult } from './wilcoxon-signed-rank.js';
export { studentTQuantile, studentTCdf } from './student-t.js';
export { normalCdf } from './normal-cdf.js';
