import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { buildApp } from '../src/app.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
let prefix: string;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeEach(async () => {
  prefix = uniquePrefix('large');
  // A window of 4 trials: a 20-trial sweep is answered after 4, the rest follow.
  app = await buildApp({
    redis,
    prefix,
    maxTrials: 1_000,
    maxBodyBytes: 16 * 1024,
    logger: false,
    auth: { mode: 'off' },
    enqueueWindow: 4,
  });
  await app.seedsweep.queue.waitUntilReady();
});
afterEach(async () => {
  await app.close();
  await deleteKeys(redis, prefix);
});
afterAll(() => redis.disconnect());

// 10 seeds x (1 baseline + 1 cell) = 20 trials.
const sweep = `name: large
regions: [East]
seeds: {from: 0, to: 9}
randomout: {tau: [0.5], activePercent: [50]}
training: {epochs: 1}
`;

async function submit() {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    headers: { 'content-type': 'application/yaml' },
    payload: sweep,
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string; trials: number; enqueued: number; pending: number }>();
}

async function jobs(): Promise<number> {
  return app.seedsweep.queue.getJobCountByTypes('waiting', 'delayed', 'prioritized');
}

describe('a sweep larger than the enqueue window', () => {
  it('is answered after the first window, then enqueued to the end and recorded as submitted', async () => {
    const answer = await submit();
    expect(answer).toMatchObject({ trials: 20, enqueued: 4, pending: 16 });
    const { store } = app.seedsweep;
    while (!(await store.getSweep(answer.id))?.submitted) await sleep(20);
    expect(await jobs()).toBe(20);
    expect(await store.getSweep(answer.id)).toMatchObject({ enqueued: 20, reused: 0 });
    const status = await app.inject({ url: `/v1/sweeps/${answer.id}` });
    expect(status.json()).toMatchObject({ trials: 20, enqueued: 20, counts: { queued: 20 } });
  });

  it('stops enqueueing once the sweep is cancelled, leaving at most one window behind', async () => {
    const answer = await submit();
    const cancel = await app.inject({ method: 'DELETE', url: `/v1/sweeps/${answer.id}` });
    expect(cancel.statusCode).toBe(200);
    await app.seedsweep.submitter.close();
    expect(await jobs()).toBeLessThanOrEqual(4);
    expect(await app.seedsweep.store.getSweep(answer.id)).toMatchObject({
      lifecycle: 'cancelled',
      submitted: false,
    });
  });
});
