import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import type { TrialRecord } from '@seedsweep/store';
import {
  DEFAULT_SECONDS_PER_EPOCH,
  parseSweepText,
  planSweep,
  type SweepPlan,
} from '@seedsweep/sweep-spec';
import { buildApp } from '../src/app.js';
import { expectProblem, keysUnder } from './problem-expectations.js';

/** POST /v1/sweeps?dryRun=true: a plan and its cost, read from Redis, with nothing written. */

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('api-plan');
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  app = await buildApp({
    redis,
    prefix,
    maxTrials: 100_000,
    maxBodyBytes: 64 * 1024,
    logger: false,
    auth: { mode: 'off' },
  });
  // BullMQ writes its queue's metadata key once connected; count keys only after that.
  await app.seedsweep.queue.waitUntilReady();
});
afterAll(async () => {
  await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

/** East, 3 seeds, tau 1e-8 and 1e-4 x P 30 and 60 of 10 epochs: 3 baselines, 12 RandomOut. */
const sweep = (epochs = 10, seeds = '[0, 1, 2]') => `name: plan
regions: [East]
seeds: ${seeds}
randomout: {tau: [1e-8, 1e-4], activePercent: [30, 60]}
training: {epochs: ${epochs}}
`;

function dryRun(body: string, query = 'dryRun=true', contentType = 'application/yaml') {
  return app.inject({
    method: 'POST',
    url: `/v1/sweeps?${query}`,
    headers: { 'content-type': contentType },
    payload: body,
  });
}

/** A baseline's stored result, its smallest |CGN| per epoch as given. */
function baselineRecord(key: string, minAbsCgn: number[], durationMs = 5000): TrialRecord {
  return {
    key,
    testAccuracy: 0.9,
    majorityRate: 0.625,
    testCount: 611,
    trainLoss: minAbsCgn.map(() => 0.4),
    epochsRun: minAbsCgn.length,
    diverged: false,
    divergedAtEpoch: null,
    reinitializations: { total: 0, conv1: 0, conv2: 0, perEpoch: [] },
    minAbsCgn,
    minAbsSumCgn: minAbsCgn,
    weightsHash: `w-${key.slice(0, 8)}`,
    engine: 'wasm',
    versions: {},
    durationMs,
    worker: 'test:1',
    attempt: 1,
    finishedAt: '2026-01-01T00:00:00.000Z',
  };
}

function planOf(text: string): SweepPlan {
  return planSweep(parseSweepText(text, 'yaml'));
}

describe('POST /v1/sweeps?dryRun=true', () => {
  it('answers with the trials, groups and cost, and writes nothing', async () => {
    const before = await keysUnder(redis, prefix);
    const response = await dryRun(sweep());
    expect(response.statusCode, response.body).toBe(200);
    const plan = response.json();
    expect(plan).toMatchObject({
      dryRun: true,
      name: 'plan',
      trials: 15,
      formula: expect.stringContaining('seeds 3'),
      groups: [{ id: 'East', region: 'East', seeds: 3, cells: 4 }],
      stored: 0,
      toRun: 15,
      trainedInFull: 3,
      derived: 0,
      resumed: 0,
      unknown: 12,
      epochs: { min: 30, max: 150 },
      workers: { workers: 1, slots: expect.any(Number), assumption: expect.any(String) },
      secondsPerEpoch: [
        { region: 'East', seconds: DEFAULT_SECONDS_PER_EPOCH.East, source: 'default', results: 0 },
      ],
    });
    expect(plan.coreHours.max).toBeCloseTo((150 * DEFAULT_SECONDS_PER_EPOCH.East) / 3600, 9);
    expect(plan.workers.assumption).toMatch(/WORKER_CONCURRENCY/);
    expect(await keysUnder(redis, prefix)).toEqual(before);
    // Nor is the sweep listed.
    expect((await app.inject({ url: '/v1/sweeps' })).json()).toMatchObject({ total: 0 });
  });

  it('the estimate scales with epochs and trials, and wall time with workers', async () => {
    const base = (await dryRun(sweep(10), 'dryRun=true&concurrency=1')).json();
    const longer = (await dryRun(sweep(30), 'dryRun=true&concurrency=1')).json();
    const wider = (await dryRun(sweep(10, '{from: 0, to: 8}'), 'dryRun=true&concurrency=1')).json();
    expect(longer.coreHours.max).toBeCloseTo(3 * base.coreHours.max, 9);
    expect(wider.trials).toBe(45);
    expect(wider.coreHours.max).toBeCloseTo(3 * base.coreHours.max, 9);
    const three = (await dryRun(sweep(10), 'dryRun=true&workers=3&concurrency=1')).json();
    expect(three.workers).toMatchObject({ workers: 3, trialsPerWorker: 1, slots: 3 });
    expect(three.workers.assumption).toBe('3 workers × 1 trial at a time');
    expect(three.wallHours.max).toBeCloseTo(base.wallHours.max / 3, 9);
    expect(three.coreHours).toEqual(base.coreHours);
  });

  it('with baselines done, says which RandomOut trials are derived and resumed', async () => {
    const text = sweep();
    const [group] = planOf(text).groups;
    // Seed 2's baseline (the third) is not done: its trials are unknown.
    const [b0, b1] = group!.baseline;
    // Seed 0: |CGN| 1e-6 in every epoch: tau 1e-8 never fires (derived), 1e-4 at once (full).
    await app.seedsweep.store.writeResult(baselineRecord(b0!, Array(10).fill(1e-6)));
    // Seed 1: 1e-2 until epoch 4: tau 1e-4 may first fire in epoch 4, active only with P 60.
    const late = [...Array(4).fill(1e-2), ...Array(6).fill(1e-6)];
    await app.seedsweep.store.writeResult(baselineRecord(b1!, late));
    const before = await keysUnder(redis, prefix);
    const plan = (await dryRun(text)).json();
    expect(plan).toMatchObject({
      trials: 15,
      stored: 2,
      toRun: 13,
      derived: 5,
      resumed: 1,
      trainedInFull: 3,
      unknown: 4,
      epochs: { min: 36, max: 76 },
    });
    expect(await keysUnder(redis, prefix)).toEqual(before);
  });

  it("measures seconds per epoch from the deployment's trained results once there are enough", async () => {
    // Five West baselines of another sweep, trained here at 2, 3, 4, 5 and 6 s per epoch.
    const other = planOf(sweep(10, '[0, 1, 2, 3, 4]').replace('[East]', '[West]'));
    const durations = [20_000, 30_000, 40_000, 50_000, 60_000];
    for (const [i, key] of other.groups[0]!.baseline.entries()) {
      await app.seedsweep.store.writeResult(
        baselineRecord(key, Array(10).fill(1e-2), durations[i]),
      );
    }
    // Trained results of this deployment are found through its sweeps: submit the other one.
    const submitted = await app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { 'content-type': 'application/yaml' },
      payload: sweep(10, '[0, 1, 2, 3, 4]').replace('[East]', '[West]'),
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const plan = (await dryRun(sweep(20, '[10, 11]').replace('[East]', '[East, West]'))).json();
    expect(plan.secondsPerEpoch).toEqual([
      { region: 'East', seconds: DEFAULT_SECONDS_PER_EPOCH.East, source: 'default', results: 0 },
      { region: 'West', seconds: 4, source: 'measured', results: 5 },
    ]);
  });

  it('a 60,000-trial sweep shows its cost before anything is enqueued', async () => {
    const before = await keysUnder(redis, prefix);
    const big = `name: big
regions: [East, West]
seeds: {from: 0, to: 999}
randomout: {tau: [1e-4, 1e-6, 1e-8], activePercent: [10, 30, 50, 70, 90]}
training: {epochs: 150, learningRate: [0.01, 0.05]}
`;
    const response = await dryRun(big, 'dryRun=true&workers=10&concurrency=2');
    expect(response.statusCode, response.body).toBe(200);
    const plan = response.json();
    expect(plan.trials).toBe(64_000);
    expect(plan.toRun).toBe(64_000);
    expect(plan.coreHours.max).toBeGreaterThan(1000);
    expect(plan.wallHours.max).toBeCloseTo(plan.coreHours.max / 20, 6);
    expect(await keysUnder(redis, prefix)).toEqual(before);
  });

  it('refuses what a submission refuses, with the line of a YAML error, writing nothing', async () => {
    const before = await keysUnder(redis, prefix);
    const syntax = expectProblem(await dryRun('name: x\nregions: [East\n'), 400, 'MALFORMED_BODY');
    expect(syntax.detail).toMatch(/line \d+/);
    expectProblem(await dryRun(sweep().replace('epochs: 10', 'epochs: 0')), 422, 'INVALID_SWEEP');
    expectProblem(await dryRun(sweep(10, '{from: 0, to: 99999}')), 422, 'SWEEP_TOO_LARGE');
    expectProblem(await dryRun(sweep(), 'dryRun=maybe'), 400, 'INVALID_REQUEST');
    expectProblem(await dryRun(sweep(), 'dryRun=true&workers=0'), 400, 'INVALID_REQUEST');
    expectProblem(await dryRun(sweep(), 'workers=2'), 400, 'INVALID_REQUEST');
    expect(await keysUnder(redis, prefix)).toEqual(before);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json();
    const post = doc.paths['/v1/sweeps'].post;
    expect(post.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['dryRun', 'workers', 'concurrency']),
    );
    expect(JSON.stringify(post.responses['200'])).toContain('coreHours');
  });
});
