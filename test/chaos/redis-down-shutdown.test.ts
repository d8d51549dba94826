import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrialQueue, TrialEnqueuer, trialJobId } from '@seedsweep/queue';
import { startPrivateRedis, type PrivateRedis } from '@seedsweep/redis-fixture';
import { freePort } from '@seedsweep/redis-server';
import { SweepStore } from '@seedsweep/store';
import { parseSweepDefinition, planSweep } from '@seedsweep/sweep-spec';
import { childProcesses } from '../child-processes.js';
import { readLogLines, type LogLine } from './log-lines.js';
import { ServiceProcess } from './service-process.js';

/**
 * Each role with its Redis SIGKILLed under it, then SIGTERM, as a rollout during a Redis outage
 * does it: every service must exit within its bound, say in one line what it left, and log the
 * outage once rather than once per reconnection attempt.
 */
const PREFIX = 'down';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-redis-down-'));
});
afterAll(async () => {
  if (!process.env.CHAOS_KEEP) await rm(dir, { recursive: true, force: true });
});

const main = (role: string) => path.resolve(`services/${role}/dist/main.js`);

function start(role: string, redis: PrivateRedis, extra: Record<string, string> = {}) {
  return ServiceProcess.start(
    role,
    main(role),
    {
      ...process.env,
      REDIS_URL: redis.url,
      SEEDSWEEP_PREFIX: PREFIX,
      SEEDSWEEP_CACHE_DIR: path.join(dir, 'cache'),
      LOG_LEVEL: 'info',
      ...extra,
    },
    path.join(dir, `${role}-${Date.now()}.log`),
  );
}

async function logged(service: ServiceProcess, message: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const lines = await readLogLines([service.logFile]);
    if (lines.some((line) => line.msg === message)) return;
    if (!service.running) throw new Error(`${service.name} exited before logging "${message}"`);
    await sleep(100);
  }
  throw new Error(`${service.name} did not log "${message}" within ${timeoutMs} ms`);
}

interface Shutdown {
  exitSeconds: number;
  code: number | null;
  lines: LogLine[];
  text: string;
}

/** Kills Redis, lets the service notice for `outageMs`, then SIGTERM; measures the exit. */
async function shutDownWithoutRedis(
  service: ServiceProcess,
  redis: PrivateRedis,
  outageMs = 3_000,
): Promise<Shutdown> {
  await redis.server.kill();
  await sleep(outageMs);
  const at = Date.now();
  service.signal('SIGTERM');
  // A service that never exits fails the test, not the suite: SIGKILL after 60 s.
  const exit = await Promise.race([service.exited, sleep(60_000).then(() => null)]);
  const exitSeconds = (Date.now() - at) / 1000;
  if (!exit) await service.kill();
  await redis.close();
  return {
    exitSeconds,
    code: exit?.code ?? null,
    lines: await readLogLines([service.logFile]),
    text: await readFile(service.logFile, 'utf8'),
  };
}

/** One line from the service's own process (its trial processes, in the same log, have theirs). */
function expectOneOutageLine(shutdown: Shutdown, name: string): void {
  expect(shutdown.text).not.toContain('Unhandled error event');
  const outage = shutdown.lines.filter(
    (l) => l.name === name && l.msg.startsWith('redis unreachable'),
  );
  expect(outage).toHaveLength(1);
}

describe('SIGTERM while Redis is dead', () => {
  it('the API exits within 10 s', async () => {
    const redis = await startPrivateRedis();
    const api = start('api', redis, { AUTH: 'off', PORT: String(await freePort()) });
    await waitForLine(api, /Server listening/);
    const shutdown = await shutDownWithoutRedis(api, redis);
    console.log(`api: exited ${shutdown.exitSeconds.toFixed(1)} s after SIGTERM`);
    expect(shutdown.code).not.toBeNull();
    expect(shutdown.exitSeconds).toBeLessThan(10);
    expect(shutdown.text).not.toContain('Unhandled error event');
  });

  it('the aggregator exits within 10 s and logs the outage once', async () => {
    const redis = await startPrivateRedis();
    const aggregator = start('aggregator', redis, { RECONCILE_SECONDS: '1' });
    await logged(aggregator, 'aggregator following results');
    const shutdown = await shutDownWithoutRedis(aggregator, redis);
    console.log(`aggregator: exited ${shutdown.exitSeconds.toFixed(1)} s after SIGTERM`);
    expect(shutdown.code).not.toBeNull();
    expect(shutdown.exitSeconds).toBeLessThan(10);
    expectOneOutageLine(shutdown, 'aggregator');
  });

  it('an idle worker exits within 10 s', async () => {
    const redis = await startPrivateRedis();
    const worker = start('worker', redis, { WORKER_CONCURRENCY: '1', WORKER_GRACE_SECONDS: '60' });
    await logged(worker, 'worker ready');
    const shutdown = await shutDownWithoutRedis(worker, redis);
    console.log(`idle worker: exited ${shutdown.exitSeconds.toFixed(1)} s after SIGTERM`);
    expect(shutdown.code).not.toBeNull();
    expect(shutdown.exitSeconds).toBeLessThan(10);
    expectOneOutageLine(shutdown, 'worker');
  });

  it('a training worker lets its trial run for the grace period, then exits naming it, and its trial process goes too', async () => {
    const redis = await startPrivateRedis();
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => {});
    const store = new SweepStore({ redis: client, prefix: PREFIX });
    const queue = createTrialQueue({ connection: client, prefix: PREFIX });
    queue.on('error', () => {});
    const trial = planSweep(
      parseSweepDefinition({
        name: 'long',
        regions: ['East'],
        seeds: [5],
        randomout: { tau: [1e-8], activePercent: [50] },
        training: { epochs: 500 },
      }),
    ).trials[0]!;
    await new TrialEnqueuer(queue, store, client).enqueue([trial]);
    const graceSeconds = 4;
    const worker = start('worker', redis, {
      WORKER_CONCURRENCY: '1',
      WORKER_GRACE_SECONDS: String(graceSeconds),
      TRIAL_SCHEDULING: 'normal',
    });
    await logged(worker, 'trial started');
    await sleep(1_000);
    const trialProcesses = childProcesses(worker.pid).map((p) => p.pid);
    expect(trialProcesses.length).toBeGreaterThan(0);
    client.disconnect();
    const shutdown = await shutDownWithoutRedis(worker, redis, 2_000);
    console.log(`training worker: exited ${shutdown.exitSeconds.toFixed(1)} s after SIGTERM`);
    expect(shutdown.code).toBe(1);
    expect(shutdown.exitSeconds).toBeGreaterThanOrEqual(graceSeconds);
    expect(shutdown.exitSeconds).toBeLessThan(graceSeconds + 12);
    const abandoned = shutdown.lines.find((l) => l.msg.startsWith('shutdown deadline passed'));
    expect(abandoned?.abandoned).toMatchObject({
      unfinishedJobs: [trialJobId(trial.key)],
      redisDown: true,
    });
    expectOneOutageLine(shutdown, 'worker');
    // The trial process watches its IPC channel: it follows its worker out.
    await sleep(2_000);
    const alive = trialProcesses.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});

async function waitForLine(service: ServiceProcess, pattern: RegExp, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const lines = await readLogLines([service.logFile]);
    if (lines.some((line) => pattern.test(line.msg))) return;
    if (!service.running) throw new Error(`${service.name} exited before logging ${pattern}`);
    await sleep(100);
  }
  throw new Error(`${service.name} did not log ${pattern} within ${timeoutMs} ms`);
}
