import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@seedsweep/redis-fixture';
import { freePort } from '@seedsweep/redis-server';
import {
  containerArgv,
  containerEnvironment,
  finalStage,
  IMAGE_WORKDIR,
  loadCompose,
  loadDockerfile,
  loadEnvExample,
  APP_ROOT,
  ROLES,
  type ComposeService,
  type Role,
} from './compose-file.js';

/**
 * The api, aggregator and worker services of docker-compose.yml as their containers run them:
 * the image's command and ENV, compose's `command:` and `environment:` interpolated from
 * .env.example, /app being the repository root (or SEEDSWEEP_APP_ROOT). Only what cannot be the
 * same outside Docker differs: Redis's address (a private redis-server started with the compose
 * file's options), ports that would clash on one host, loopback instead of every interface, a
 * temporary cache directory and the local copy of the dataset (CRATER_DATA_DIR), so nothing is
 * downloaded.
 */
const envExample = loadEnvExample();
const services = loadCompose(envExample).resolved.services;
const runtime = finalStage(loadDockerfile());
const apiKey = envExample.get('SEEDSWEEP_API_KEY')!;

let redis: PrivateRedis;
let scratch: string;
let apiPort: number;
const envs = new Map<Role | 'cli', NodeJS.ProcessEnv>();
const running = new Map<Role, RoleProcess>();

interface RoleProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  log: string;
}

function service(name: string): ComposeService {
  return services[name]!;
}

/** Paths under the image's WORKDIR are the repository's; `node` is this Node.js. */
function hostArgv(argv: string[]): [string, string[]] {
  const mapped = argv.map((arg) =>
    arg.startsWith(`${IMAGE_WORKDIR}/`)
      ? path.join(APP_ROOT, arg.slice(IMAGE_WORKDIR.length))
      : arg,
  );
  expect(mapped[0]).toBe('node');
  return [process.execPath, mapped.slice(1)];
}

/** The container's environment with the few host-specific replacements described above. */
function hostEnvironment(name: Role | 'cli', ports: { health: number }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...containerEnvironment(service(name), runtime) };
  if (env.REDIS_URL !== undefined) {
    expect(env.REDIS_URL).toContain('@redis:6379');
    env.REDIS_URL = env.REDIS_URL.replace('@redis:6379', `@127.0.0.1:${redis.server.port}`);
  }
  if (env.SEEDSWEEP_URL !== undefined) {
    expect(env.SEEDSWEEP_URL).toBe('http://api:8080');
    env.SEEDSWEEP_URL = `http://127.0.0.1:${apiPort}`;
  }
  if (name === 'api') env.PORT = String(apiPort);
  // 0.0.0.0 in a container is its own network; here, loopback.
  if (env.HOST !== undefined) env.HOST = '127.0.0.1';
  env.HEALTH_HOST = '127.0.0.1';
  env.HEALTH_PORT = String(ports.health);
  expect(env.SEEDSWEEP_CACHE_DIR).toBe('/var/cache/seedsweep');
  env.SEEDSWEEP_CACHE_DIR = path.join(scratch, 'cache');
  env.CRATER_DATA_DIR = process.env.CRATER_DATA_DIR;
  env.PATH = process.env.PATH; // the image's own PATH finds its node
  return env;
}

function start(role: Role): RoleProcess {
  const [bin, args] = hostArgv(containerArgv(service(role), runtime));
  const log = path.join(scratch, `${role}.log`);
  const fd = openSync(log, 'a');
  try {
    // A process group of its own, so that afterAll can end its trial processes too.
    const child = spawn(bin, args, {
      cwd: APP_ROOT,
      env: envs.get(role),
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const exited = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    return { child, exited, log };
  } finally {
    closeSync(fd);
  }
}

/** The image's HEALTHCHECK command, run as Docker runs it: exit code 0 is healthy. */
async function healthcheck(env: NodeJS.ProcessEnv): Promise<number | null> {
  const [bin, args] = hostArgv(service('api').healthcheck!.test!.slice(1) as string[]);
  const child = spawn(bin, args, { cwd: APP_ROOT, env, stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

async function untilHealthy(role: Role, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await healthcheck(envs.get(role)!)) !== 0) {
    const proc = running.get(role)!;
    if (proc.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`${role} is not healthy:\n${readFileSync(proc.log, 'utf8').slice(-3000)}`);
    }
    await sleep(200);
  }
}

function api(pathname: string, init: RequestInit = {}, key: string | null = apiKey) {
  const headers = new Headers(init.headers);
  if (key !== null) headers.set('authorization', `Bearer ${key}`);
  return fetch(`http://127.0.0.1:${apiPort}${pathname}`, { ...init, headers });
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-compose-'));
  // Redis with the options of its compose service (requirepass, AOF, noeviction, maxmemory).
  const redisCommand = service('redis').command as string[];
  expect(redisCommand[0]).toBe('redis-server');
  redis = await startPrivateRedis({ appendOnly: true, args: redisCommand.slice(1) });
  apiPort = await freePort();
  for (const name of [...ROLES, 'cli'] as const) {
    envs.set(name, hostEnvironment(name, { health: await freePort() }));
  }
  // Compose starts them together once Redis is healthy; each waits for what it needs.
  for (const role of ROLES) running.set(role, start(role));
  await Promise.all(ROLES.map((role) => untilHealthy(role)));
});

afterAll(async () => {
  for (const proc of running.values()) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      process.kill(-proc.child.pid!, 'SIGKILL');
      await proc.exited;
    }
  }
  await redis?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the compose services, run as their containers would be', () => {
  it("Redis's health check logs in with REDISCLI_AUTH, and fails with a wrong password", () => {
    const test = service('redis').healthcheck!.test as string[];
    expect(test[0]).toBe('CMD-SHELL');
    // The container's redis-cli finds Redis on its default port; here, on the private one.
    const command = test[1]!.replace('redis-cli', `redis-cli -p ${redis.server.port}`);
    const check = (auth: string) =>
      spawnSync('sh', ['-c', command], { env: { PATH: process.env.PATH, REDISCLI_AUTH: auth } })
        .status;
    expect(check(String(service('redis').environment!.REDISCLI_AUTH))).toBe(0);
    expect(check('not-the-password')).not.toBe(0);
  });

  it('each role is healthy by the image HEALTHCHECK; the worker and the aggregator are ready', async () => {
    for (const role of ROLES) expect(await healthcheck(envs.get(role)!)).toBe(0);
    for (const role of ['worker', 'aggregator'] as const) {
      const response = await fetch(`http://127.0.0.1:${envs.get(role)!.HEALTH_PORT}/readyz`);
      expect(response.status).toBe(200);
    }
    // The API is checked on PORT: nothing listens on its HEALTH_PORT.
    expect(await healthcheck({ ...envs.get('api'), PORT: envs.get('api')!.HEALTH_PORT })).toBe(1);
  });

  it('runs a sweep through them over HTTP with the API key of .env.example', async () => {
    expect((await api('/v1/sweeps', {}, null)).status).toBe(401);
    const sweep = {
      name: 'compose-roles',
      regions: ['East'],
      seeds: [0],
      randomout: { tau: [0.1], activePercent: [100] },
      training: { epochs: 2 },
    };
    const submitted = await api('/v1/sweeps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sweep),
    });
    const body = (await submitted.json()) as { id: string; trials: number; enqueued: number };
    expect(submitted.status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ trials: 2, enqueued: 2 });

    // The cli service follows it to its end: `docker compose run --rm cli status <id> --watch`.
    const [bin, args] = hostArgv(
      containerArgv(service('cli'), runtime, ['status', body.id, '--watch']),
    );
    const cli = spawn(bin, args, {
      cwd: APP_ROOT,
      env: envs.get('cli'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => cli.kill('SIGKILL'), 150_000);
    const [code] = (await once(cli, 'exit')) as [number | null];
    clearTimeout(timer);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain(`sweep ${body.id} "compose-roles": done`);

    const status = (await (await api(`/v1/sweeps/${body.id}`)).json()) as {
      state: string;
      counts: { done: number; failed: number };
    };
    expect(status).toMatchObject({ state: 'done', counts: { done: 2, failed: 0 } });

    // The aggregator draws the grid within its debounce of the last result.
    const deadline = Date.now() + 20_000;
    let grid = await api(`/v1/sweeps/${body.id}/grid`);
    while (grid.status === 503 && Date.now() < deadline) {
      await sleep(100);
      grid = await api(`/v1/sweeps/${body.id}/grid`);
    }
    expect(grid.status).toBe(200);
    const { grid: cells } = (await grid.json()) as {
      grid: { groups: { cells: { n: number; meanAccuracy: number }[][] }[] };
    };
    expect(cells.groups).toHaveLength(1);
    expect(cells.groups[0]!.cells[0]![0]!.n).toBe(1);
    expect(cells.groups[0]!.cells[0]![0]!.meanAccuracy).toBeGreaterThan(0);
  }, 180_000);

  it('each role exits 0 on SIGTERM (sent to its main process, as Docker does)', async () => {
    for (const role of ROLES) {
      const proc = running.get(role)!;
      proc.child.kill('SIGTERM');
      const exit = await proc.exited;
      expect(exit, readFileSync(proc.log, 'utf8').slice(-3000)).toEqual({ code: 0, signal: null });
      expect(await healthcheck(envs.get(role)!)).toBe(1);
    }
  }, 60_000);
});
