/**
 * The codes of the failures the worker raises itself. The worker records a trial's final
 * failure with its code, logs it, and the API shows it, so a code is never renamed; the
 * worker's own decisions read them too, never the message, which is for people.
 */
export const TRIAL_FAILURE_CODES = {
  /** The payload is not a trial: a bad shape, or a key that is not its spec's hash. */
  invalidJob: 'INVALID_JOB',
  /** The trial is for another trainer version than this worker runs. */
  trainerMismatch: 'TRAINER_MISMATCH',
  /** This worker prepares other data than the trial names. */
  datasetMismatch: 'DATASET_MISMATCH',
  /** Stopped because its sweep was cancelled and no live sweep needs it: no failure at all. */
  cancelled: 'TRIAL_CANCELLED',
} as const;

/**
 * Whether a trial's run stopped because it was cancelled. Reads the `code` field, which
 * survives the sandbox's process boundary where the error's class does not (see
 * UnrecoverableTrialError).
 */
export function isCancellation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === TRIAL_FAILURE_CODES.cancelled;
}
