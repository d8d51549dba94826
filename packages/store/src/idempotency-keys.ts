import type { Redis } from 'ioredis';
import type { StoreKeys } from './store-keys.js';

export type IdempotencyClaim =
  | { status: 'claimed' }
  | { status: 'in-progress'; fingerprint: string }
  | { status: 'completed'; fingerprint: string; response: unknown };

interface StoredClaim {
  fingerprint: string;
  response?: unknown;
}

/**
 * Idempotency-Key support: the first request with a key claims it (SET NX), does its work and
 * stores its response; a retry with the same key and body gets that response again, a retry with
 * another body is told so, and a retry while the first is still running learns that it is.
 */
export class IdempotencyKeys {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
    /** How long a completed request's response is replayed. */
    private readonly ttlSeconds = 24 * 60 * 60,
    /**
     * How long a claim lasts without a response: should its request die half way (the process
     * killed), the key frees itself after this rather than answering "in progress" for a day.
     */
    private readonly claimTtlSeconds = 5 * 60,
  ) {}

  async claim(key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const stored: StoredClaim = { fingerprint };
    const set = await this.redis.set(
      this.keys.idempotency(key),
      JSON.stringify(stored),
      'EX',
      Math.min(this.claimTtlSeconds, this.ttlSeconds),
      'NX',
    );
    if (set === 'OK') return { status: 'claimed' };
    const existing = await this.redis.get(this.keys.idempotency(key));
    if (!existing) return this.claim(key, fingerprint); // Expired between the two calls.
    const parsed = JSON.parse(existing) as StoredClaim;
    return parsed.response === undefined
      ? { status: 'in-progress', fingerprint: parsed.fingerprint }
      : { status: 'completed', fingerprint: parsed.fingerprint, response: parsed.response };
  }

  async complete(key: string, fingerprint: string, response: unknown): Promise<void> {
    const stored: StoredClaim = { fingerprint, response };
    await this.redis.set(this.keys.idempotency(key), JSON.stringify(stored), 'EX', this.ttlSeconds);
  }

  /** Frees the key after a failed request, so the client's retry can run. */
  async release(key: string): Promise<void> {
    await this.redis.del(this.keys.idempotency(key));
  }
}
