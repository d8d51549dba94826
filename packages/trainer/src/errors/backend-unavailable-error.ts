import { TrainerError } from './trainer-error.js';

export class BackendUnavailableError extends TrainerError {
  readonly code = 'BACKEND_UNAVAILABLE';

  constructor(
    readonly backend: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`backend '${backend}' is unavailable: ${reason}`, options);
  }
}
