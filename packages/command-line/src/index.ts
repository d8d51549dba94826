export { UsageError } from './usage-error.js';
export { choiceFlag, integerFlag, numberFlag, numberPairFlag } from './flags.js';
export { fileReadReason } from './file-read-reason.js';
export { createProgress, type Progress } from './progress.js';
