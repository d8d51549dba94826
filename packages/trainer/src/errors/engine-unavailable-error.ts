import { TrainerError } from './trainer-error.js';

/** The engine asked for cannot run here: the addon is not built, or tfjs does not load. */
export class EngineUnavailableError extends TrainerError {
  readonly code = 'ENGINE_UNAVAILABLE';

  constructor(
    readonly engine: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`engine '${engine}' is unavailable: ${reason}`, options);
  }
}
