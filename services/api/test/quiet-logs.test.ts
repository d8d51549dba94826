import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { buildApp } from '../src/app.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('api-quiet-logs');
const lines: { level: number; msg: string; code?: string }[] = [];
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as (typeof lines)[number]);
      }
      done();
    },
  });
  app = await buildApp({
    redis,
    prefix,
    maxTrials: 100,
    maxBodyBytes: 16 * 1024,
    logger: pino({ level: 'info' }, sink),
    auth: { mode: 'off' },
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe('a healthy sweep', () => {
  it('logs no error while its grid is not computed yet, which clients meet first', async () => {
    const submitted = await app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { 'content-type': 'application/json' },
      payload: {
        name: 'quiet',
        regions: ['East'],
        seeds: [0],
        randomout: { tau: 1e-8, activePercent: 60 },
        training: { epochs: 1 },
      },
    });
    expect(submitted.statusCode).toBe(201);
    const { id } = submitted.json<{ id: string }>();
    const grid = await app.inject({ method: 'GET', url: `/v1/sweeps/${id}/grid` });
    expect(grid.statusCode).toBe(503);
    expect(grid.json()).toMatchObject({ code: 'GRID_NOT_READY' });
    expect(lines.some((l) => l.code === 'GRID_NOT_READY' && l.level === 30)).toBe(true);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
