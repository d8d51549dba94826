import { SweepSpecError } from './sweep-spec-error.js';

export interface TrialFactor {
  /** The axis, as written in the definition (`regions`, `seeds`, `tau`, `learningRate`, ...). */
  name: string;
  /** How many values it has. */
  count: number;
}

/** A sweep with more trials than the caller allows; refused before any trial is built. */
export class SweepTooLargeError extends SweepSpecError {
  readonly code = 'SWEEP_TOO_LARGE';

  constructor(
    readonly trials: number,
    readonly maxTrials: number,
    readonly factors: readonly TrialFactor[],
    /** The product that gives `trials`, e.g. "regions 2 × seeds 50 × (1 baseline + tau 7)". */
    readonly formula: string,
  ) {
    super(`sweep has ${formula} = ${trials} trials, more than the limit of ${maxTrials}`);
  }
}
