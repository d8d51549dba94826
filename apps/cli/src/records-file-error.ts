/** A records file that cannot be imported as it is: not gzip, not this format, a bad line. */
export class RecordsFileError extends Error {
  readonly code = 'INVALID_RECORDS';
}
