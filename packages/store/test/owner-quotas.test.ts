import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import {
  OwnerBusyError,
  OwnerLock,
  OwnerUsage,
  SweepStore,
  WorkerHolds,
  type NewSweep,
} from '../src/index.js';
import { record } from './fixtures.js';

const redis = new Redis(inject('redisUrl'));
let prefix: string;
let store: SweepStore;
let usage: OwnerUsage;

beforeEach(async () => {
  if (prefix) await deleteKeys(redis, prefix);
  prefix = uniquePrefix('owner');
  store = new SweepStore({ redis, prefix });
  usage = new OwnerUsage(redis, store.keys);
});
afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

/** A sweep of `trials` trials named `<id>-<n>`, owned and admitted as given. */
async function createSweep(
  id: string,
  trials: number,
  owner: string | null,
  coreHours = trials / 100,
): Promise<string[]> {
  const keys = Array.from({ length: trials }, (_, i) => `${id}-${i}`);
  const sweep: NewSweep = {
    id,
    name: id,
    createdAt: new Date().toISOString(),
    definition: {} as NewSweep['definition'],
    trainerVersion: '1',
    trials,
    reused: 0,
    enqueued: 0,
    owner,
    ...(owner && { admitted: { trials, coreHours } }),
  };
  await store.createSweep(
    sweep,
    keys.map((key) => ({ key })),
  );
  return keys;
}

const failure = (key: string) => ({
  key,
  message: 'no',
  code: 'INVALID_JOB',
  failureClass: 'trial' as const,
  reason: 'no',
  attempts: 1,
  worker: 'w',
  failedAt: new Date(0).toISOString(),
});

describe("a key's usage, from its sweeps and their trials' states", () => {
  it('counts unfinished trials and their share of the admitted core-hours, across stretches', async () => {
    const big = await createSweep('big', 4_500, 'alice', 45);
    const small = await createSweep('small', 10, 'alice', 1);
    await createSweep('other', 7, 'bob');
    await createSweep('anonymous', 3, null);
    expect(await usage.of('alice')).toEqual({
      queuedTrials: 4_510,
      pendingCoreHours: 46,
      liveSweeps: 2,
    });
    // Results and failures finish trials; a failure cleared by a retry counts again.
    await store.importResults(big.slice(0, 2_250).map((key) => record(key)));
    await store.writeFailure(failure(small[0]!));
    await store.writeFailure(failure(small[1]!));
    const after = await usage.of('alice');
    expect(after.queuedTrials).toBe(2_250 + 8);
    expect(after.pendingCoreHours).toBeCloseTo(22.5 + 0.8, 10);
    await store.clearFailures([small[0]!]);
    expect((await usage.of('alice')).queuedTrials).toBe(2_250 + 9);
    expect(await usage.of('bob')).toMatchObject({ queuedTrials: 7, liveSweeps: 1 });
    expect(await usage.of('nobody')).toEqual({
      queuedTrials: 0,
      pendingCoreHours: 0,
      liveSweeps: 0,
    });
  });

  it('drops a cancelled, deleted or finished sweep from the key, and keeps one with failures', async () => {
    const done = await createSweep('done', 3, 'alice');
    const failed = await createSweep('failed', 2, 'alice');
    await createSweep('cancelled', 4, 'alice');
    await createSweep('deleted', 5, 'alice');
    await createSweep('live', 6, 'alice');
    await store.recordEnqueued('done', { reused: 0, enqueued: 3 });
    await store.recordEnqueued('failed', { reused: 0, enqueued: 2 });
    await store.importResults(done.map((key) => record(key)));
    await store.importResults([record(failed[0]!)]);
    await store.writeFailure(failure(failed[1]!));
    await store.cancelSweep('cancelled');
    await store.deleteSweep('deleted');
    expect(await usage.of('alice')).toMatchObject({ queuedTrials: 6, liveSweeps: 1 });
    expect((await redis.smembers(store.keys.ownerSweeps('alice'))).sort()).toEqual([
      'failed',
      'live',
    ]);
  });

  it('keeps a finished sweep whose submission has not finished enqueueing', async () => {
    const keys = await createSweep('submitting', 2, 'alice');
    await store.importResults(keys.map((key) => record(key)));
    expect(await usage.of('alice')).toMatchObject({ queuedTrials: 0, liveSweeps: 0 });
    expect(await redis.smembers(store.keys.ownerSweeps('alice'))).toEqual(['submitting']);
  });
});

describe("a key's lock", () => {
  it('lets one holder at a time run, across clients', async () => {
    const other = new Redis(inject('redisUrl'));
    try {
      const locks = [new OwnerLock(redis, store.keys), new OwnerLock(other, store.keys)];
      let running = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          locks[i % 2]!.run('alice', async () => {
            running += 1;
            most = Math.max(most, running);
            await sleep(5);
            running -= 1;
          }),
        ),
      );
      expect(most).toBe(1);
      expect(await redis.exists(store.keys.ownerLock('alice'))).toBe(0);
    } finally {
      other.disconnect();
    }
  });

  it('gives up after its wait, and releases only its own lock', async () => {
    const short = new OwnerLock(redis, store.keys, { ttlMs: 200, waitMs: 50 });
    let busy: unknown;
    await short.run('alice', async () => {
      busy = await short.run('alice', async () => 'never').catch((e: unknown) => e);
    });
    expect(busy).toBeInstanceOf(OwnerBusyError);
    expect(busy).toMatchObject({ code: 'OWNER_BUSY', owner: 'alice' });
    // The first holder outlives its lock; the second takes it; the first must not free it.
    const patient = new OwnerLock(redis, store.keys, { ttlMs: 5_000, waitMs: 2_000 });
    await short.run('alice', async () => {
      await sleep(300);
      await redis.set(store.keys.ownerLock('alice'), 'someone-else', 'PX', 5_000);
    });
    expect(await redis.get(store.keys.ownerLock('alice'))).toBe('someone-else');
    await redis.del(store.keys.ownerLock('alice'));
    expect(await patient.run('alice', async () => 'ran')).toBe('ran');
  });
});

describe('holds on the workers of a key', () => {
  it('are taken up to the published limit, renewed, released, and lapse unrenewed', async () => {
    const holds = new WorkerHolds(redis, store.keys);
    await holds.publishLimits(
      new Map([
        ['alice', 2],
        ['bob', 0],
      ]),
    );
    expect(await holds.take('alice', 'j1', 60_000)).toEqual({ taken: true, held: 1, limit: 2 });
    expect(await holds.take('alice', 'j2', 60_000)).toEqual({ taken: true, held: 2, limit: 2 });
    expect(await holds.take('alice', 'j3', 60_000)).toEqual({ taken: false, held: 2, limit: 2 });
    // A second delivery of a job that holds one keeps it: one trial, one hold.
    expect(await holds.take('alice', 'j1', 60_000)).toEqual({ taken: true, held: 2, limit: 2 });
    await holds.release('alice', 'j2');
    expect(await holds.take('alice', 'j3', 60_000)).toMatchObject({ taken: true, held: 2 });
    expect(await holds.count('alice')).toBe(2);

    // Unlimited, and a key the API never published: no limit.
    for (let i = 0; i < 5; i++) {
      expect((await holds.take('bob', `b${i}`, 60_000)).taken).toBe(true);
      expect((await holds.take('carol', `c${i}`, 60_000)).taken).toBe(true);
    }

    // A dead worker's hold lapses; a live one's, renewed, does not.
    await holds.release('alice', 'j1');
    await holds.release('alice', 'j3');
    await holds.take('alice', 'dead', 150);
    await holds.take('alice', 'live', 150);
    for (let i = 0; i < 4; i++) {
      await sleep(60);
      expect(await holds.renew('alice', 'live', 150)).toBe(true);
    }
    expect(await holds.count('alice')).toBe(1);
    expect(await holds.renew('alice', 'dead', 150)).toBe(false);
    expect(await holds.take('alice', 'next', 60_000)).toEqual({ taken: true, held: 2, limit: 2 });
    expect(await redis.zscore(store.keys.ownerHolds('alice'), 'dead')).toBeNull();
  });
});
