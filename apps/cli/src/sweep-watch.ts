import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient } from './api-client.js';
import { ApiProblemError, ApiTimeoutError, ApiUnreachableError } from './api-errors.js';
import type { ProgressEvent, SweepState, SweepStatus, TrialEvent } from './api-types.js';
import { InterruptedError } from './interrupted-error.js';
import type { WatchDisplay } from './watch-display.js';

export interface WatchOptions {
  signal: AbortSignal;
  /** First wait before reconnecting; it doubles up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long the stream may stay lost before the watch gives up. */
  giveUpMs?: number;
}

/**
 * Follows a sweep's events until the server sends `end`; returns the last status. A dropped
 * stream (an API restart, a proxy's timeout, a silent connection) is reopened with backoff:
 * the server sends the status first on every connection, so the counts catch up.
 */
export async function watchSweep(
  client: ApiClient,
  id: string,
  display: WatchDisplay,
  options: WatchOptions,
): Promise<SweepStatus> {
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 10_000;
  const giveUp = options.giveUpMs ?? 5 * 60_000;
  let last: SweepStatus | null = null;
  let failures = 0;
  let lostSince: number | null = null;
  for (;;) {
    let reason: string;
    try {
      for await (const event of client.events(id)) {
        failures = 0;
        lostSince = null;
        const data = parseData(event.data);
        if (data === undefined) continue;
        if (event.type === 'status') {
          last = data as SweepStatus;
          display.status(last);
        } else if (event.type === 'trial') {
          display.trial(data as TrialEvent);
        } else if (event.type === 'progress') {
          display.progress(data as ProgressEvent);
        } else if (event.type === 'end') {
          const { state } = data as { state: SweepState };
          return last?.state === state ? last : client.sweep(id);
        }
      }
      reason = 'the server closed the stream';
    } catch (error) {
      if (!isTransient(error)) throw error;
      reason = (error as Error).message;
    }
    lostSince ??= Date.now();
    if (Date.now() - lostSince > giveUp) {
      throw new ApiUnreachableError(
        `lost the event stream of sweep ${id} for ${Math.round(giveUp / 1000)} s: ${reason}`,
      );
    }
    const delay = Math.min(maxDelay, baseDelay * 2 ** failures);
    failures += 1;
    display.reconnecting(reason, delay);
    try {
      await sleep(delay, undefined, { signal: options.signal });
    } catch {
      throw new InterruptedError('interrupted');
    }
  }
}

/** Worth another try: nothing answered, the answer stalled, or the server had a bad moment. */
function isTransient(error: unknown): boolean {
  if (error instanceof ApiUnreachableError || error instanceof ApiTimeoutError) return true;
  return error instanceof ApiProblemError && error.status >= 500;
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined; // not ours to judge: an event this client does not understand
  }
}
