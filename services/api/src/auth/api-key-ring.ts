import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyEntry, ApiKeyRole } from './api-key-entries.js';

/** Who sent a request: a key's role, and an id that names the key without revealing it. */
export interface ApiKeyIdentity {
  /** The first 16 hex digits of the key's SHA-256: for logs and rate-limit buckets. */
  id: string;
  role: ApiKeyRole;
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

  constructor(entries: readonly ApiKeyEntry[]) {
    this.keys = entries.map(({ key, role }) => {
      const digest = sha256(key);
      return { digest, identity: { id: digest.toString('hex').slice(0, 16), role } };
    });
  }

  get size(): number {
    return this.keys.length;
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
