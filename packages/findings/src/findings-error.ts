/** Why a study's findings could not be written; `code` is stable, the message says what to do. */
export class FindingsError extends Error {
  override readonly name = 'FindingsError';

  constructor(
    readonly code: 'NO_RESULTS' | 'RECORD_REFUSED' | 'MISSING_SWEEP',
    message: string,
  ) {
    super(message);
  }
}
