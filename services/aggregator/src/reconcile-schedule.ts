import type { Logger } from 'pino';
import type { TrialReconciler } from '@seedsweep/queue';

/**
 * Runs the reconciler now, then every `intervalMs`, one pass at a time; `runSoon()` brings the
 * next pass forward (Redis just came back). A failed pass is logged and tried at the next tick.
 */
export class ReconcileSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(
    private readonly reconciler: TrialReconciler,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.runSoon();
  }

  /** Starts a pass now, or right after the one in progress. */
  runSoon(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.closed) return;
      if (this.again) {
        this.again = false;
        this.runSoon();
      } else {
        this.timer = setTimeout(() => this.runSoon(), this.intervalMs);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    try {
      const outcome = await this.reconciler.reconcile();
      const level = outcome.requeued > 0 || outcome.finishedSubmissions > 0 ? 'warn' : 'debug';
      this.log[level]({ ...outcome }, 'reconciled live sweeps with the queue');
    } catch (error) {
      this.log.error({ err: error }, 'reconciling failed; trying again at the next pass');
    }
  }
}
