import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { ApiError } from '../errors/index.js';
import { sendApiError } from './problem-details.js';

export interface RateLimitOptions {
  /** Requests per minute per API key (per client address without one). */
  perMinute: number;
  redis: Redis;
  /** The app's key prefix: the counters live under `<prefix>:ratelimit:`. */
  prefix: string;
}

/** Probes must answer however busy a client is: an orchestrator would restart a limited API. */
const EXEMPT = new Set(['/healthz', '/readyz']);

/**
 * At most `perMinute` requests a minute per API key, or per client address for requests without
 * a valid key; counted in Redis, so every replica draws on the same budget. Its hook is added at
 * the root before authentication's, so it also counts requests refused for a missing or wrong
 * key, and unknown routes. Should Redis fail to count (down, or full), the request goes on: its
 * own Redis commands then say what is wrong, and a full Redis still serves reads.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, options: RateLimitOptions) => {
    await app.register(rateLimit, {
      // The plugin's own per-route hooks would run after authentication, and miss unknown routes.
      global: false,
      max: options.perMinute,
      timeWindow: 60_000,
      redis: options.redis,
      nameSpace: `${options.prefix}:ratelimit:`,
      skipOnError: true,
      keyGenerator: (request) =>
        request.apiKey ? `key:${request.apiKey.id}` : `ip:${normalizeIP(request.ip)}`,
      allowList: (request) => EXEMPT.has(request.routeOptions.url ?? ''),
    });
    const limit = app.createRateLimit();
    app.addHook('onRequest', async (request, reply) => {
      const outcome = await limit(request);
      if (outcome.isAllowed) return;
      reply.header('x-ratelimit-limit', outcome.max);
      reply.header('x-ratelimit-remaining', outcome.remaining);
      reply.header('x-ratelimit-reset', outcome.ttlInSeconds);
      if (!outcome.isExceeded) return;
      reply.header('retry-after', Math.max(1, outcome.ttlInSeconds));
      return sendApiError(
        reply,
        new ApiError(
          'RATE_LIMITED',
          `more than ${outcome.max} requests a minute; try again in ${Math.max(1, outcome.ttlInSeconds)} s`,
          { limitPerMinute: outcome.max, retryAfterSeconds: Math.max(1, outcome.ttlInSeconds) },
        ),
      );
    });
  },
  { name: 'seedsweep-rate-limit' },
);
