import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { freePort } from '@seedsweep/redis-server';

const prefix = uniquePrefix('health');

afterAll(async () => {
  const redis = new Redis(inject('redisUrl'));
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

async function status(url: string): Promise<number | null> {
  return fetch(url).then(
    (r) => r.status,
    () => null,
  );
}

describe.each(['worker', 'aggregator'])('the %s with HEALTH_PORT', (service) => {
  it('answers /healthz and /readyz once it runs, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.resolve(`services/${service}/dist/main.js`)], {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: inject('redisUrl'),
        SEEDSWEEP_PREFIX: prefix,
        CRATER_DATA_DIR: process.env.CRATER_DATA_DIR,
        HEALTH_PORT: String(port),
        HEALTH_HOST: '127.0.0.1',
        WORKER_CONCURRENCY: '1',
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit');
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while ((await status(`${base}/readyz`)) !== 200 && Date.now() < deadline) await sleep(100);
    expect(await status(`${base}/readyz`)).toBe(200);
    expect(await status(`${base}/healthz`)).toBe(200);
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(await status(`${base}/healthz`)).toBeNull();
  });
});
