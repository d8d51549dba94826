/** The user pressed Ctrl-C (or the process got SIGTERM): exit code 130, as shells expect. */
export class InterruptedError extends Error {
  readonly code = 'INTERRUPTED';
}
