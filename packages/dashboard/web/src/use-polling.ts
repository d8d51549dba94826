import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem } from './api-problem.js';

export interface Polled<T> {
  data: T | null;
  error: ApiProblem | null;
  /** Load again now (after an action), without waiting for the next tick. */
  refresh: () => void;
}

/**
 * Loads `load` now and every `everyMs` while the page shows it; a 401 hands the tab back to
 * sign-in. One request at a time: a slow API is not asked again before it answered.
 */
export function usePolling<T>(
  load: () => Promise<T>,
  everyMs: number,
  onUnauthorized: () => void,
): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiProblem | null>(null);
  const tick = useRef<() => void>(() => {});
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    const run = async () => {
      if (running || stopped) return;
      running = true;
      clearTimeout(timer);
      try {
        const value = await load();
        if (!stopped) {
          setData(value);
          setError(null);
        }
      } catch (caught) {
        if (caught instanceof ApiProblem && caught.status === 401) return onUnauthorized();
        if (!stopped) setError(caught instanceof ApiProblem ? caught : toProblem(caught));
      } finally {
        running = false;
        if (!stopped) timer = setTimeout(() => void run(), everyMs);
      }
    };
    tick.current = () => void run();
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // Started once: the loader is a new closure on every render, and reads only what its page
    // is keyed on (a new sweep id mounts a new page).
  }, [everyMs]);
  return { data, error, refresh: () => tick.current() };
}

function toProblem(error: unknown): ApiProblem {
  return new ApiProblem(0, 'CLIENT', (error as Error).message ?? String(error));
}
