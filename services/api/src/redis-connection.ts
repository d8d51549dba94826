import type { Redis } from 'ioredis';
import { connectRedis, type RedisTarget } from '@seedsweep/service-runtime';

/**
 * The API's connection for the commands of its requests. While Redis is down, ioredis would
 * hold a command in its offline queue for as long as the outage lasts and the request would
 * hang. Here a command fails once a reconnection attempt has failed, and reconnection attempts
 * are at most half a second apart (two seconds when the host does not answer at all), so a
 * request gets its 503 REDIS_UNAVAILABLE within a second or two. Blocking readers (BullMQ's
 * QueueEvents) take a duplicate that waits.
 */
export function connectApiRedis(target: RedisTarget): Redis {
  return connectRedis(target, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 500),
  });
}
