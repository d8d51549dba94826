/**
 * A setting to fix, not a crash: the service prints its message as one line and exits with
 * code 2 (see `runService`).
 */
export class EnvError extends Error {
  readonly code = 'INVALID_ENVIRONMENT';
  readonly retryable = false;
  override readonly name = 'EnvError';
}
