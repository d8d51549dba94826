import { Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget } from './redis-target.js';
import { SentinelWatch } from './sentinel-watch.js';

/**
 * A Redis client for a target. `options` are the caller's (BullMQ's workers need
 * `maxRetriesPerRequest: null`; the API fails requests fast instead); the failover settings are
 * added here, once, for every service:
 * - `reconnectOnError` on READONLY: a client still talking to a primary that was demoted to a
 *   replica reconnects and resends the write, as BullMQ's and ioredis's documentation advise
 *   for failover. Behind Sentinel it asks the sentinels again; at a URL (a managed Redis whose
 *   endpoint moves to the new primary) it resolves the name again.
 * - Behind Sentinel, ioredis asks the sentinels for the primary at every (re)connection and
 *   checks that the server it reaches is a primary, and `SentinelWatch` moves the client to a
 *   new primary as soon as the sentinels announce it, instead of when the old one's socket
 *   finally errors (ioredis's own `failoverDetector` can end a reconnecting client for good:
 *   see sentinel-watch.ts).
 * `duplicate()` of the result keeps all of this (BullMQ duplicates the connection it is given
 * for its blocking commands).
 */
export function connectRedis(target: RedisTarget, options: RedisOptions = {}): Redis {
  const reconnectOnError = (error: Error) => (error.message.startsWith('READONLY') ? 2 : false);
  if (target.kind === 'url') return new Redis(target.url, { ...options, reconnectOnError });
  return new SentinelClient(
    {
      ...options,
      sentinels: target.sentinels,
      name: target.name,
      ...(target.username !== undefined && { username: target.username }),
      ...(target.password !== undefined && { password: target.password }),
      ...(target.sentinelPassword !== undefined && { sentinelPassword: target.sentinelPassword }),
      failoverDetector: false,
      reconnectOnError,
    },
    SentinelWatch.of(target),
  );
}

/** A client of the sentinels' primary whose duplicates are followed by the same watch. */
class SentinelClient extends Redis {
  constructor(
    options: RedisOptions,
    // Not `watch`: Redis's WATCH command is a method of the client.
    private readonly sentinelWatch: SentinelWatch,
  ) {
    super(options);
    sentinelWatch.add(this);
  }

  override duplicate(override?: Partial<RedisOptions>): Redis {
    return new SentinelClient({ ...this.options, ...override }, this.sentinelWatch);
  }
}
