import { CraterDataError } from './crater-data-error.js';

/** A download that failed for good: after its retries, or at once for a non-transient status. */
export class DownloadError extends CraterDataError {
  readonly code = 'DOWNLOAD_FAILED';

  constructor(
    readonly url: string,
    cause: unknown,
    readonly attempts: number,
    /** The HTTP status, when the server answered with an error. */
    readonly status?: number,
  ) {
    const reason = status === undefined ? describe(cause) : `HTTP ${status}`;
    super(`download of ${url} failed after ${attempts} attempt(s): ${reason}`, { cause });
  }
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // undici reports a dropped connection as "terminated" with the socket error as its cause.
  return cause.cause instanceof Error ? `${cause.message} (${cause.cause.message})` : cause.message;
}
