import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { trialJobId } from '@seedsweep/queue';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { WorkerHolds, type TrialRecord } from '@seedsweep/store';
import { buildApp } from '../src/app.js';
import { apiKeysFromList } from '../src/auth/api-key-entries.js';
import { apiKeyId } from '../src/auth/api-key-id.js';
import { expectProblem, keysUnder } from './problem-expectations.js';

/**
 * Per-key quotas and the reservation of `priority: high`, on a real Redis: what is refused is
 * refused before anything is written, and concurrent submissions are admitted one at a time.
 */

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
type App = Awaited<ReturnType<typeof buildApp>>;

const ALICE = 'alice-key-0123456789abcdef';
const BOB = 'bob-key-0123456789abcdef';
const CAROL = 'carol-key-0123456789abcdef';
const DAVE = 'dave-key-0123456789abcdef';
const READER = 'reader-key-0123456789abcdef';
const parsed = apiKeysFromList(
  [
    `${ALICE} name=alice maxQueuedTrials=50 maxWorkers=2 high=allow`,
    `${BOB} name=bob maxCoreHours=0.02`,
    CAROL,
    `${DAVE} name=dave maxQueuedTrials=55`,
    `read:${READER} name=grafana`,
  ].join(','),
);
if (!parsed.ok) throw new Error(parsed.problem);
const keys = parsed.entries;
const CAROL_ID = apiKeyId(CAROL);

let prefix: string;
let apps: App[] = [];

async function start(auth: 'keys' | 'off' = 'keys'): Promise<App> {
  const app = await buildApp({
    redis,
    prefix,
    maxTrials: 1_000,
    maxBodyBytes: 64 * 1024,
    logger: false,
    auth: auth === 'keys' ? { mode: 'keys', keys } : { mode: 'off' },
    quotaDefaults: { maxQueuedTrials: 1_000, maxCoreHours: 100, maxWorkers: 3 },
    quotaLock: { waitMs: 30_000 },
  });
  // BullMQ writes its queue's metadata key once connected; count keys only after that.
  await app.seedsweep.queue.waitUntilReady();
  apps.push(app);
  return app;
}

beforeEach(() => {
  prefix = uniquePrefix('api-quotas');
});
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
  await deleteKeys(redis, prefix);
});
afterAll(() => redis.disconnect());

/** East, `seeds` seeds from `from`, a baseline and one RandomOut cell each: 2 trials a seed. */
function sweep(from: number, seeds: number, options: { epochs?: number; priority?: string } = {}) {
  return `name: quota-${from}
regions: [East]
seeds: {from: ${from}, to: ${from + seeds - 1}}
randomout: {tau: [0.5], activePercent: [50]}
training: {epochs: ${options.epochs ?? 1}}
${options.priority ? `priority: ${options.priority}\n` : ''}`;
}

function post(app: App, key: string, body: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: `/v1/sweeps${headers['x-dry-run'] ? '?dryRun=true' : ''}`,
    headers: {
      'content-type': 'application/yaml',
      authorization: `Bearer ${key}`,
      ...headers,
    },
    payload: body,
  });
}

async function submitted(app: App, key: string, body: string): Promise<string> {
  const response = await post(app, key, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

async function jobs(app: App): Promise<number> {
  return app.seedsweep.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active');
}

/** A stored result; at the default 0.05 s an epoch, should the planner measure it. */
function result(key: string): TrialRecord {
  return {
    key,
    testAccuracy: 0.9,
    majorityRate: 0.6,
    testCount: 611,
    trainLoss: [0.5],
    epochsRun: 1,
    diverged: false,
    divergedAtEpoch: null,
    reinitializations: { total: 0, conv1: 0, conv2: 0, perEpoch: [] },
    minAbsCgn: [1e-6],
    weightsHash: 'abc',
    engine: 'wasm',
    versions: {},
    durationMs: 50,
    worker: 'test:1',
    attempt: 1,
    finishedAt: new Date(0).toISOString(),
  };
}

describe('a submission with an API key', () => {
  it('records its key as the owner, with what it was admitted with, and puts it on every job', async () => {
    const app = await start();
    const id = await submitted(app, ALICE, sweep(0, 5, { epochs: 10 }));
    const record = await app.seedsweep.store.getSweep(id);
    expect(record).toMatchObject({ owner: 'alice', admitted: { trials: 10 } });
    // 10 East trials of 10 epochs at the default 0.05 s an epoch.
    expect(record!.admitted!.coreHours).toBeCloseTo((10 * 10 * 0.05) / 3600, 10);
    for (const key of await app.seedsweep.store.sweepTrialKeys(id)) {
      expect((await app.seedsweep.queue.getJob(trialJobId(key)))?.data.owner).toBe('alice');
    }
    // A key without a name is its id.
    const anonymous = await submitted(app, CAROL, sweep(100, 1));
    expect((await app.seedsweep.store.getSweep(anonymous))?.owner).toBe(CAROL_ID);
  });

  it("publishes every read-write key's maxWorkers for the workers at start-up", async () => {
    await start();
    const limits = await redis.hgetall(`${prefix}:owner-worker-limits`);
    expect(limits).toEqual({ alice: '2', bob: '3', [CAROL_ID]: '3', dave: '3' });
  });
});

describe('priority high', () => {
  it('is refused (403, nothing written) for a key without high=allow, and accepted for one with it', async () => {
    const app = await start();
    const before = await keysUnder(redis, prefix);
    const body = sweep(0, 2, { priority: 'high' });
    const refused = await post(app, CAROL, body, { 'idempotency-key': 'high-1' });
    const problem = expectProblem(refused, 403, 'PRIORITY_NOT_ALLOWED');
    expect(problem.detail).toContain(`API key ${CAROL_ID} may not submit high-priority sweeps`);
    expect(problem).toMatchObject({
      key: CAROL_ID,
      errors: [{ path: 'priority', message: 'high is not allowed for this key', line: 6 }],
    });
    expectProblem(await post(app, CAROL, body, { 'x-dry-run': '1' }), 403, 'PRIORITY_NOT_ALLOWED');
    expect(await keysUnder(redis, prefix)).toEqual(before);
    // The same key may submit the sweep at normal or low priority; alice may at high.
    await submitted(app, CAROL, sweep(0, 2, { priority: 'low' }));
    const high = await submitted(app, ALICE, body);
    expect((await app.seedsweep.store.getSweep(high))?.definition.priority).toBe('high');
  });

  it('is anyone’s with AUTH=off, which has no quotas and no owners either', async () => {
    const app = await start('off');
    const response = await app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { 'content-type': 'application/yaml' },
      payload: sweep(0, 400, { priority: 'high', epochs: 100_000 }),
    });
    expect(response.statusCode, response.body).toBe(201);
    const { id } = response.json<{ id: string }>();
    expect(await app.seedsweep.store.getSweep(id)).toMatchObject({ owner: null });
    expect((await app.seedsweep.store.getSweep(id))?.admitted).toBeUndefined();
    const [key] = await app.seedsweep.store.sweepTrialKeys(id);
    expect((await app.seedsweep.queue.getJob(trialJobId(key!)))?.data).not.toHaveProperty('owner');
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).not.toContain('seedsweep_key_');
  });
});

describe('the queued-trials quota', () => {
  it('refuses a sweep that does not fit beside the live ones (429, the numbers, nothing written), until some finish or are cancelled', async () => {
    const app = await start();
    const first = await submitted(app, ALICE, sweep(0, 10));
    const second = await submitted(app, ALICE, sweep(10, 10));
    const before = await keysUnder(redis, prefix);
    const jobsBefore = await jobs(app);
    const refused = await post(app, ALICE, sweep(20, 10), { 'idempotency-key': 'third' });
    const problem = expectProblem(refused, 429, 'QUOTA_EXCEEDED');
    expect(problem).toMatchObject({
      key: 'alice',
      exceeded: [{ quota: 'maxQueuedTrials', limit: 50, inUse: 40, sweep: 20 }],
    });
    expect(problem.detail).toBe(
      'API key alice may have at most 50 trials queued (maxQueuedTrials): its live sweeps have 40 and this sweep has 20 to run. Nothing was written: submit again once enough of its trials have finished, or cancel one of its sweeps',
    );
    expect(refused.headers['retry-after']).toBeUndefined();
    // No sweep, no job, no Idempotency-Key claim: the same request may come again.
    expect(await keysUnder(redis, prefix)).toEqual(before);
    expect(await jobs(app)).toBe(jobsBefore);
    expect(await app.seedsweep.store.countSweeps()).toBe(2);

    // A cancelled sweep no longer counts...
    const cancel = await app.inject({
      method: 'DELETE',
      url: `/v1/sweeps/${first}`,
      headers: { authorization: `Bearer ${ALICE}` },
    });
    expect(cancel.statusCode).toBe(200);
    await submitted(app, ALICE, sweep(20, 10));
    expectProblem(await post(app, ALICE, sweep(30, 10)), 429, 'QUOTA_EXCEEDED');
    // ...nor do finished trials.
    const finished = await app.seedsweep.store.sweepTrialKeys(second);
    await app.seedsweep.store.importResults(finished.map(result));
    await submitted(app, ALICE, sweep(30, 10));
    // A sweep with nothing left to run adds nothing: it is never refused.
    await submitted(app, ALICE, sweep(10, 10));
  });

  it('refuses a sweep over the quota by itself with 422: no wait would make it fit', async () => {
    const app = await start();
    const before = await keysUnder(redis, prefix);
    const problem = expectProblem(await post(app, ALICE, sweep(0, 30)), 422, 'SWEEP_OVER_QUOTA');
    expect(problem).toMatchObject({
      key: 'alice',
      exceeded: [{ quota: 'maxQueuedTrials', limit: 50, sweep: 60 }],
    });
    expect(problem.detail).toBe(
      "this sweep alone exceeds the quota of API key alice: it has 60 trials to run, more than the 50 the key may have queued (maxQueuedTrials). Split the sweep, or raise the key's quota",
    );
    expect(await keysUnder(redis, prefix)).toEqual(before);
  });

  it('admits exactly as many concurrent submissions as fit, across two API replicas', async () => {
    const replicas = [await start(), await start()];
    // dave may have 55 trials queued: five 10-trial sweeps fit, a sixth would not.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(replicas[i % 2]!, DAVE, sweep(i * 5, 5))),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    for (const answer of answers.filter((a) => a.statusCode === 429)) {
      expect(answer.json()).toMatchObject({ exceeded: [{ limit: 55, inUse: 50, sweep: 10 }] });
    }
    expect(await replicas[0]!.seedsweep.store.countSweeps()).toBe(5);
    expect(await jobs(replicas[0]!)).toBe(50);
  });
});

describe('the default quotas', () => {
  it("refuse 100,000 trials of 100,000 epochs, and admit the paper's grid and the smoke sweep", async () => {
    const app = await buildApp({
      redis,
      prefix,
      maxTrials: 100_000,
      maxBodyBytes: 64 * 1024,
      logger: false,
      auth: { mode: 'keys', keys: [{ key: CAROL, role: 'write' }] },
    });
    apps.push(app);
    const huge = `name: huge
regions: [East, West]
seeds: {from: 0, to: 4999}
randomout: {tau: [1e-4, 1e-6, 1e-8], activePercent: [10, 50, 90]}
training: {epochs: 100000}
`;
    const problem = expectProblem(await post(app, CAROL, huge), 422, 'SWEEP_OVER_QUOTA');
    expect(problem).toMatchObject({
      exceeded: [{ quota: 'maxCoreHours', limit: 1_000, sweep: expect.any(Number) }],
    });
    expect((problem.exceeded as { sweep: number }[])[0]!.sweep).toBeGreaterThan(200_000);
    expect(await app.seedsweep.store.countSweeps()).toBe(0);
    for (const example of ['paper-fig3-standardised.yaml', 'smoke.yaml']) {
      const text = await readFile(new URL(`../../../examples/${example}`, import.meta.url), 'utf8');
      await submitted(app, CAROL, text);
    }
  }, 60_000);
});

describe('the core-hours quota', () => {
  it('counts the dry run’s upper estimate of each sweep, and refuses what would pass the limit', async () => {
    const app = await start();
    // 10 East trials of 100 epochs: 50 core-seconds, about 0.0139 core-hours; bob may have 0.02.
    const body = sweep(0, 5, { epochs: 100 });
    const plan = await post(app, BOB, body, { 'x-dry-run': '1' });
    const estimate = plan.json<{ coreHours: { max: number } }>().coreHours.max;
    expect(estimate).toBeCloseTo(50 / 3600, 10);
    await submitted(app, BOB, body);
    const problem = expectProblem(
      await post(app, BOB, sweep(5, 5, { epochs: 100 })),
      429,
      'QUOTA_EXCEEDED',
    );
    expect(problem).toMatchObject({
      key: 'bob',
      exceeded: [{ quota: 'maxCoreHours', limit: 0.02, inUse: 0.0139, sweep: 0.0139 }],
    });
    expect(problem.detail).toContain(
      'API key bob may have at most 0.02 core-hours pending (maxCoreHours): its live sweeps need 0.0139 and this sweep up to 0.0139',
    );
    // Half the first sweep's trials done: half its estimate is still pending, and a sweep of
    // 0.00556 core-hours fits beside it.
    const id = (await app.seedsweep.store.listSweeps())[0]!.id;
    const trials = await app.seedsweep.store.sweepTrialKeys(id);
    await app.seedsweep.store.importResults(trials.slice(0, 5).map(result));
    await submitted(app, BOB, sweep(5, 2, { epochs: 100 }));
  });
});

describe('/metrics', () => {
  it('shows each read-write key’s usage, workers held and limits, labelled by its name', async () => {
    const app = await start();
    await submitted(app, ALICE, sweep(0, 10, { epochs: 10 }));
    await submitted(app, CAROL, sweep(100, 2));
    const holds = new WorkerHolds(redis, app.seedsweep.store.keys);
    await holds.take('alice', 'some-job', 60_000);
    const response = await app.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${READER}` },
    });
    expect(response.statusCode).toBe(200);
    const value = (metric: string, key: string) => {
      const line = response.body.split('\n').find((l) => l.startsWith(`${metric}{key="${key}"}`));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };
    expect(value('seedsweep_key_queued_trials', 'alice')).toBe(20);
    expect(value('seedsweep_key_queued_trials_limit', 'alice')).toBe(50);
    expect(value('seedsweep_key_pending_core_hours', 'alice')).toBeCloseTo(
      (20 * 10 * 0.05) / 3600,
      10,
    );
    expect(value('seedsweep_key_pending_core_hours_limit', 'alice')).toBe(100);
    expect(value('seedsweep_key_workers_held', 'alice')).toBe(1);
    expect(value('seedsweep_key_workers_limit', 'alice')).toBe(2);
    expect(value('seedsweep_key_queued_trials', CAROL_ID)).toBe(4);
    expect(value('seedsweep_key_workers_held', CAROL_ID)).toBe(0);
    expect(value('seedsweep_key_queued_trials', 'bob')).toBe(0);
    expect(value('seedsweep_key_pending_core_hours_limit', 'bob')).toBe(0.02);
    // A read-only key submits nothing: it has no quotas to show.
    expect(response.body).not.toContain('key="grafana"');
  });
});
