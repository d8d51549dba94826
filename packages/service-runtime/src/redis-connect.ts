import { Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget } from './redis-target.js';

/**
 * A Redis client for a target. `options` are the caller's (BullMQ's workers need
 * `maxRetriesPerRequest: null`; the API fails requests fast instead); the Sentinel settings are
 * added here, once, for every service:
 * - `failoverDetector`: ioredis subscribes to the sentinels' `+switch-master` and reconnects to
 *   the new primary at once, instead of when the old one's socket finally errors.
 * - `reconnectOnError` on READONLY: a client still talking to a primary that was demoted to a
 *   replica reconnects (asking the sentinels again) and resends the write, as BullMQ's and
 *   ioredis's documentation advise for failover.
 * `duplicate()` of the result keeps all of this.
 */
export function connectRedis(target: RedisTarget, options: RedisOptions = {}): Redis {
  if (target.kind === 'url') return new Redis(target.url, options);
  return new Redis({
    ...options,
    sentinels: target.sentinels,
    name: target.name,
    ...(target.password !== undefined && { password: target.password }),
    ...(target.sentinelPassword !== undefined && { sentinelPassword: target.sentinelPassword }),
    failoverDetector: true,
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  });
}
