import { UnrecoverableError } from 'bullmq';

/**
 * A trial failure no retry can fix, with a stable code: Temporal's non-retryable
 * ApplicationFailure, in BullMQ's terms. BullMQ fails the job for good at once.
 *
 * The worker runs trials in sandboxed processes, and an error reaches it from there as a plain
 * Error: the child sends BullMQ's errorToJSON of it (its own properties: message, stack and the
 * fields below), which the parent Object.assigns onto a new Error. The class is lost, so the
 * worker decides on `code`, an own field, never on instanceof or the message. BullMQ, for its
 * part, tells an unrecoverable error by its `name`, which UnrecoverableError sets to the
 * constructor's: it is set back here, or a subclass would be retried across the boundary. For
 * the same reason the code cannot live in `name`.
 */
export class UnrecoverableTrialError extends UnrecoverableError {
  readonly retryable = false;

  constructor(
    /** One of TRIAL_FAILURE_CODES, or the code of another package's typed error. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnrecoverableError';
  }
}
