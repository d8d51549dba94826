export { UsageError } from './usage-error.js';
export { choiceFlag, integerFlag, numberFlag, numberPairFlag } from './flags.js';
export { fileReadReason } from './file-read-reason.js';
export { createProgress, type Progress } from './progress.js';
export { readSweepFile, type SweepFile, type SweepFileFormat } from './sweep-file.js';
