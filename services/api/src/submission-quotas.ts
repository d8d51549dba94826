import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import {
  OwnerBusyError,
  OwnerLock,
  OwnerUsage,
  WorkerHolds,
  type OwnerLockOptions,
  type OwnerUsageFigures,
  type StoreKeys,
  type SweepAdmission,
} from '@seedsweep/store';
import type { ApiKeyIdentity, ApiKeyRing } from './auth/api-key-ring.js';
import type { KeyQuota } from './auth/key-quota.js';
import { ApiError } from './errors/index.js';

export interface SubmissionQuotasOptions {
  redis: Redis;
  keys: StoreKeys;
  ring: ApiKeyRing;
  log: FastifyBaseLogger;
  lock?: OwnerLockOptions;
}

/** One quota a submission would exceed, with the numbers that say by how much. */
export interface QuotaExcess {
  quota: 'maxQueuedTrials' | 'maxCoreHours';
  limit: number;
  /** What the key's live sweeps hold now; absent when the sweep alone is over the limit. */
  inUse?: number;
  /** What the sweep submitted adds. */
  sweep: number;
}

/** A key's figures for /metrics. */
export interface KeyUsage {
  name: string;
  quota: KeyQuota;
  usage: OwnerUsageFigures;
  workersHeld: number;
}

/**
 * The quotas of each API key at submission: a sweep is admitted only if the key's live sweeps
 * and it together stay within the key's maxQueuedTrials and maxCoreHours. The check and the
 * sweep's creation run under the key's lock (OwnerLock), so concurrent submissions, on any
 * replica, are admitted one after the other against what the earlier ones added. Also
 * publishes each key's maxWorkers for the workers, and reports every key's usage.
 */
export class SubmissionQuotas {
  private readonly usage: OwnerUsage;
  private readonly lock: OwnerLock;
  private readonly holds: WorkerHolds;

  constructor(private readonly options: SubmissionQuotasOptions) {
    this.usage = new OwnerUsage(options.redis, options.keys);
    this.lock = new OwnerLock(options.redis, options.keys, options.lock);
    this.holds = new WorkerHolds(options.redis, options.keys);
  }

  /**
   * Every read-write key's maxWorkers into Redis, where workers read it: at start-up, and again
   * with each sweep admitted (an API replica started with an older configuration would have
   * overwritten them).
   */
  async publishLimits(identities = this.writers()): Promise<void> {
    await this.holds.publishLimits(new Map(identities.map((k) => [k.name, k.quota.maxWorkers])));
  }

  /**
   * Runs `create` if the sweep fits the key's quotas, else refuses before anything is written:
   * SWEEP_OVER_QUOTA when the sweep alone is over one (no wait helps), QUOTA_EXCEEDED when it is
   * over with what the key has queued now (it fits once enough of that finishes).
   */
  async admit<T>(
    identity: ApiKeyIdentity,
    sweep: SweepAdmission,
    create: () => Promise<T>,
  ): Promise<T> {
    const { name, quota } = identity;
    const alone = excesses(quota, { queuedTrials: 0, pendingCoreHours: 0 }, sweep);
    if (alone.length > 0) {
      throw overQuota(
        name,
        alone.map(({ inUse: _, ...excess }) => excess),
      );
    }
    let created: T;
    if (quota.maxQueuedTrials === 0 && quota.maxCoreHours === 0) created = await create();
    else {
      try {
        created = await this.lock.run(name, async () => {
          const over = excesses(quota, await this.usage.of(name), sweep);
          if (over.length > 0) throw quotaExceeded(name, over);
          return create();
        });
      } catch (error) {
        if (!(error instanceof OwnerBusyError)) throw error;
        throw new ApiError(
          'SUBMISSIONS_BUSY',
          `${error.message}; nothing was written: send the request again`,
          { key: name },
        );
      }
    }
    await this.publishLimits([identity]).catch((error: unknown) => {
      this.options.log.warn({ err: error, key: name }, 'could not publish the key maxWorkers');
    });
    return created;
  }

  /** Every read-write key's usage, holds and quotas, in the order configured. */
  async report(): Promise<KeyUsage[]> {
    return Promise.all(
      this.writers().map(async (k) => ({
        name: k.name,
        quota: k.quota,
        usage: await this.usage.of(k.name),
        workersHeld: await this.holds.count(k.name),
      })),
    );
  }

  private writers(): ApiKeyIdentity[] {
    return this.options.ring.identities().filter((k) => k.role === 'write');
  }
}

function excesses(
  quota: KeyQuota,
  inUse: Pick<OwnerUsageFigures, 'queuedTrials' | 'pendingCoreHours'>,
  sweep: SweepAdmission,
): QuotaExcess[] {
  const found: QuotaExcess[] = [];
  const check = (name: QuotaExcess['quota'], limit: number, used: number, added: number): void => {
    // A sweep that adds nothing (every trial stored) is never refused: it only reads.
    if (limit > 0 && added > 0 && used + added > limit) {
      const shown = name === 'maxCoreHours' ? round : (n: number) => n;
      found.push({ quota: name, limit, inUse: shown(used), sweep: shown(added) });
    }
  };
  check('maxQueuedTrials', quota.maxQueuedTrials, inUse.queuedTrials, sweep.trials);
  check('maxCoreHours', quota.maxCoreHours, inUse.pendingCoreHours, sweep.coreHours);
  return found;
}

function overQuota(key: string, over: QuotaExcess[]): ApiError {
  const parts = over.map((e) =>
    e.quota === 'maxQueuedTrials'
      ? `it has ${count(e.sweep)} trials to run, more than the ${count(e.limit)} the key may have queued (maxQueuedTrials)`
      : `it needs up to ${hours(e.sweep)} core-hours, more than the ${hours(e.limit)} the key may have pending (maxCoreHours)`,
  );
  return new ApiError(
    'SWEEP_OVER_QUOTA',
    `this sweep alone exceeds the quota of API key ${key}: ${parts.join('; ')}. Split the sweep, or raise the key's quota`,
    { key, exceeded: over },
  );
}

function quotaExceeded(key: string, over: QuotaExcess[]): ApiError {
  const parts = over.map((e) =>
    e.quota === 'maxQueuedTrials'
      ? `at most ${count(e.limit)} trials queued (maxQueuedTrials): its live sweeps have ${count(e.inUse ?? 0)} and this sweep has ${count(e.sweep)} to run`
      : `at most ${hours(e.limit)} core-hours pending (maxCoreHours): its live sweeps need ${hours(e.inUse ?? 0)} and this sweep up to ${hours(e.sweep)}`,
  );
  return new ApiError(
    'QUOTA_EXCEEDED',
    `API key ${key} may have ${parts.join('; ')}. Nothing was written: submit again once enough of its trials have finished, or cancel one of its sweeps`,
    { key, exceeded: over },
  );
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function hours(h: number): string {
  return h.toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

/** Core-hours to three significant digits: the estimate is not more precise, and floats' tails read badly. */
function round(n: number): number {
  return Number(n.toPrecision(3));
}
