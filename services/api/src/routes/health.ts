import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/index.js';

/** Liveness (the process answers) and readiness (Redis answers too). */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'The process is up', security: [] } },
    async () => ({
      status: 'ok',
    }),
  );
  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'Redis is reachable', security: [] } },
    async () => {
      const started = performance.now();
      try {
        await withTimeout(app.seedsweep.redis.ping(), 2_000);
      } catch (error) {
        throw new ApiError(
          'REDIS_UNAVAILABLE',
          `Redis did not answer: ${(error as Error).message}`,
        );
      }
      return { status: 'ready', redisMs: Math.round((performance.now() - started) * 10) / 10 };
    },
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
