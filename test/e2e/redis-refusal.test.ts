import { spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@seedsweep/redis-fixture';

// The worker and the aggregator as their images run them; the API has its own start-up tests.
const services = ['worker', 'aggregator'] as const;
let server: PrivateRedis;
let admin: Redis;

beforeAll(async () => {
  server = await startPrivateRedis({ appendOnly: true });
  admin = new Redis(server.url);
});
afterAll(async () => {
  admin.disconnect();
  await server.close();
});

/** Runs a service until it exits by itself (or 20 s), with what it printed. */
function run(
  service: string,
  redisUrl = server.url,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [path.resolve(`services/${service}/dist/main.js`)], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: redisUrl,
      SEEDSWEEP_PREFIX: 'refusal',
      CRATER_DATA_DIR: process.env.CRATER_DATA_DIR,
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

describe('a Redis that may lose data', () => {
  it.each(services)(
    '%s refuses one that may evict, in one line, and writes nothing',
    async (service) => {
      await admin.config('SET', 'maxmemory', '512mb', 'maxmemory-policy', 'allkeys-lru');
      const before = await admin.dbsize();
      const { code, stderr } = await run(service);
      expect(code).toBe(2);
      expect(stderr).toMatch(
        new RegExp(
          `^${service}: Redis has maxmemory 536870912 bytes with maxmemory-policy allkeys-lru: .*noeviction.*\\n$`,
        ),
      );
      expect(await admin.dbsize()).toBe(before);
      await admin.config('SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction');
    },
  );

  it.each(services)(
    '%s refuses an AOF whose default user would drop transactions on replay',
    async (service) => {
      await admin.call('ACL', 'SETUSER', 'svc', 'on', '>pw', '~*', '&*', '+@all');
      await admin.call('ACL', 'SETUSER', 'default', 'resetchannels', '-@all');
      try {
        const { code, stderr } = await run(service, server.url.replace('//', '//svc:pw@'));
        expect(code).toBe(2);
        expect(stderr).toMatch(new RegExp(`^${service}: Redis's default user may not run EXEC`));
      } finally {
        const svc = new Redis(server.url.replace('//', '//svc:pw@'));
        await svc.call('ACL', 'SETUSER', 'default', 'on', 'nopass', '~*', '&*', '+@all');
        svc.disconnect();
      }
    },
  );
});
