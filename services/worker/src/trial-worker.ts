import { fileURLToPath } from 'node:url';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  bullPrefix,
  subscribeToCancellations,
  TRIAL_QUEUE,
  trialKeyOfJobId,
  type TrialJobData,
  type TrialJobResult,
} from '@seedsweep/queue';
import { failureClassOf, failureCodeOf, oneLineReason, type SweepStore } from '@seedsweep/store';
import { TrackedWorker } from './tracked-worker.js';
import { ABORT_REASONS } from './abort-reasons.js';
import { isCancellation } from './errors/index.js';

export const TRIAL_PROCESSOR_FILE = fileURLToPath(new URL('./trial-processor.js', import.meta.url));

export interface TrialWorkerOptions {
  /** For BullMQ; it duplicates the connection for its blocking calls. */
  connection: Redis;
  /** A connection of its own for the cancel channel (a subscribed client can do nothing else). */
  subscriber: Redis;
  store: SweepStore;
  prefix: string;
  concurrency: number;
  maxStalledCount: number;
  lockDurationMs: number;
  /** Recorded with the failures this worker writes. */
  workerName: string;
  log: Logger;
  /** Where BullMQ's errors go: a lost connection is logged once per outage there. */
  onError?: (error: Error) => void;
  /**
   * The environment of the sandboxed trial processes, which parse it as main.ts does (they are
   * entry points of their own): Redis, prefix, dataset and cache locations.
   */
  childEnv: NodeJS.ProcessEnv;
  /**
   * Each trial process in a session of its own. Linux groups processes by session for CPU
   * fairness (autogroups) and weighs each group as one: a trial process sharing the worker's
   * session competes with an API in another session as an equal, however low its own priority.
   * In a session of its own it can lower its group's weight too (TRIAL_SCHEDULING=idle).
   */
  trialSessions: boolean;
}

export type CloseOutcome = 'finished' | 'cut-off';

/**
 * A trial allocates little per step (its tensors live in the kernels' memory), so a small young
 * generation costs nothing measurable (West, 6 epochs: 24 scavenges instead of 13, 23 ms of
 * collection instead of 21) and keeps 20-35 MB off each trial process's peak RSS.
 */
const TRIAL_PROCESS_NODE_FLAGS = ['--max-semi-space-size=2'];

/**
 * A BullMQ worker that trains trials in sandboxed processes, stops trials whose sweep was
 * cancelled, records final failures, and shuts down within a grace period.
 */
export class TrialWorker {
  private unsubscribe: (() => Promise<void>) | undefined;

  private constructor(
    private readonly worker: TrackedWorker<TrialJobData, TrialJobResult>,
    private readonly options: TrialWorkerOptions,
  ) {}

  static async start(options: TrialWorkerOptions): Promise<TrialWorker> {
    const worker = new TrackedWorker<TrialJobData, TrialJobResult>(
      TRIAL_QUEUE,
      TRIAL_PROCESSOR_FILE,
      {
        connection: options.connection,
        prefix: bullPrefix(options.prefix),
        concurrency: options.concurrency,
        // A trial cut off by a crash or a deploy comes back this many times before it fails.
        maxStalledCount: options.maxStalledCount,
        lockDuration: options.lockDurationMs,
        stalledInterval: options.lockDurationMs,
        autorun: false,
        // Recorded on each job it takes (job.processedBy): bull-board and tests see who runs what.
        name: options.workerName,
        // The trial processes write their logs straight to this process's stdout and stderr, so a
        // busy or stopped parent never holds them up.
        workerForkOptions: {
          env: options.childEnv,
          stdio: 'inherit',
          detached: options.trialSessions,
          execArgv: [...process.execArgv, ...TRIAL_PROCESS_NODE_FLAGS],
        },
      },
    );
    const trialWorker = new TrialWorker(worker, options);
    trialWorker.listen();
    trialWorker.unsubscribe = await subscribeToCancellations(
      options.subscriber,
      options.store.keys.cancelChannel,
      (jobId) => {
        if (worker.cancelJob(jobId, ABORT_REASONS.cancelled)) {
          options.log.info({ jobId }, 'trial cancelled: its sweep was cancelled');
        }
      },
    );
    void worker.run();
    await worker.waitUntilReady();
    return trialWorker;
  }

  /**
   * Stops taking jobs and lets running trials finish. After `graceMs` they are aborted: they fail
   * with a retryable error, so another worker picks them up at once.
   */
  async close(graceMs: number): Promise<CloseOutcome> {
    await this.unsubscribe?.();
    const closing = this.worker.close();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const first = await Promise.race([closing.then(() => 'closed' as const), timeout]);
    clearTimeout(timer);
    if (first === 'closed') return 'finished';
    this.options.log.warn('grace period over: interrupting running trials');
    this.worker.cancelAllJobs(ABORT_REASONS.shutdown);
    await closing;
    return 'cut-off';
  }

  /** Job ids taken and not yet handed back to Redis: what stopping now would leave behind. */
  unfinishedJobs(): string[] {
    return this.worker.heldJobs();
  }

  private listen(): void {
    const { log } = this.options;
    this.worker.on('active', (job) => {
      log.info({ jobId: job.id, attempt: job.attemptsMade + 1 }, 'trial started');
    });
    this.worker.on('completed', (job, result) => {
      log.info(
        {
          jobId: job.id,
          testAccuracy: result.testAccuracy,
          written: result.written,
          skipped: result.skipped,
        },
        'trial finished',
      );
    });
    this.worker.on('failed', (job, error) => {
      if (job) void this.recordIfFinal(job, error);
    });
    const { onError } = this.options;
    this.worker.on('error', (error) =>
      onError ? onError(error) : log.error({ err: error }, 'worker error'),
    );
  }

  /** Only a job that will not run again is a failed trial; a retry or a cancellation is not. */
  private async recordIfFinal(job: Job<TrialJobData, TrialJobResult>, error: Error): Promise<void> {
    const { log, store } = this.options;
    try {
      const state = await job.getState();
      // By its code: from the sandboxed process the error comes back a plain Error.
      if (isCancellation(error)) return;
      const code = failureCodeOf(error);
      const failureClass = failureClassOf(code);
      const reason = oneLineReason(error.message);
      if (state !== 'failed') {
        log.warn(
          { jobId: job.id, attempt: job.attemptsMade, state, code, failureClass, reason },
          `trial attempt failed (${reason}); it will be retried`,
        );
        return;
      }
      // The job id names the trial even when the payload is garbage (a job written by hand).
      const key = trialKeyOfJobId(job.id);
      log.error(
        { jobId: job.id, attempts: job.attemptsMade, code, failureClass, reason },
        `trial failed: ${reason}`,
      );
      if (!key) return;
      await store.writeFailure({
        key,
        message: error.message,
        code,
        failureClass,
        reason,
        attempts: job.attemptsMade,
        worker: this.options.workerName,
        failedAt: new Date().toISOString(),
      });
    } catch (storeError) {
      log.error({ jobId: job.id, err: storeError }, 'could not record a trial failure');
    }
  }
}
