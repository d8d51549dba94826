import type { Redis } from 'ioredis';
import { COUNT_UNFINISHED_SCRIPT } from './quota-scripts.js';
import type { StoreKeys } from './store-keys.js';

/** What an API key's live sweeps still wait for. */
export interface OwnerUsageFigures {
  /** Trials of its live sweeps with neither a result nor a failure. */
  queuedTrials: number;
  /** Each live sweep's admitted core-hours, in the share of its trials still unfinished. */
  pendingCoreHours: number;
  /** Its sweeps that count: not cancelled, and not every trial done. */
  liveSweeps: number;
}

/** Trials counted per call of the counting script: a few milliseconds of Redis each. */
const STRETCH = 2_000;

/**
 * An API key's usage, computed each time from the truth: its sweeps (the set written with each
 * sweep), their lifecycles, and their trials' results and failures, counted inside Redis a
 * stretch of each trial list at a time. No counter is kept that could drift from the results:
 * a Redis that comes back without its last second of writes comes back with sweeps, owner sets
 * and results of the same moment, and a result or a cancellation lowers the usage as it happens.
 *
 * A sweep leaves the key's set once it can never count again: cancelled (final), gone, or every
 * trial with a result (results are write-once; a sweep with failures stays, since a retry makes
 * them unfinished again).
 */
export class OwnerUsage {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {}

  async of(owner: string): Promise<OwnerUsageFigures> {
    const ids = await this.redis.smembers(this.keys.ownerSweeps(owner));
    const figures: OwnerUsageFigures = { queuedTrials: 0, pendingCoreHours: 0, liveSweeps: 0 };
    if (ids.length === 0) return figures;
    const head = this.redis.pipeline();
    for (const id of ids) {
      head.hmget(
        this.keys.sweep(id),
        'lifecycle',
        'enqueued',
        'admittedTrials',
        'admittedCoreHours',
      );
      head.llen(this.keys.sweepTrials(id));
    }
    const replies = (await head.exec()) ?? [];
    const live: {
      id: string;
      length: number;
      submitted: boolean;
      trials: number;
      coreHours: number;
    }[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const [error, fields] = replies[2 * i]!;
      const [lengthError, length] = replies[2 * i + 1]!;
      if (error) throw error;
      if (lengthError) throw lengthError;
      const [lifecycle, enqueued, trials, coreHours] = fields as (string | null)[];
      if (lifecycle !== 'active') {
        gone.push(id); // Cancelled, or no longer stored.
        return;
      }
      live.push({
        id,
        length: length as number,
        submitted: enqueued !== null,
        trials: Number(trials ?? 0),
        coreHours: Number(coreHours ?? 0),
      });
    });
    const counts = this.redis.pipeline();
    const prefix = `${this.keys.prefix}:trial:`;
    for (const sweep of live) {
      for (let start = 0; start < sweep.length; start += STRETCH) {
        counts.eval(
          COUNT_UNFINISHED_SCRIPT,
          1,
          this.keys.sweepTrials(sweep.id),
          prefix,
          String(start),
          String(start + STRETCH - 1),
        );
      }
    }
    const counted = (await counts.exec()) ?? [];
    let next = 0;
    for (const sweep of live) {
      let unfinished = 0;
      let failed = 0;
      for (let start = 0; start < sweep.length; start += STRETCH) {
        const [error, value] = counted[next++]!;
        if (error) throw error;
        const [, u, f] = value as [number, number, number];
        unfinished += u;
        failed += f;
      }
      if (unfinished === 0 && failed === 0 && sweep.submitted) {
        gone.push(sweep.id);
        continue;
      }
      if (unfinished === 0) continue;
      figures.liveSweeps += 1;
      figures.queuedTrials += unfinished;
      if (sweep.trials > 0) {
        figures.pendingCoreHours += sweep.coreHours * Math.min(1, unfinished / sweep.trials);
      }
    }
    if (gone.length > 0) await this.redis.srem(this.keys.ownerSweeps(owner), ...gone);
    return figures;
  }
}
