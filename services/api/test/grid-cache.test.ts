import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore } from '@seedsweep/store';
import { GridCache, type CachedGrid } from '../src/grid-cache.js';

const redis = new Redis(inject('redisUrl'));
const prefix = uniquePrefix('grid-cache');
const store = new SweepStore({ redis, prefix });

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const parse = (cached: CachedGrid) => JSON.parse(cached.body.toString('utf8')) as unknown;
const grid = (n: number) => ({ sweepId: 's', updatedAt: `t${n}`, grid: { n } });

describe('GridCache', () => {
  it('serves the stored JSON for its time to live, then reads it again', async () => {
    const cache = new GridCache(store, 100);
    expect(await cache.get('s', 0)).toBeNull();
    await store.saveGrid(grid(1));
    const first = (await cache.get('s', 1_000))!;
    expect(parse(first)).toEqual(grid(1));
    await store.saveGrid(grid(2));
    // Within the time to live: the first read's bytes, without asking Redis.
    expect(parse((await cache.get('s', 1_050))!)).toEqual(grid(1));
    const second = (await cache.get('s', 1_100))!;
    expect(parse(second)).toEqual(grid(2));
    // The tag names the content: another grid, another tag; the same grid read again, the same.
    expect(second.etag).not.toBe(first.etag);
    expect((await cache.get('s', 5_000))!.etag).toBe(second.etag);
  });

  it('answers concurrent requests for an expired grid with one read, and keeps unchanged bytes', async () => {
    await store.saveGrid({ ...grid(3), sweepId: 'herd' });
    const cache = new GridCache(store, 100);
    const first = (await cache.get('herd', 0))!;
    const monitor = await redis.duplicate().monitor();
    const commands: string[] = [];
    const marker = `${prefix}:seen`;
    const allSeen = new Promise<void>((resolve) =>
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (args[1]?.startsWith(prefix)) commands.push(args.join(' '));
        if (args[1] === marker) resolve();
      }),
    );
    // Past the time to live, fifty at once: the same object to each, from one GET.
    const answers = await Promise.all(Array.from({ length: 50 }, () => cache.get('herd', 200)));
    // MONITOR reports commands in the order Redis ran them: once it shows this one, it has shown
    // every read the cache made.
    await redis.echo(marker);
    await allSeen;
    monitor.disconnect();
    expect(commands.filter((c) => c.toLowerCase().startsWith('get '))).toHaveLength(1);
    expect(new Set(answers).size).toBe(1);
    // The grid had not changed: the very bytes and tag of the first read.
    expect(answers[0]).toBe(first);
  });

  it('keeps at most its capacity of grids', async () => {
    const cache = new GridCache(store, 10_000, 2);
    for (const id of ['a', 'b', 'c']) await store.saveGrid({ ...grid(0), sweepId: id });
    for (const id of ['a', 'b', 'c']) expect(await cache.get(id, 0)).not.toBeNull();
    // 'a' went first: a new grid for it is read at once.
    await store.saveGrid({ ...grid(9), sweepId: 'a' });
    expect(parse((await cache.get('a', 1))!)).toMatchObject({ grid: { n: 9 } });
  });
});
