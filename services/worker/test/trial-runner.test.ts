import { UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { TrialProgress } from '@seedsweep/queue';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore } from '@seedsweep/store';
import { parseSweepDefinition, planSweep } from '@seedsweep/sweep-spec';
import { RegionData } from '../src/region-data.js';
import { TrialRunner } from '../src/trial-runner.js';

const redis = new Redis(inject('redisUrl'));
const prefix = uniquePrefix('runner');
const store = new SweepStore({ redis, prefix });
const runner = new TrialRunner({
  store,
  regions: new RegionData({
    dataDir: process.env.CRATER_DATA_DIR,
    dataUrl: undefined,
    cacheRoot: '/nonexistent',
  }),
  workerName: 'test',
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const [trial] = planSweep(
  parseSweepDefinition({
    name: 'runner',
    regions: ['East'],
    seeds: [5],
    randomout: { tau: [1e-8], activePercent: [50] },
    training: { epochs: 2, backend: 'wasm' },
  }),
).trials;

function job(data: unknown) {
  const progress: TrialProgress[] = [];
  return {
    progress,
    handle: {
      data,
      attemptsMade: 0,
      updateProgress: async (p: TrialProgress) => void progress.push(p),
    },
  };
}

describe('TrialRunner', () => {
  it('trains, reports every epoch, writes the result once, and skips a finished trial', async () => {
    const first = job({ key: trial!.key, spec: trial!.spec });
    const result = await runner.run(first.handle);
    expect(result).toMatchObject({ key: trial!.key, written: true, skipped: false });
    expect(first.progress.map((p) => p.epoch)).toEqual([1, 2]);
    const stored = await store.getResult(trial!.key);
    expect(stored).toMatchObject({
      testAccuracy: result.testAccuracy,
      epochsRun: 2,
      backend: 'wasm',
      testCount: 611,
    });
    expect(stored!.majorityRate).toBeCloseTo(382 / 611, 10);

    const second = job({ key: trial!.key, spec: trial!.spec });
    expect(await runner.run(second.handle)).toMatchObject({
      written: false,
      skipped: true,
      testAccuracy: result.testAccuracy,
    });
    expect(second.progress).toEqual([]);
  });

  it('refuses payloads no retry can fix', async () => {
    const cases: [unknown, RegExp][] = [
      [{ key: 'nope', spec: trial!.spec }, /key/],
      [{ key: '0'.repeat(64), spec: trial!.spec }, /is not its spec's/],
      [{ key: trial!.key }, /spec/],
    ];
    for (const [data, message] of cases) {
      const error = await runner.run(job(data).handle).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnrecoverableError);
      expect((error as Error).message).toMatch(message);
    }
    const otherVersion = { ...trial!.spec, trainerVersion: '0' };
    const { trialKey } = await import('@seedsweep/sweep-spec');
    const error = await runner
      .run(job({ key: trialKey(otherVersion), spec: otherVersion }).handle)
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toContain('trainer version 0');
  });
});
