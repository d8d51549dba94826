import type { Redis } from 'ioredis';

/**
 * Makes a (private) server refuse every command that may take memory, as a full Redis under
 * `noeviction` does: its memory limit goes below what it holds. A limit just above it, filled up
 * to the first refusal, lets small writes through again whenever the server frees a client
 * buffer (flaky tests). Reads, DEL and the like still run.
 */
export async function fillRedis(admin: Redis): Promise<void> {
  const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))![1]);
  await admin.config(
    'SET',
    'maxmemory',
    String(Math.floor(used / 2)),
    'maxmemory-policy',
    'noeviction',
  );
}

/** Lifts the memory limit again. */
export async function unfillRedis(admin: Redis): Promise<void> {
  await admin.config('SET', 'maxmemory', '0');
}
