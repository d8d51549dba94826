/**
 * Redis refusing a write (full, or a read-only replica), with a stable code. The attempt fails
 * and BullMQ retries it: the refusal is the environment's, and an operator can lift it.
 *
 * Its `name` stays Error's: the code crosses the sandbox as an own field (see
 * UnrecoverableTrialError), and the job's stack trace reads as it always has.
 */
export class RedisRefusalError extends Error {
  readonly retryable = true;

  constructor(
    readonly code: 'REDIS_FULL' | 'REDIS_READONLY',
    refusal: Error,
  ) {
    super(refusal.message, { cause: refusal });
  }
}
