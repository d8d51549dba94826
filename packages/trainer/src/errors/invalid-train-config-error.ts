import { TrainerError } from './trainer-error.js';

export interface ConfigIssue {
  /** Dotted path of the offending field, e.g. `randomout.tau`. */
  path: string;
  message: string;
}

export class InvalidTrainConfigError extends TrainerError {
  readonly code = 'INVALID_TRAIN_CONFIG';

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `invalid training configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  }
}
