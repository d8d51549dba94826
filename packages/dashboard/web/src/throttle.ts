/**
 * Runs `task` at most once per `ms`, however often it is asked for; a request during a run or
 * the wait is kept and served once, after it. Bursts of trial events cost one reload.
 */
export function throttle(task: () => Promise<void>, ms: number | (() => number)) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let wanted = false;
  let last = 0;
  let stopped = false;
  const run = async () => {
    timer = undefined;
    if (stopped) return;
    running = true;
    wanted = false;
    last = Date.now();
    try {
      await task();
    } finally {
      running = false;
      if (wanted) request();
    }
  };
  const request = () => {
    if (stopped) return;
    wanted = true;
    if (running || timer !== undefined) return;
    const wait = typeof ms === 'number' ? ms : ms();
    timer = setTimeout(() => void run(), Math.max(0, last + wait - Date.now()));
  };
  return {
    request,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
