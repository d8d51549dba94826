/** What seedAccuracies could not find in the plan. */
export type GridLookupMiss = 'group' | 'tau' | 'activePercent';

/** A group, tau or P asked for is not in the sweep plan. `code` is stable; the message is not. */
export class GridLookupError extends Error {
  readonly code = 'UNKNOWN_CELL';

  constructor(
    readonly missing: GridLookupMiss,
    readonly groupId: string,
    readonly tau: number,
    readonly activePercent: number,
    message: string,
  ) {
    super(message);
    this.name = 'GridLookupError';
  }
}
