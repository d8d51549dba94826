import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@seedsweep/redis-fixture';
import { checkRedisServer, isRedisOutOfMemory, RedisUnfitError, SweepStore } from '../src/index.js';
import { record } from './fixtures.js';

// The server is reconfigured here, so it is this file's own, never the shared test Redis.
let server: PrivateRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startPrivateRedis({ appendOnly: true });
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.close();
});

describe('checkRedisServer', () => {
  it('accepts a server without a memory limit, whatever its policy, and reports what it found', async () => {
    await redis.config('SET', 'maxmemory', '0', 'maxmemory-policy', 'allkeys-lru');
    const report = await checkRedisServer(redis);
    expect(report).toMatchObject({
      maxmemory: 0,
      maxmemoryPolicy: 'allkeys-lru',
      appendOnly: true,
    });
    expect(report.version).toMatch(/^\d+\.\d+/);
  });

  it('refuses a memory limit with an evicting policy, naming both and the fix', async () => {
    await redis.config('SET', 'maxmemory', '100mb', 'maxmemory-policy', 'volatile-lru');
    const error = await checkRedisServer(redis).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnfitError);
    expect((error as RedisUnfitError).code).toBe('REDIS_MAY_EVICT');
    expect((error as RedisUnfitError).details).toEqual({
      maxmemory: 100 * 1024 * 1024,
      maxmemoryPolicy: 'volatile-lru',
    });
    expect((error as Error).message).toMatch(/volatile-lru.*noeviction/);
  });

  it('accepts a memory limit under noeviction', async () => {
    await redis.config('SET', 'maxmemory', '100mb', 'maxmemory-policy', 'noeviction');
    await expect(checkRedisServer(redis)).resolves.toMatchObject({
      maxmemoryPolicy: 'noeviction',
    });
  });
});

describe('checkRedisServer and replication', () => {
  it('refuses a replica, naming its primary, and counts the primary’s replicas', async () => {
    const replica = await startPrivateRedis({
      args: ['--replicaof', '127.0.0.1', String(server.server.port)],
    });
    const client = new Redis(replica.url);
    try {
      const error = await checkRedisServer(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisUnfitError);
      expect(error).toMatchObject({
        code: 'REDIS_IS_REPLICA',
        details: { primary: `127.0.0.1:${server.server.port}` },
      });
      expect((error as Error).message).toContain('REDIS_SENTINELS');
      await expect.poll(async () => (await checkRedisServer(redis)).replicas).toBe(1);
    } finally {
      client.disconnect();
      await replica.close();
    }
  });
});

describe('checkRedisServer with ACLs and an AOF', () => {
  it('refuses a default user that may not run what an AOF replays, naming the command and the fix', async () => {
    const acl = await startPrivateRedis({
      appendOnly: true,
      args: ['--user', 'default', 'off', '--user', 'svc', 'on', '>pw', '~*', '&*', '+@all'],
    });
    const client = new Redis(acl.url.replace('//', '//svc:pw@'));
    try {
      const error = await checkRedisServer(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisUnfitError);
      expect(error).toMatchObject({
        code: 'REDIS_AOF_REPLAY_DENIED',
        details: { command: 'exec' },
      });
      expect((error as Error).message).toContain('user default off ~* &* +@all');
      // The fix the message gives passes.
      await client.call('ACL', 'SETUSER', 'default', 'off', '~*', '&*', '+@all');
      await expect(checkRedisServer(client)).resolves.toMatchObject({ appendOnly: true });
    } finally {
      client.disconnect();
      await acl.close();
    }
  });
});

describe('a full server', () => {
  it('refuses a result with an OOM error that isRedisOutOfMemory recognises, and writes nothing', async () => {
    const store = new SweepStore({ redis, prefix: 'full' });
    // Just above what the server uses now: the next write crosses the limit.
    const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
    await redis.config('SET', 'maxmemory', String(used + 1024), 'maxmemory-policy', 'noeviction');
    await redis.set('filler', 'x'.repeat(64 * 1024)).catch(() => {});
    const error = await store.writeResult(record('a'.repeat(64))).catch((e: unknown) => e);
    expect(isRedisOutOfMemory(error)).toBe(true);
    expect(await redis.exists('full:trial:' + 'a'.repeat(64))).toBe(0);
    await redis.config('SET', 'maxmemory', '0');
    expect(isRedisOutOfMemory(new Error('ERR unknown command'))).toBe(false);
  });
});
