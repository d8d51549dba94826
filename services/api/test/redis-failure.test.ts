import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fillRedis,
  startPrivateRedis,
  uniquePrefix,
  unfillRedis,
  type PrivateRedis,
} from '@seedsweep/redis-fixture';
import { isRedisOutOfMemory } from '@seedsweep/store';
import { buildApp } from '../src/app.js';
import { connectApiRedis } from '../src/redis-connection.js';
import { expectProblem, keysUnder } from './problem-expectations.js';

// These tests fill and kill their Redis: each has a server of its own, never the shared one.

const sweep = (name: string) => `name: ${name}
regions: [East]
seeds: {from: 0, to: 19}
randomout: {tau: [0.1, 0.01], activePercent: [50]}
training: {epochs: 1}
`;

async function appOn(url: string, prefix: string) {
  const redis = connectApiRedis({ kind: 'url', url });
  redis.on('error', () => {}); // the down test's refusals; each request reports its own
  const app = await buildApp({
    redis,
    prefix,
    maxTrials: 1_000,
    maxBodyBytes: 64 * 1024,
    logger: false,
    auth: { mode: 'off' },
    rateLimitPerMinute: 1_000,
  });
  await app.seedsweep.queue.waitUntilReady();
  return { app, redis };
}

function post(app: Awaited<ReturnType<typeof buildApp>>, body: string, headers = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    headers: { 'content-type': 'application/yaml', ...headers },
    payload: body,
  });
}

async function jobCount(app: Awaited<ReturnType<typeof buildApp>>): Promise<number> {
  const counts = await app.seedsweep.queue.getJobCounts();
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

describe('a full Redis (maxmemory with noeviction)', () => {
  let server: PrivateRedis;
  let admin: Redis;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let redis: Redis;
  const prefix = uniquePrefix('api-full');

  beforeAll(async () => {
    server = await startPrivateRedis();
    admin = new Redis(server.url);
    ({ app, redis } = await appOn(server.url, prefix));
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
    admin.disconnect();
    await server.close();
  });

  async function fill(): Promise<void> {
    await fillRedis(admin);
    const refused = await admin.set('filler:probe', 'x').catch((e: unknown) => e);
    expect(isRedisOutOfMemory(refused)).toBe(true);
  }

  async function empty(): Promise<void> {
    await unfillRedis(admin);
  }

  it('answers a submission with 503 REDIS_FULL and Retry-After, writes nothing, and still reads', async () => {
    await fill();
    const keysBefore = await keysUnder(admin, prefix);
    const refused = await post(app, sweep('full'));
    const problem = expectProblem(refused, 503, 'REDIS_FULL');
    expect(refused.headers['retry-after']).toBe('60');
    expect(problem.detail).toMatch(/memory limit/);
    // Inside a MULTI (the sweep's record) and on its own (the Idempotency-Key's claim).
    expectProblem(
      await post(app, sweep('full'), { 'idempotency-key': 'full-1' }),
      503,
      'REDIS_FULL',
    );

    expect(await keysUnder(admin, prefix)).toEqual(keysBefore);
    expect(await app.seedsweep.store.countSweeps()).toBe(0);
    expect(await jobCount(app)).toBe(0);
    // Reads need no memory: the list answers, though the rate limit could not count it.
    const list = await app.inject({ url: '/v1/sweeps' });
    expect(list.statusCode).toBe(200);
    expect(list.json().total).toBe(0);
    await empty();
  });

  it('removes the sweep when Redis fills up between its record and its jobs', async () => {
    // Another client takes the last of the memory right after the sweep's record is written:
    // its jobs are refused, and so would be the store's MULTI that removes it.
    const { store } = app.seedsweep;
    const createSweep = store.createSweep.bind(store);
    store.createSweep = async (...args) => {
      await createSweep(...args);
      await fill();
    };
    try {
      const refused = await post(app, sweep('filled midway'));
      expectProblem(refused, 503, 'REDIS_FULL');
    } finally {
      store.createSweep = createSweep;
    }
    // The record was written (its event is in the stream), then removed again.
    const events = await admin.xrange(store.keys.events, '-', '+');
    expect(events.map(([, fields]) => fields)).toEqual([
      ['type', 'sweep', 'key', expect.any(String)],
    ]);
    const id = events[0]![1][3]!;
    expect(await store.getSweep(id)).toBeNull();
    expect(await store.countSweeps()).toBe(0);
    expect(await admin.exists(store.keys.sweep(id), store.keys.sweepTrials(id))).toBe(0);
    expect(await admin.keys(`${prefix}:trial:*:sweeps`)).toEqual([]);
    expect(await jobCount(app)).toBe(0);

    await empty();
    const created = await post(app, sweep('filled midway'));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ trials: 60, enqueued: 60 });
  });
});

describe('Redis down', () => {
  let server: PrivateRedis;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let redis: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
    ({ app, redis } = await appOn(server.url, uniquePrefix('api-down')));
  });
  afterAll(async () => {
    await app.close().catch(() => {});
    redis.disconnect();
    await server.close();
  });

  it('answers 503 REDIS_UNAVAILABLE within seconds, not never; liveness still answers', async () => {
    expect((await app.inject({ url: '/v1/sweeps' })).statusCode).toBe(200);
    await server.server.kill();
    let slowest = 0;
    for (const request of [
      () => app.inject({ url: '/v1/sweeps' }),
      () => app.inject({ url: '/v1/sweeps/sw-0-0000000000' }),
      () => post(app, sweep('down')),
      () => post(app, sweep('down'), { 'idempotency-key': 'down-1' }),
      () => app.inject({ url: '/readyz' }),
    ]) {
      const started = performance.now();
      const response = await request();
      slowest = Math.max(slowest, performance.now() - started);
      expectProblem(response, 503, 'REDIS_UNAVAILABLE');
      expect(response.headers['retry-after']).toBe('5');
    }
    console.log(`Redis down: the slowest 503 took ${slowest.toFixed(0)} ms`);
    expect(slowest).toBeLessThan(3_000);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
