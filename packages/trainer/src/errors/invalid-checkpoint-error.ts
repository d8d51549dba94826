import { TrainerError } from './trainer-error.js';

/** A checkpoint that cannot be resumed from: torn, corrupted, or from another trainer or run. */
export class InvalidCheckpointError extends TrainerError {
  readonly code = 'INVALID_CHECKPOINT';

  constructor(readonly reason: string) {
    super(`invalid checkpoint: ${reason}`);
  }
}
