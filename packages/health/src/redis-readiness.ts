import type { ReadinessCheck } from './health-server.js';

/** What a readiness check needs of an ioredis client. */
export interface Pingable {
  ping(): Promise<string>;
}

/** Ready when Redis answers PING: a service cut off from Redis can do nothing useful. */
export function redisReadiness(redis: Pingable, also?: () => string | null): ReadinessCheck {
  return async () => {
    const reason = also?.() ?? null;
    if (reason) return reason;
    try {
      await redis.ping();
      return null;
    } catch (error) {
      return `Redis does not answer: ${(error as Error).message}`;
    }
  };
}
