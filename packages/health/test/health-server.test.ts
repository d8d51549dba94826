import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@seedsweep/redis-fixture';
import { HealthServer, redisReadiness } from '../src/index.js';

// Stopped mid-test, so a server of this file's own.
let server: PrivateRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startPrivateRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
  redis.on('error', () => {});
});
afterAll(async () => {
  redis.disconnect();
  await server.close();
});

async function get(health: HealthServer, path: string) {
  const response = await fetch(`http://127.0.0.1:${health.port}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('HealthServer', () => {
  it('is live while it answers, ready while Redis answers and the service says nothing against it', async () => {
    let closing = false;
    const health = await HealthServer.start({
      port: 0,
      host: '127.0.0.1',
      ready: redisReadiness(redis, () => (closing ? 'shutting down' : null)),
    });
    try {
      expect(await get(health, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
      expect(await get(health, '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
      expect((await get(health, '/metrics')).status).toBe(404);

      closing = true;
      expect(await get(health, '/readyz')).toEqual({
        status: 503,
        body: { status: 'not ready', reason: 'shutting down' },
      });
      closing = false;

      await server.server.kill();
      const down = await get(health, '/readyz');
      expect(down.status).toBe(503);
      expect(down.body.reason).toMatch(/^Redis does not answer/);
      expect((await get(health, '/healthz')).status).toBe(200);
    } finally {
      await health.close();
    }
  });

  it('counts a check that hangs as not ready', async () => {
    const health = await HealthServer.start({
      port: 0,
      host: '127.0.0.1',
      ready: () => new Promise(() => {}),
      timeoutMs: 50,
    });
    try {
      expect(await get(health, '/readyz')).toEqual({
        status: 503,
        body: { status: 'not ready', reason: 'no answer within 50 ms' },
      });
    } finally {
      await health.close();
    }
  });
});
