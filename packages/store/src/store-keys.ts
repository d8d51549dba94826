/**
 * Every Redis key seedsweep writes, under one prefix so several deployments (or test runs) can
 * share a server. A trial's key is the content key of its spec (sweep-spec's trialKey).
 */
export class StoreKeys {
  constructor(readonly prefix: string) {}

  get sweeps(): string {
    return `${this.prefix}:sweeps`;
  }
  sweep(id: string): string {
    return `${this.prefix}:sweep:${id}`;
  }
  sweepTrials(id: string): string {
    return `${this.prefix}:sweep:${id}:trials`;
  }
  sweepGrid(id: string): string {
    return `${this.prefix}:sweep:${id}:grid`;
  }
  trial(key: string): string {
    return `${this.prefix}:trial:${key}`;
  }
  /** Every sweep that includes the trial: live ones keep it queued when another is cancelled. */
  trialSweeps(key: string): string {
    return `${this.prefix}:trial:${key}:sweeps`;
  }
  /** Results and failures, in the order they were written: what the aggregator follows. */
  get events(): string {
    return `${this.prefix}:events`;
  }
  get counters(): string {
    return `${this.prefix}:counters`;
  }
  idempotency(key: string): string {
    return `${this.prefix}:idempotency:${key}`;
  }
  /**
   * The sweeps an API key (by its name) submitted that may still count against its quotas:
   * written with the sweep, dropped once it is cancelled or has every result.
   */
  ownerSweeps(owner: string): string {
    return `${this.prefix}:owner:${owner}:sweeps`;
  }
  /** Held while a submission of the key checks its quotas and writes its sweep. */
  ownerLock(owner: string): string {
    return `${this.prefix}:owner:${owner}:lock`;
  }
  /** The key's trials in training: job id -> when the hold lapses unless renewed (ms). */
  ownerHolds(owner: string): string {
    return `${this.prefix}:owner:${owner}:holds`;
  }
  /** Each key's maxWorkers (0: unlimited), by name: what workers read, with no key configuration. */
  get ownerWorkerLimits(): string {
    return `${this.prefix}:owner-worker-limits`;
  }
  /** Pub/sub channel on which cancelled trial keys reach the workers that run them. */
  get cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }
}
