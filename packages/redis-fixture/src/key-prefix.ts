import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A prefix no other test (or run) uses, so tests can share one Redis. */
export function uniquePrefix(label = 'test'): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix:`; returns how many. SCAN, so a shared server never stalls. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
