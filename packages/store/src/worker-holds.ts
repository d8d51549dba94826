import type { Redis } from 'ioredis';
import { COUNT_HOLDS_SCRIPT, RENEW_HOLD_SCRIPT, TAKE_HOLD_SCRIPT } from './quota-scripts.js';
import type { StoreKeys } from './store-keys.js';

export interface HoldOutcome {
  taken: boolean;
  /** The key's holds after the call (with this one, if taken). */
  held: number;
  /** The key's maxWorkers as the API published it; 0: unlimited. */
  limit: number;
}

/**
 * The workers each API key holds: one hold per trial in training, in a sorted set per key whose
 * scores are when each hold lapses. BullMQ (open source) has no concurrency per group of jobs,
 * so a worker takes a hold before it trains a trial of a key and gives it back after; one that
 * is refused puts the job back for a while. A hold lapses unless renewed, so a dead worker's
 * holds free themselves, as its jobs' locks do. The limits are published by the API (each key's
 * maxWorkers, by name), so workers need no key configuration.
 */
export class WorkerHolds {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {}

  /** Sets the maxWorkers of these keys (0: unlimited), as the API's configuration says. */
  async publishLimits(limits: ReadonlyMap<string, number>): Promise<void> {
    if (limits.size === 0) return;
    const fields = [...limits].flatMap(([owner, limit]) => [owner, String(limit)]);
    await this.redis.hset(this.keys.ownerWorkerLimits, ...fields);
  }

  async take(owner: string, jobId: string, ttlMs: number): Promise<HoldOutcome> {
    const [taken, held, limit] = (await this.redis.eval(
      TAKE_HOLD_SCRIPT,
      2,
      this.keys.ownerHolds(owner),
      this.keys.ownerWorkerLimits,
      owner,
      jobId,
      String(Math.round(ttlMs)),
    )) as [number, number, number];
    return { taken: taken === 1, held, limit };
  }

  /** Extends a hold still held; false when it had lapsed (or was released) meanwhile. */
  async renew(owner: string, jobId: string, ttlMs: number): Promise<boolean> {
    const renewed = await this.redis.eval(
      RENEW_HOLD_SCRIPT,
      1,
      this.keys.ownerHolds(owner),
      jobId,
      String(Math.round(ttlMs)),
    );
    return renewed === 1;
  }

  async release(owner: string, jobId: string): Promise<void> {
    await this.redis.zrem(this.keys.ownerHolds(owner), jobId);
  }

  /** Holds of the key not lapsed. */
  async count(owner: string): Promise<number> {
    return (await this.redis.eval(COUNT_HOLDS_SCRIPT, 1, this.keys.ownerHolds(owner))) as number;
  }
}
