import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FairShare, SweepList } from '@seedsweep/api-contract';
import { bullPrefix, TRIAL_QUEUE } from '@seedsweep/queue';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { buildApp } from '../src/app.js';

/**
 * Each sweep's share of the workers and its place in the queue, on a real queue with no worker
 * of its own: the tests take jobs as a worker does (BullMQ's getNextJob, lowest priority
 * first), so the queue's state at each step is known.
 */

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('share');
let app: Awaited<ReturnType<typeof buildApp>>;
let taker: Worker;

/** 2 seeds x (baseline + one RandomOut cell): 4 East trials of 10 epochs, 1 s of work each (0.5 s + 10 x 0.05 s). */
const sweep = (name: string, from: number, priority: 'high' | 'normal' | 'low') => ({
  name,
  regions: ['East'],
  seeds: { from, to: from + 1 },
  randomout: { tau: [1e-3], activePercent: [50] },
  training: { epochs: [10] },
  priority,
});

beforeAll(async () => {
  app = await buildApp({
    redis,
    prefix,
    maxTrials: 1_000,
    maxBodyBytes: 64 * 1024,
    logger: false,
    auth: { mode: 'off' },
  });
  taker = new Worker(TRIAL_QUEUE, undefined, {
    connection: redis.duplicate({ maxRetriesPerRequest: null }),
    prefix: bullPrefix(prefix),
    autorun: false,
  });
});
afterAll(async () => {
  await taker.close();
  await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

async function submit(definition: object): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(definition),
  });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { id: string }).id;
}

async function share(id: string): Promise<FairShare> {
  const response = await app.inject({ method: 'GET', url: `/v1/sweeps/${id}` });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { fairShare: FairShare }).fairShare;
}

async function listed(): Promise<Record<string, FairShare>> {
  const response = await app.inject({ method: 'GET', url: '/v1/sweeps' });
  expect(response.statusCode, response.body).toBe(200);
  const list = response.json() as SweepList;
  return Object.fromEntries(list.sweeps.map((s) => [s.id, s.fairShare]));
}

/** Moves the next job to active, as a worker taking it would. */
async function take(token: string): Promise<string> {
  const job = await taker.getNextJob(token, { block: false });
  expect(job).toBeDefined();
  return job!.id!;
}

describe("a sweep's share of the workers and place in the queue", () => {
  let normal: string;
  let high: string;

  it('puts the first sweep next, and a later one behind the job at the head', async () => {
    normal = await submit(sweep('normal', 0, 'normal'));
    // Priorities count half-seconds: its priorities 1, 3, 5, 7; the high sweep's 1, 1, 2, 2 (its
    // work counts at a quarter), the first after the normal sweep's first by submission.
    high = await submit(sweep('high', 10, 'high'));
    const none = { running: 0, runningAll: 0, share: null };
    expect(await share(normal)).toEqual({ priority: 'normal', ...none, ahead: 0 });
    expect(await share(high)).toEqual({ priority: 'high', ...none, ahead: 1 });
    expect(await listed()).toEqual({
      [normal]: { priority: 'normal', ...none, ahead: 0 },
      [high]: { priority: 'high', ...none, ahead: 1 },
    });
  });

  it('shares the running trials, and moves the high sweep ahead of the normal one’s next', async () => {
    await take('first');
    expect(await share(normal)).toEqual({
      priority: 'normal',
      running: 1,
      runningAll: 1,
      share: 1,
      // The high sweep's four trials (priorities 1 and 2), before its second at 3.
      ahead: 4,
    });
    expect(await share(high)).toMatchObject({ running: 0, runningAll: 1, share: 0, ahead: 0 });

    await take('second');
    const both = await listed();
    expect(both[normal]).toEqual({
      priority: 'normal',
      running: 1,
      runningAll: 2,
      share: 0.5,
      ahead: 3,
    });
    expect(both[high]).toEqual({
      priority: 'high',
      running: 1,
      runningAll: 2,
      share: 0.5,
      ahead: 0,
    });
    await take('third');
    expect(await share(high)).toMatchObject({ running: 2, runningAll: 3, share: 0.667, ahead: 0 });
    expect(await share(normal)).toMatchObject({ share: 0.333, ahead: 2 });
  });

  it('has no place once cancelled, and the others move up', async () => {
    const cancelled = await app.inject({ method: 'DELETE', url: `/v1/sweeps/${high}` });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect((cancelled.json() as { fairShare: FairShare }).fairShare).toMatchObject({
      priority: 'high',
      ahead: null,
    });
    expect(await share(normal)).toMatchObject({ running: 1, ahead: 0 });
  });
});

describe('the OpenAPI description', () => {
  it('describes fairShare in a sweep and in the list of sweeps', async () => {
    const openapi = (await app.inject({ url: '/docs/json' })).json();
    const json = (path: string) =>
      openapi.paths[path].get.responses['200'].content['application/json'].schema;
    const fields = ['priority', 'running', 'runningAll', 'share', 'ahead'];
    const one = json('/v1/sweeps/{id}').properties.fairShare;
    expect(Object.keys(one.properties)).toEqual(fields);
    expect(one.properties.priority.enum).toEqual(['high', 'normal', 'low']);
    expect(one.properties.ahead.description).toContain('before the sweep');
    const listed = json('/v1/sweeps').properties.sweeps.items.properties.fairShare;
    expect(Object.keys(listed.properties)).toEqual(fields);
    expect(json('/v1/sweeps/{id}').required).toContain('fairShare');
  });
});
