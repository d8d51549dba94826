export { CraterDataError } from './crater-data-error.js';
export { ChecksumMismatchError } from './checksum-mismatch-error.js';
export { DatasetFileMissingError } from './dataset-file-missing-error.js';
export { DownloadError } from './download-error.js';
export { DatasetFormatError } from './dataset-format-error.js';
export { InvalidOptionError } from './invalid-option-error.js';
