import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient } from './api-client.js';
import { ApiProblemError, ApiTimeoutError, ApiUnreachableError } from './api-errors.js';
import type { StoredGrid } from './api-types.js';
import { InterruptedError } from './interrupted-error.js';

export interface FinalGrid {
  /** The newest grid the aggregator drew; null if none could be read. */
  stored: StoredGrid | null;
  /** The grid holds every finished trial. */
  complete: boolean;
  /** Why there is no complete grid, when the last try failed. */
  problem: string | null;
}

/** Waits between tries, about five seconds in all: the aggregator debounces by a quarter second. */
const DELAYS_MS = [250, 500, 750, 1000, 1250, 1500];

/**
 * The grid once the aggregator has caught up with a finished sweep: it draws the grid a moment
 * after the last result, so right after `end` the grid may be missing or one result behind.
 * Never throws for the API's sake (only on Ctrl-C): the sweep's outcome is known already.
 */
export async function finalGrid(
  client: ApiClient,
  id: string,
  doneTrials: number,
  signal: AbortSignal,
): Promise<FinalGrid> {
  let stored: StoredGrid | null = null;
  let problem: string | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      stored = await client.grid(id);
      problem = null;
      if (stored.grid.trials.done >= doneTrials) return { stored, complete: true, problem };
    } catch (error) {
      if (!isRetryable(error)) {
        if (error instanceof InterruptedError) throw error;
        return { stored, complete: false, problem: (error as Error).message };
      }
      problem = (error as Error).message;
    }
    const delay = DELAYS_MS[attempt];
    if (delay === undefined) return { stored, complete: false, problem };
    try {
      await sleep(delay, undefined, { signal });
    } catch {
      throw new InterruptedError('interrupted');
    }
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof ApiUnreachableError || error instanceof ApiTimeoutError) return true;
  return error instanceof ApiProblemError && error.status >= 500; // GRID_NOT_READY is a 503
}
