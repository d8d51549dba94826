import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { OwnerBusyError } from './errors/owner-busy-error.js';
import { RELEASE_LOCK_SCRIPT } from './quota-scripts.js';
import type { StoreKeys } from './store-keys.js';

export interface OwnerLockOptions {
  /**
   * How long the lock lasts should its holder die without releasing it. Longer than any check
   * and write it covers (a 100,000-trial sweep is written in about a second), so a live holder
   * never loses it; short enough that a crashed API blocks its key's submissions only briefly.
   */
  ttlMs?: number;
  /** How long a submission waits for the submissions of its key before it gives up. */
  waitMs?: number;
}

/** How often a waiting submission tries the lock again. */
const POLL_MS = 15;

/**
 * One submission of an API key at a time between reading its usage and writing its sweep, across
 * every API replica (the lock is in Redis: SET NX PX with a token of its own, released only by
 * its holder). Without it, two submissions that each fit could both be admitted and together
 * exceed the quota. A lock rather than one atomic script: usage is counted from the trials'
 * states, too much work for a single script that would stop Redis while it runs.
 */
export class OwnerLock {
  private readonly ttlMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
    options: OwnerLockOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.waitMs = options.waitMs ?? 10_000;
  }

  /** Runs `work` holding the key's lock; OwnerBusyError when it is not free within the wait. */
  async run<T>(owner: string, work: () => Promise<T>): Promise<T> {
    const key = this.keys.ownerLock(owner);
    const token = randomUUID();
    const deadline = Date.now() + this.waitMs;
    while ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) !== 'OK') {
      if (Date.now() >= deadline) throw new OwnerBusyError(owner, this.waitMs);
      await sleep(POLL_MS);
    }
    try {
      return await work();
    } finally {
      // Should this fail (Redis gone), the lock lapses by itself after ttlMs.
      await this.redis.eval(RELEASE_LOCK_SCRIPT, 1, key, token).catch(() => undefined);
    }
  }
}
