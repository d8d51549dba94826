import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore } from '@seedsweep/store';
import { parseSweepDefinition, planSweep, type Trial } from '@seedsweep/sweep-spec';
import { createTrialQueue, TrialCanceller, TrialEnqueuer, trialJobId } from '../src/index.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('cancel');
const store = new SweepStore({ redis, prefix });
const queue = createTrialQueue({ connection: redis, prefix });

afterAll(async () => {
  await queue.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

function trials(from: number, to: number): Trial[] {
  return planSweep(
    parseSweepDefinition({
      name: 'c',
      regions: ['East'],
      seeds: { from, to },
      randomout: { tau: [1e-8, 1e-6], activePercent: [50] },
      training: { epochs: 1 },
    }),
  ).trials;
}

async function submit(id: string, list: Trial[]) {
  await store.createSweep(
    {
      id,
      name: id,
      createdAt: new Date().toISOString(),
      definition: {} as never,
      trainerVersion: '1',
      trials: list.length,
      reused: 0,
      enqueued: 0,
    },
    list,
  );
  await new TrialEnqueuer(queue, store, redis).enqueue(list);
}

describe('TrialCanceller', () => {
  it('removes the waiting trials only the cancelled sweep needs, keeping the rest in order', async () => {
    const a = trials(0, 299); // 900 trials
    const b = trials(200, 399); // shares seeds 200-299 with a
    await submit('a', a);
    await submit('b', b);
    const shared = new Set(b.map((t) => t.key));
    const onlyA = a.filter((t) => !shared.has(t.key));

    await store.cancelSweep('a');
    const outcome = await new TrialCanceller(queue, store, redis).cancelSweep('a');
    expect(outcome).toEqual({ removed: onlyA.length, stopped: 0, kept: a.length - onlyA.length });

    const waiting = await queue.getWaiting(0, -1);
    // The queue still runs b's trials, in b's enqueue order (getWaiting lists them oldest first).
    expect(waiting.map((job) => job.id)).toEqual(b.map((t) => trialJobId(t.key)));
    for (const trial of onlyA.slice(0, 20))
      expect(await queue.getJob(trialJobId(trial.key))).toBeUndefined();
  });
});
