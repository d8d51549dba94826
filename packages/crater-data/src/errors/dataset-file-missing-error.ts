import { CraterDataError } from './crater-data-error.js';

/** A needed dataset file is absent from a directory the caller said holds the dataset. */
export class DatasetFileMissingError extends CraterDataError {
  readonly code = 'DATASET_FILE_MISSING';

  constructor(
    readonly file: string,
    readonly dir: string,
  ) {
    super(`dataset file ${file} is missing from ${dir}`);
  }
}
