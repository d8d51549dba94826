import { CraterDataError } from './crater-data-error.js';

/** A dataset file whose SHA-256 differs from the pinned sum. */
export class ChecksumMismatchError extends CraterDataError {
  readonly code = 'CHECKSUM_MISMATCH';

  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`checksum mismatch for ${file}: expected sha256 ${expected}, got ${actual}`);
  }
}
