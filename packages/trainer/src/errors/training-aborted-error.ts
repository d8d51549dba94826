import { TrainerError } from './trainer-error.js';

export class TrainingAbortedError extends TrainerError {
  readonly code = 'TRAINING_ABORTED';

  constructor(readonly epoch: number) {
    super(`training aborted during epoch ${epoch + 1}`);
  }
}
