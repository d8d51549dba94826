import { createHash } from 'node:crypto';

/**
 * The first 16 hex digits of a key's SHA-256: names the key in logs, rate-limit buckets and, for
 * a key without `name=`, its sweeps and quotas, without revealing it.
 */
export function apiKeyId(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);
}
