import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { checkRedisServer, RedisUnfitError, type RedisServerReport } from '@seedsweep/store';

const RETRY_MS = 1_000;
const WARN_EVERY_MS = 10_000;

/**
 * Checks the Redis server before the API takes requests: one that may evict keys is refused
 * (RedisUnfitError, which main.ts turns into one line and exit code 2). One that does not answer
 * yet is waited for, with a warning every few seconds, so that the API may start before Redis.
 */
export async function waitForRedis(redis: Redis, log: Logger): Promise<RedisServerReport> {
  let warnedAt = 0;
  for (;;) {
    try {
      return await checkRedisServer(redis);
    } catch (error) {
      if (error instanceof RedisUnfitError) throw error;
      if (Date.now() - warnedAt >= WARN_EVERY_MS) {
        warnedAt = Date.now();
        log.warn({ err: error }, 'waiting for Redis');
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
