import type { Logger } from 'pino';
import { EnvError } from './env-error.js';

/** What a started service hands back to the lifecycle that stops it. */
export interface RunningService {
  log: Logger;
  /**
   * Bound on `stop()`, in ms: past it the process exits whatever is still pending. A function is
   * asked when the signal arrives (a worker with no trial running needs no grace period).
   */
  stopDeadlineMs: number | (() => number);
  /** Finishes what is running and closes connections; may hang on a Redis that is gone. */
  stop(signal: NodeJS.Signals): Promise<void>;
  /** What an exit at the deadline leaves undone, for the one line that says so. */
  abandoned?(): Record<string, unknown>;
}

export interface RunServiceOptions {
  /** `api`, `worker`, `aggregator`: the prefix of the one-line messages on stderr. */
  name: string;
  /** Errors that are a setting to fix, not a crash: one line, exit code 2 (EnvError always). */
  oneLineErrors?: ReadonlyArray<abstract new (...args: never[]) => Error>;
  start(): Promise<RunningService>;
}

/** Exit codes: 0 stopped, 1 stopped at the deadline (or crashed), 2 a setting to fix. */
export const EXIT = { stopped: 0, abandoned: 1, crashed: 1, misconfigured: 2 } as const;

/**
 * A service's whole life: start, then on SIGTERM or SIGINT a stop that ends within the
 * service's deadline whatever Redis does. BullMQ's `Worker.close()` and ioredis's `quit()` may
 * never resolve while Redis is unreachable (taskforcesh/bullmq#4656): the deadline, not their
 * promises, decides when the process exits. What is left undone is said in one line; the stalled
 * job check and the reconciler pick it up.
 */
export function runService(options: RunServiceOptions): void {
  let running: RunningService | null = null;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!running) {
      // Still starting (often: waiting for Redis). Nothing runs yet that could be lost.
      process.stderr.write(`${options.name}: ${signal} before start-up finished: exiting\n`);
      process.exit(EXIT.stopped);
    }
    if (stopping) {
      running.log.warn({ signal, abandoned: running.abandoned?.() }, 'second signal: exiting now');
      process.exit(EXIT.abandoned);
    }
    stopping = true;
    void stopWithin(running, signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  options.start().then(
    (service) => {
      running = service;
    },
    (error: unknown) => exitOnStartError(options, error),
  );
}

async function stopWithin(service: RunningService, signal: NodeJS.Signals): Promise<void> {
  const { log } = service;
  const deadlineMs =
    typeof service.stopDeadlineMs === 'function'
      ? service.stopDeadlineMs()
      : service.stopDeadlineMs;
  log.info({ signal, deadlineSeconds: deadlineMs / 1000 }, 'stopping');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  const stopped = service.stop(signal).then(
    () => 'stopped' as const,
    (error: unknown) => {
      log.error({ err: error }, 'error while stopping');
      return 'failed' as const;
    },
  );
  const outcome = await Promise.race([stopped, deadline]);
  clearTimeout(timer);
  if (outcome === 'stopped') {
    log.info('stopped');
    process.exit(EXIT.stopped);
  }
  log.warn(
    { abandoned: service.abandoned?.() ?? {}, deadlineSeconds: deadlineMs / 1000 },
    outcome === 'deadline'
      ? 'shutdown deadline passed: exiting with work unfinished; stalled-job checks and the reconciler will pick it up'
      : 'exiting after a failed stop; stalled-job checks and the reconciler will pick up what was unfinished',
  );
  process.exit(EXIT.abandoned);
}

function exitOnStartError(options: RunServiceOptions, error: unknown): never {
  const oneLine = [EnvError, ...(options.oneLineErrors ?? [])].some(
    (type) => error instanceof type,
  );
  if (oneLine) {
    process.stderr.write(
      `${options.name}: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')}\n`,
    );
    process.exit(EXIT.misconfigured);
  }
  process.stderr.write(`${options.name}: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(EXIT.crashed);
}
