/**
 * A trial stopped by its worker's shutdown: its attempt fails and BullMQ gives it to another
 * worker.
 *
 * It carries no code, and its `name` stays Error's, on purpose: the store's failureCodeOf would
 * read either, and an interrupted trial that runs out of attempts has always been recorded and
 * logged with no code (an environment failure). The worker decides nothing on it; BullMQ
 * retries it because it is not an UnrecoverableError.
 */
export class TrialInterruptedError extends Error {
  readonly retryable = true;

  constructor(
    /** The abort signal's reason (ABORT_REASONS.shutdown, or whatever BullMQ passed). */
    readonly abortReason: string,
  ) {
    super(`interrupted (${abortReason}); another worker will retry it`);
  }
}
