/** Why a running trial's signal was aborted; the processor turns each into the right failure. */
export const ABORT_REASONS = {
  /** Its sweep was cancelled and no live sweep needs it: fail without retrying. */
  cancelled: 'cancelled',
  /** This worker is shutting down past its grace period: fail so that another worker retries. */
  shutdown: 'shutdown',
} as const;
