import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis } from '@seedsweep/redis-fixture';
import { freePort } from '@seedsweep/redis-server';
import { childProcesses } from '../child-processes.js';

/**
 * `seedsweep start` as a user runs it, with a piece of its stack dying under it: it must stop
 * every child it started, say why, and exit, whatever Redis does.
 */
const cli = path.resolve('apps/cli/dist/main.js');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-start-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Start {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; at: number }>;
}

async function start(env: Record<string, string> = {}): Promise<Start> {
  const cwd = await mkdtemp(path.join(dir, 'cwd-'));
  // Its own redis-server unless the test gives one.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'REDIS_URL'),
  );
  const child = spawn(process.execPath, [cli, 'start', '--port', String(await freePort())], {
    cwd,
    env: {
      ...inherited,
      SEEDSWEEP_CACHE_DIR: path.join(dir, 'cache'),
      WORKERS: '1',
      WORKER_CONCURRENCY: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => ({
    code: code as number | null,
    at: Date.now(),
  }));
  const until = Date.now() + 60_000;
  while (!text.includes('seedsweep is running')) {
    if (Date.now() > until || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`seedsweep start did not come up:\n${text}`);
    }
    await sleep(100);
  }
  return { child, output: () => text, exited };
}

/** Every process below `pid`, recursively (services, their trial processes, redis-server). */
function descendants(pid: number): { pid: number; name: string }[] {
  return childProcesses(pid).flatMap((p) => [{ pid: p.pid, name: p.name }, ...descendants(p.pid)]);
}

function alive(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}

async function bounded(started: Start, seconds: number) {
  const exit = await Promise.race([started.exited, sleep(seconds * 1000).then(() => null)]);
  if (!exit) started.child.kill('SIGKILL');
  return exit;
}

describe('seedsweep start', () => {
  it('stops every service and exits when its own redis-server dies', async () => {
    const started = await start();
    const children = descendants(started.child.pid!);
    const redis = children.find((p) => p.name === 'redis-server');
    expect(redis).toBeDefined();
    expect(children.filter((p) => p.name === 'node').length).toBeGreaterThanOrEqual(3);
    const at = Date.now();
    process.kill(redis!.pid, 'SIGKILL');
    const exit = await bounded(started, 30);
    expect(exit?.code).toBe(1);
    console.log(`start: exited ${((exit!.at - at) / 1000).toFixed(1)} s after its Redis died`);
    expect((exit!.at - at) / 1000).toBeLessThan(15);
    expect(started.output()).toContain('redis-server exited unexpectedly: stopping the services');
    await sleep(1_000);
    expect(alive(children.map((p) => p.pid))).toEqual([]);
  });

  it('on SIGTERM with its Redis (REDIS_URL) dead, stops every service and exits', async () => {
    const redis = await startPrivateRedis();
    const started = await start({ REDIS_URL: redis.url });
    const children = descendants(started.child.pid!);
    await redis.server.kill();
    await sleep(3_000);
    const at = Date.now();
    started.child.kill('SIGTERM');
    const exit = await bounded(started, 30);
    await redis.close();
    expect(exit).not.toBeNull();
    console.log(`start: exited ${((exit!.at - at) / 1000).toFixed(1)} s after SIGTERM`);
    expect((exit!.at - at) / 1000).toBeLessThan(15);
    await sleep(1_000);
    expect(alive(children.map((p) => p.pid))).toEqual([]);
  });

  it('says which service died, stops the others and exits 1', async () => {
    const started = await start();
    const children = descendants(started.child.pid!);
    const services = childProcesses(started.child.pid!).filter((p) => p.name === 'node');
    // The services start in order: api, aggregator, worker-1.
    const worker = services.sort((a, b) => a.pid - b.pid)[2]!;
    process.kill(worker.pid, 'SIGKILL');
    const exit = await bounded(started, 30);
    expect(exit?.code).toBe(1);
    expect(started.output()).toMatch(
      /worker-1 exited unexpectedly \(killed by SIGKILL\): stopping the other services/,
    );
    await sleep(1_000);
    expect(alive(children.map((p) => p.pid))).toEqual([]);
  });
});

describe('seedsweep run', () => {
  it('stops watching, stops its services and says which one died, instead of waiting for ever', async () => {
    const cwd = await mkdtemp(path.join(dir, 'run-'));
    await writeFile(
      path.join(cwd, 'long.yaml'),
      'name: long\nregions: [East]\nseeds: {from: 0, to: 9}\nrandomout: {tau: [0.1], activePercent: [50]}\ntraining: {epochs: 200}\n',
    );
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name !== 'REDIS_URL'),
    );
    const child = spawn(process.execPath, [cli, 'run', 'long.yaml'], {
      cwd,
      env: {
        ...inherited,
        SEEDSWEEP_CACHE_DIR: path.join(dir, 'cache'),
        SEEDSWEEP_URL: `http://127.0.0.1:${await freePort()}`,
        WORKERS: '1',
        WORKER_CONCURRENCY: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const exited = once(child, 'exit').then(([code]) => ({
      code: code as number | null,
      at: Date.now(),
    }));
    const until = Date.now() + 60_000;
    while (!text.includes('submitted sweep')) {
      if (Date.now() > until || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`seedsweep run did not submit:\n${text}`);
      }
      await sleep(100);
    }
    const children = descendants(child.pid!);
    const services = childProcesses(child.pid!).filter((p) => p.name === 'node');
    const worker = services.sort((a, b) => a.pid - b.pid)[2]!;
    const at = Date.now();
    process.kill(worker.pid, 'SIGKILL');
    const exit = await Promise.race([exited, sleep(30_000).then(() => null)]);
    if (!exit) child.kill('SIGKILL');
    expect(exit?.code).toBe(1);
    console.log(`run: exited ${((exit!.at - at) / 1000).toFixed(1)} s after its worker died`);
    expect(text).toMatch(/worker-1 exited unexpectedly \(killed by SIGKILL\)/);
    expect(text).toMatch(/worker-1 stopped unexpectedly .*\[LOCAL_SERVICE_STOPPED\]/);
    // The killed worker's trial process (idle-scheduled, training) leaves at its next epoch.
    const gone = Date.now() + 10_000;
    while (alive(children.map((p) => p.pid)).length > 0 && Date.now() < gone) await sleep(100);
    expect(children.filter((p) => alive([p.pid]).length > 0)).toEqual([]);
  });
});
