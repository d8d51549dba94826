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
  /** Pub/sub channel on which cancelled trial keys reach the workers that run them. */
  get cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }
}
