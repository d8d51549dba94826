import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, startPrivateRedis, uniquePrefix } from '@seedsweep/redis-fixture';
import { freePort } from '@seedsweep/redis-server';

/** The built API as its image and `pnpm start` run it (`pnpm build` first). */
const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
const prefix = uniquePrefix('api-main');
const KEY = 'main-test-key-0123456789';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-api-main-'));
});
afterAll(async () => {
  const redis = new Redis(inject('redisUrl'));
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: inject('redisUrl'),
      SEEDSWEEP_PREFIX: prefix,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function run(env: Record<string, string>): Promise<Exit> {
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH, SEEDSWEEP_PREFIX: prefix, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

async function ready(url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/readyz`).catch(() => null);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the API did not become ready: ${output()}`);
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

/** The pino lines of a run, parsed. */
const logLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the API at start-up', () => {
  it('refuses to start without API keys: one line, exit code 2', async () => {
    const exit = await run({ REDIS_URL: inject('redisUrl') });
    expect(exit.code).toBe(2);
    expect(exit.stdout).toBe('');
    expect(exit.stderr).toBe(
      'api: no API keys: set API_KEYS or API_KEYS_FILE, or AUTH=off to run without authentication\n',
    );
  });

  it('refuses a bad key entry in one line that does not quote it', async () => {
    const exit = await run({ API_KEYS: `${KEY},read:shortkey99` });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toBe(
      'api: API_KEYS entry 2: the key has 10 characters; a key needs at least 16\n',
    );
  });

  it('refuses a Redis that may evict: one line naming the policy, exit code 2', async () => {
    const server = await startPrivateRedis({
      args: ['--maxmemory', '100mb', '--maxmemory-policy', 'allkeys-lru'],
    });
    try {
      const exit = await run({ REDIS_URL: server.url, AUTH: 'off' });
      expect(exit.code).toBe(2);
      const lines = exit.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^api: Redis has maxmemory 104857600 bytes with maxmemory-policy allkeys-lru: .*noeviction/,
      );
    } finally {
      await server.close();
    }
  });

  it('with AUTH=off, warns that anyone can submit, logs the Redis report and serves', async () => {
    const port = await freePort();
    const api = start({ AUTH: 'off', PORT: String(port) });
    try {
      await ready(`http://127.0.0.1:${port}`, api.output);
      expect((await fetch(`http://127.0.0.1:${port}/v1/sweeps`)).status).toBe(200);
    } finally {
      expect(await stop(api.child)).toBe(0);
    }
    const lines = logLines(api.output());
    const warning = lines.filter((l) => l.auth === 'off');
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatchObject({ level: 40, host: '127.0.0.1', port });
    expect(warning[0]!.msg).toMatch(/^authentication is off \(AUTH=off\)/);
    const report = lines.find((l) => l.msg === 'Redis server checked');
    expect(report?.redis).toMatchObject({
      version: expect.stringMatching(/^\d+\.\d+/),
      maxmemory: expect.any(Number),
      maxmemoryPolicy: expect.any(String),
      appendOnly: expect.any(Boolean),
    });
  });

  it('with API_KEYS_FILE, needs a key on /v1 and says how many keys it loaded', async () => {
    const file = path.join(dir, 'api-keys');
    await writeFile(file, `# test keys\n${KEY}\nread:read-only-key-0123456789\n`);
    const port = await freePort();
    const api = start({ API_KEYS_FILE: file, PORT: String(port) });
    const url = `http://127.0.0.1:${port}`;
    try {
      await ready(url, api.output);
      const refused = await fetch(`${url}/v1/sweeps`);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const allowed = await fetch(`${url}/v1/sweeps`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      expect(allowed.status).toBe(200);
    } finally {
      expect(await stop(api.child)).toBe(0);
    }
    const loaded = logLines(api.output()).find((l) => l.msg === 'API keys loaded');
    expect(loaded).toMatchObject({ keys: 2, readOnly: 1, rateLimitPerMinute: 1200 });
    expect(api.output()).not.toContain(KEY);
  });
});
