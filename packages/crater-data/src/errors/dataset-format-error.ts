import { CraterDataError } from './crater-data-error.js';

/** A dataset file (PGM tile or candidate CSV) that does not parse. */
export class DatasetFormatError extends CraterDataError {
  readonly code = 'DATASET_FORMAT';

  constructor(
    readonly file: string,
    readonly detail: string,
    /** 1-based line number, for text files. */
    readonly line?: number,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${detail}`);
  }
}
