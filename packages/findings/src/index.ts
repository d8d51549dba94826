export {
  writeFindings,
  type WriteFindingsOptions,
  type WrittenFindings,
} from './write-findings.js';
export { RecordsLibrary, type StoredResult } from './records-library.js';
export { FindingsError } from './findings-error.js';
export { computeLedger, type ComputeLedger, type TrainingRecord } from './compute-ledger.js';
export {
  chooseRegime,
  lotteryLines,
  lotteryRows,
  PAPER_FAILURE_RATE,
  type LotteryRow,
  type RegimeChoice,
} from './lottery-search.js';
export { regionClaims, PAPER_BEST, type RegionClaims } from './paper-claims.js';
