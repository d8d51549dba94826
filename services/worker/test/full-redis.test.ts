import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fillRedis,
  startPrivateRedis,
  unfillRedis,
  type PrivateRedis,
} from '@seedsweep/redis-fixture';
import { isRedisOutOfMemory, SweepStore } from '@seedsweep/store';
import { parseSweepDefinition, planSweep } from '@seedsweep/sweep-spec';
import { RegionData } from '../src/region-data.js';
import { TrialRunner } from '../src/trial-runner.js';

// Filling Redis up is for a server of this file's own.
let server: PrivateRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startPrivateRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.close();
});

const [baseline, cell] = planSweep(
  parseSweepDefinition({
    name: 'full',
    regions: ['Center'],
    seeds: [3],
    randomout: { tau: [10], activePercent: [100] },
    training: { epochs: 1 },
    dataset: { size: 8 },
  }),
).trials;

/** A runner on the private server whose warnings call `onWarn`. */
function runner(onWarn: (message: string) => void, fullRedisRetryMs?: number[]) {
  const lines = new Writable({
    write(chunk: Buffer, _encoding, done) {
      onWarn((JSON.parse(chunk.toString()) as { msg: string }).msg);
      done();
    },
  });
  return new TrialRunner({
    store: new SweepStore({ redis, prefix: 'full' }),
    regions: new RegionData({
      dataDir: process.env.CRATER_DATA_DIR,
      dataUrl: undefined,
      cacheRoot: '/nonexistent',
    }),
    workerName: 'test',
    log: pino({ level: 'warn' }, lines),
    jobExists: async () => false,
    ...(fullRedisRetryMs && { fullRedisRetryMs }),
  });
}

function job(data: unknown) {
  return {
    data,
    attemptsMade: 0,
    updateProgress: async () => {},
    moveToDelayed: async () => {},
  };
}

describe('a worker whose Redis is full', () => {
  it('holds a trained result until Redis has room, then writes it once', async () => {
    await fillRedis(redis);
    const warnings: string[] = [];
    const trial = runner((message) => {
      warnings.push(message);
      // An operator makes room after the first refusal.
      if (warnings.length === 1) void unfillRedis(redis);
    });
    const outcome = await trial.run(job(baseline));
    expect(warnings[0]).toBe('Redis is full: holding the result until it has room');
    expect(outcome).toMatchObject({ key: baseline!.key, written: true, skipped: false });
    expect(await redis.hexists(`full:trial:${baseline!.key}`, 'result')).toBe(1);
  });

  it('fails the attempt with the OOM error once its pauses are used up, so BullMQ retries it', async () => {
    await fillRedis(redis);
    const warnings: string[] = [];
    const error = await runner((message) => warnings.push(message), [10, 10])
      .run(job(cell))
      .catch((e: unknown) => e);
    await unfillRedis(redis);
    expect(isRedisOutOfMemory(error)).toBe(true);
    expect(warnings.filter((w) => w.startsWith('Redis is full'))).toHaveLength(2);
    expect(await redis.hexists(`full:trial:${cell!.key}`, 'result')).toBe(0);
  });
});
