import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore } from '@seedsweep/store';
import { GridCache } from '../src/grid-cache.js';

const redis = new Redis(inject('redisUrl'));
const prefix = uniquePrefix('grid-cache');
const store = new SweepStore({ redis, prefix });

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const grid = (n: number) => ({ sweepId: 's', updatedAt: `t${n}`, grid: { n } });

describe('GridCache', () => {
  it('serves the stored JSON for its time to live, then reads it again', async () => {
    const cache = new GridCache(store, 100);
    expect(await cache.get('s', 0)).toBeNull();
    await store.saveGrid(grid(1));
    expect(JSON.parse((await cache.get('s', 1_000))!)).toEqual(grid(1));
    await store.saveGrid(grid(2));
    // Within the time to live: the first read's text, without asking Redis.
    expect(JSON.parse((await cache.get('s', 1_050))!)).toEqual(grid(1));
    expect(JSON.parse((await cache.get('s', 1_100))!)).toEqual(grid(2));
  });

  it('keeps at most its capacity of grids', async () => {
    const cache = new GridCache(store, 10_000, 2);
    for (const id of ['a', 'b', 'c']) await store.saveGrid({ ...grid(0), sweepId: id });
    for (const id of ['a', 'b', 'c']) expect(await cache.get(id, 0)).not.toBeNull();
    // 'a' went first: a new grid for it is read at once.
    await store.saveGrid({ ...grid(9), sweepId: 'a' });
    expect(JSON.parse((await cache.get('a', 1))!)).toMatchObject({ grid: { n: 9 } });
  });
});
