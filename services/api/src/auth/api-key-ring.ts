import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyEntry, ApiKeyRole } from './api-key-entries.js';
import { apiKeyId } from './api-key-id.js';
import { DEFAULT_KEY_QUOTA, type KeyQuota } from './key-quota.js';

/** Who sent a request: a key's role, and an id that names the key without revealing it. */
export interface ApiKeyIdentity {
  /** The first 16 hex digits of the key's SHA-256: for logs and rate-limit buckets. */
  id: string;
  role: ApiKeyRole;
  /** Its `name=`, else its id: the owner of its sweeps, and its label in /metrics. */
  name: string;
  /** Its quotas: its entry's, else the deployment's defaults; 0 is unlimited. */
  quota: KeyQuota;
  /** Whether it may submit `priority: high` sweeps. */
  mayUseHigh: boolean;
}

interface StoredKey {
  digest: Buffer;
  identity: ApiKeyIdentity;
}

/**
 * The configured keys, kept as SHA-256 digests. A presented key is hashed and compared with
 * every digest in constant time, all of them every time: neither the comparison nor the number
 * of comparisons depends on how much of a key a guess got right, or on which key matched.
 */
export class ApiKeyRing {
  private readonly keys: StoredKey[];

  constructor(
    entries: readonly ApiKeyEntry[],
    /** Quotas of the keys whose entries do not set them (QUOTA_MAX_*). */
    defaults: Readonly<KeyQuota> = DEFAULT_KEY_QUOTA,
  ) {
    this.keys = entries.map(({ key, role, name, quota, mayUseHigh }) => {
      const id = apiKeyId(key);
      return {
        digest: sha256(key),
        identity: {
          id,
          role,
          name: name ?? id,
          quota: { ...defaults, ...quota },
          mayUseHigh: mayUseHigh ?? false,
        },
      };
    });
  }

  get size(): number {
    return this.keys.length;
  }

  /** Every key's identity, in the order configured. */
  identities(): ApiKeyIdentity[] {
    return this.keys.map((k) => k.identity);
  }

  find(presented: string): ApiKeyIdentity | null {
    const digest = sha256(presented);
    let found: ApiKeyIdentity | null = null;
    for (const stored of this.keys) {
      if (timingSafeEqual(digest, stored.digest)) found = stored.identity;
    }
    return found;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
