import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { buildApp } from '../src/app.js';
import { expectProblem, keysUnder } from './problem-expectations.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('api-rate');
const KEYS = [
  'first-key-0123456789abcdef',
  'second-key-0123456789abcdef',
  'third-key-0123456789abcdef',
];
const LIMIT = 3;
let replicas: Awaited<ReturnType<typeof buildApp>>[];

beforeAll(async () => {
  // Two replicas of the API on one Redis, as behind a load balancer.
  replicas = await Promise.all(
    [0, 1].map(() =>
      buildApp({
        redis,
        prefix,
        maxTrials: 100,
        maxBodyBytes: 16 * 1024,
        logger: false,
        auth: { mode: 'keys', keys: KEYS.map((key) => ({ key, role: 'write' as const })) },
        rateLimitPerMinute: LIMIT,
      }),
    ),
  );
});
afterAll(async () => {
  for (const app of replicas) await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

function get(replica: number, url: string, key?: string, remoteAddress = '127.0.0.1') {
  return replicas[replica]!.inject({
    url,
    remoteAddress,
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
}

describe('the rate limit', () => {
  it('answers 429 with Retry-After once a key has used its requests of the minute', async () => {
    for (let i = 0; i < LIMIT; i++) {
      const response = await get(0, '/v1/sweeps', KEYS[0]);
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1 - i));
    }
    const refused = await get(0, '/v1/sweeps', KEYS[0]);
    const problem = expectProblem(refused, 429, 'RATE_LIMITED');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(problem).toMatchObject({ limitPerMinute: LIMIT, retryAfterSeconds: retryAfter });
    expect(problem.detail).toContain(`more than ${LIMIT} requests a minute`);

    // Another key has its own budget; the probes have none.
    expect((await get(0, '/v1/sweeps', KEYS[1])).statusCode).toBe(200);
    for (let i = 0; i < 2 * LIMIT; i++) {
      expect((await get(0, '/healthz', KEYS[0])).statusCode).toBe(200);
      expect((await get(0, '/readyz', KEYS[0])).statusCode).toBe(200);
    }
  });

  it('is shared by the replicas, through Redis, under the app prefix, without the key in it', async () => {
    expect((await get(0, '/v1/sweeps', KEYS[2])).statusCode).toBe(200);
    expect((await get(1, '/v1/sweeps', KEYS[2])).statusCode).toBe(200);
    expect((await get(0, '/v1/sweeps', KEYS[2])).statusCode).toBe(200);
    expectProblem(await get(1, '/v1/sweeps', KEYS[2]), 429, 'RATE_LIMITED');
    const counters = (await keysUnder(redis, prefix)).filter((k) => k.includes(':ratelimit:'));
    expect(counters.length).toBeGreaterThanOrEqual(3);
    for (const counter of counters) {
      expect(counter.startsWith(`${prefix}:ratelimit:`)).toBe(true);
      for (const key of KEYS) expect(counter).not.toContain(key);
    }
  });

  it('counts requests without a valid key by client address, before refusing them', async () => {
    const address = '192.0.2.7';
    for (let i = 0; i < LIMIT; i++) {
      expectProblem(await get(0, '/v1/sweeps', undefined, address), 401, 'API_KEY_REQUIRED');
    }
    expectProblem(
      await get(1, '/v1/sweeps', 'not-a-key-0123456789abcdef', address),
      429,
      'RATE_LIMITED',
    );
    // Another address, and a valid key from the same address, are not held back by it.
    expectProblem(await get(0, '/v1/sweeps', undefined, '192.0.2.8'), 401, 'API_KEY_REQUIRED');
    expect((await get(0, '/v1/sweeps', KEYS[1], address)).statusCode).toBe(200);
  });

  it('is off when the limit is 0', async () => {
    const unlimited = await buildApp({
      redis,
      prefix,
      maxTrials: 100,
      maxBodyBytes: 16 * 1024,
      logger: false,
      auth: { mode: 'off' },
      rateLimitPerMinute: 0,
    });
    try {
      for (let i = 0; i < 3 * LIMIT; i++) {
        const response = await unlimited.inject({ url: '/v1/sweeps', remoteAddress: '192.0.2.9' });
        expect(response.statusCode).toBe(200);
        expect(response.headers['x-ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await unlimited.close();
    }
  });
});
