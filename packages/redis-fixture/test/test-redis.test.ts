import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { deleteKeys, startTestRedis, uniquePrefix } from '../src/index.js';

describe('startTestRedis', () => {
  it('falls back to a redis-server child when neither Docker nor REDIS_URL is there', async () => {
    const redis = await startTestRedis({ docker: false });
    expect(redis.source).toBe('redis-server');
    const client = new Redis(redis.url);
    try {
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
      await redis.stop();
    }
    const after = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => null });
    await expect(after.connect()).rejects.toThrow();
    after.disconnect();
  });

  it('uses REDIS_URL when no Docker engine answers', async () => {
    const redis = await startTestRedis({ docker: false, redisUrl: 'redis://127.0.0.1:1/0' });
    expect(redis).toMatchObject({ source: 'REDIS_URL', url: 'redis://127.0.0.1:1/0' });
  });
});

describe('deleteKeys', () => {
  it('deletes only the keys under its prefix', async () => {
    const redis = await startTestRedis({ docker: false });
    const client = new Redis(redis.url);
    try {
      const mine = uniquePrefix();
      const other = uniquePrefix();
      expect(mine).not.toBe(other);
      await client.mset(`${mine}:a`, '1', `${mine}:b:c`, '2', `${other}:a`, '3');
      expect(await deleteKeys(client, mine)).toBe(2);
      expect(await client.keys(`${mine}:*`)).toEqual([]);
      expect(await client.get(`${other}:a`)).toBe('3');
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});
