import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import type { TrialSpec } from '@seedsweep/sweep-spec';
import { IdempotencyKeys, StoreError, SweepStore, type NewSweep } from '../src/index.js';
import { record } from './fixtures.js';

const redis = new Redis(inject('redisUrl'));
const reader = new Redis(inject('redisUrl'));
let prefix: string;
let store: SweepStore;

beforeEach(async () => {
  if (prefix) await deleteKeys(redis, prefix);
  prefix = uniquePrefix('store');
  store = new SweepStore({ redis, prefix });
});
afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
  reader.disconnect();
});

const spec = { region: 'East' } as TrialSpec;

function sweep(id: string, createdAt: string): NewSweep {
  return {
    id,
    name: id,
    createdAt,
    definition: {} as NewSweep['definition'],
    trainerVersion: '1',
    trials: 2,
    reused: 0,
    enqueued: 2,
  };
}

describe('results', () => {
  it('are written once however many deliveries finish, with one event', async () => {
    const writes = await Promise.all(
      [1, 2, 3].map((attempt) => store.writeResult(record('k1', { attempt }))),
    );
    expect(writes.filter(Boolean)).toHaveLength(1);
    const winner = writes.indexOf(true) + 1;
    expect((await store.getResult('k1'))?.attempt).toBe(winner);
    expect(await store.readEvents('0-0')).toMatchObject([{ type: 'result', key: 'k1' }]);
    expect(await store.counters()).toEqual({
      results: 1,
      duplicateResults: 2,
      failures: 0,
      trainingMs: 1000,
      epochs: 2,
      derivedResults: 0,
      resumedResults: 0,
      importedResults: 0,
    });
    expect(await store.getStates(['k1', 'nope'])).toEqual([
      {
        summary: { testAccuracy: 0.9, diverged: false, majorityRate: 0.6, durationMs: 1000 },
        failure: null,
      },
      { summary: null, failure: null },
    ]);
  });

  it('count what was derived and what was resumed, and only the epochs really trained', async () => {
    await store.writeResult(record('d1', { derivedFrom: 'b1' }));
    await store.writeResult(record('r1', { resumedFrom: { key: 'b1', epoch: 1 } }));
    await store.writeResult(record('t1'));
    const counters = await store.counters();
    expect(counters).toMatchObject({ results: 3, derivedResults: 1, resumedResults: 1 });
    // Two epochs each: none for the derived result, one after the checkpoint, two from scratch.
    expect(record('t1').epochsRun).toBe(2);
    expect(counters.epochs).toBe(0 + 1 + 2);
    expect((await store.getResult('r1'))?.resumedFrom).toEqual({ key: 'b1', epoch: 1 });
  });

  it('keep a late failure from shadowing them, and clear an earlier failure', async () => {
    const failure = {
      key: 'k2',
      message: 'boom',
      code: null,
      attempts: 3,
      worker: 'w',
      failedAt: '',
    };
    expect(await store.writeFailure(failure)).toBe(true);
    expect(await store.writeResult(record('k2'))).toBe(true);
    expect(await store.writeFailure(failure)).toBe(false);
    const [outcome] = await store.getOutcomes(['k2']);
    expect(outcome?.result?.key).toBe('k2');
    expect(outcome?.failure).toBeNull();
    expect((await store.readEvents('0-0')).map((e) => e.type)).toEqual(['failure', 'result']);
  });

  it('are read in order across pipeline batches', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `k${i}`);
    for (const key of keys.filter((_, i) => i % 3 === 0)) await store.writeResult(record(key));
    const present = await store.resultsPresent(keys);
    expect(present).toEqual(keys.map((_, i) => i % 3 === 0));
    const outcomes = await store.getOutcomes(keys);
    expect(outcomes.map((o) => o.result?.key ?? null)).toEqual(
      keys.map((k, i) => (i % 3 === 0 ? k : null)),
    );
  });

  it('imported, are written as a worker writes them but count as imported, never overwriting', async () => {
    await store.writeResult(record('i1', { testAccuracy: 0.8 }));
    await store.writeFailure({
      key: 'i2',
      message: 'boom',
      code: null,
      attempts: 3,
      worker: 'w',
      failedAt: '',
    });
    const written = await store.importResults([
      record('i1', { testAccuracy: 0.1 }),
      record('i2', { derivedFrom: 'b1' }),
      record('i3', { resumedFrom: { key: 'b1', epoch: 1 } }),
    ]);
    expect(written).toEqual([false, true, true]);
    expect((await store.getResult('i1'))?.testAccuracy).toBe(0.8);
    // A derived result's summary says so: statuses count derived trials from summaries.
    expect((await store.getStates(['i2']))[0]).toEqual({
      summary: {
        testAccuracy: 0.9,
        diverged: false,
        majorityRate: 0.6,
        durationMs: 1000,
        derived: true,
      },
      failure: null,
    });
    expect((await store.readEvents('0-0')).map((e) => `${e.type} ${e.key}`)).toEqual([
      'result i1',
      'failure i2',
      'result i2',
      'result i3',
    ]);
    // Training counted once, for the worker's result; the import is no duplicate delivery.
    expect(await store.counters()).toEqual({
      results: 3,
      duplicateResults: 0,
      failures: 1,
      trainingMs: 1000,
      epochs: 2,
      derivedResults: 0,
      resumedResults: 0,
      importedResults: 2,
    });
  });

  it('wake a blocked reader when they arrive', async () => {
    const after = await store.lastEventId();
    const pending = store.readEvents(after, { blockMs: 5000, redis: reader });
    await store.writeResult(record('k3'));
    expect(await pending).toMatchObject([{ type: 'result', key: 'k3' }]);
  });

  it('name the key of a corrupt record', async () => {
    await redis.hset(store.keys.trial('bad'), 'result', '{not json');
    await expect(store.getResult('bad')).rejects.toThrow(store.keys.trial('bad'));
  });
});

describe('sweeps', () => {
  it('are created whole, listed newest first, and never overwritten', async () => {
    await store.createSweep(sweep('a', '2026-01-01T00:00:00Z'), [
      { key: 't1', spec },
      { key: 't2', spec },
    ]);
    await store.createSweep(sweep('b', '2026-01-02T00:00:00Z'), [{ key: 't2', spec }]);
    expect((await store.listSweeps()).map((s) => s.id)).toEqual(['b', 'a']);
    expect(await store.sweepTrialKeys('a')).toEqual(['t1', 't2']);
    expect((await store.sweepsOf('t2')).sort()).toEqual(['a', 'b']);
    const error = await store.createSweep(sweep('a', '2026-01-03T00:00:00Z'), []).catch((e) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('SWEEP_EXISTS');
    expect((await store.getSweep('a'))?.createdAt).toBe('2026-01-01T00:00:00Z');
  });

  it('are cancelled once, and then no longer count as live for their trials', async () => {
    await store.createSweep(sweep('a', '2026-01-01T00:00:00Z'), [{ key: 't1', spec }]);
    await store.createSweep(sweep('b', '2026-01-02T00:00:00Z'), [{ key: 't1', spec }]);
    const results = await Promise.all([store.cancelSweep('a'), store.cancelSweep('a')]);
    expect(results.sort()).toEqual([false, true]);
    expect(await store.cancelSweep('missing')).toBe(false);
    expect((await store.getSweep('a'))?.lifecycle).toBe('cancelled');
    expect(await store.neededByLiveSweeps(['t1', 'unknown'])).toEqual([true, false]);
    await store.cancelSweep('b');
    expect(await store.neededByLiveSweeps(['t1'])).toEqual([false]);
  });

  it('can be deleted whole after a failed submission', async () => {
    await store.createSweep(sweep('a', '2026-01-01T00:00:00Z'), [{ key: 't1', spec }]);
    await store.deleteSweep('a');
    expect(await store.getSweep('a')).toBeNull();
    expect(await store.sweepsOf('t1')).toEqual([]);
    expect(await store.countSweeps()).toBe(0);
    expect((await store.readEvents('0-0')).map((e) => [e.type, e.key])).toEqual([['sweep', 'a']]);
  });
});

describe('idempotency keys', () => {
  it('let one request through and replay its response to retries', async () => {
    const keys = new IdempotencyKeys(redis, store.keys);
    const claims = await Promise.all([keys.claim('K', 'f1'), keys.claim('K', 'f1')]);
    expect(claims.map((c) => c.status).sort()).toEqual(['claimed', 'in-progress']);
    await keys.complete('K', 'f1', { id: 'a' });
    expect(await keys.claim('K', 'f2')).toEqual({
      status: 'completed',
      fingerprint: 'f1',
      response: { id: 'a' },
    });
    await keys.release('K');
    expect(await keys.claim('K', 'f2')).toEqual({ status: 'claimed' });
    expect(await redis.ttl(store.keys.idempotency('K'))).toBeGreaterThan(0);
  });
});
