/**
 * Other submissions of the same API key held its quota lock for longer than a request waits:
 * nothing was checked or written, and the same request can be sent again.
 */
export class OwnerBusyError extends Error {
  readonly code = 'OWNER_BUSY';

  constructor(
    readonly owner: string,
    readonly waitedMs: number,
  ) {
    super(`other submissions of key ${owner} were still being admitted after ${waitedMs / 1000} s`);
    this.name = 'OwnerBusyError';
  }
}
