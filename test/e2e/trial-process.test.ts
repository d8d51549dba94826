import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import {
  bullPrefix,
  createTrialQueue,
  TRIAL_QUEUE,
  TrialEnqueuer,
  type TrialQueue,
} from '@seedsweep/queue';
import { SweepStore } from '@seedsweep/store';
import { parseSweepText, planSweep } from '@seedsweep/sweep-spec';
import { TRAINER_VERSION } from '@seedsweep/trainer';
import { ServiceProcess } from '../chaos/service-process.js';
import { childProcesses } from '../child-processes.js';

/**
 * The worker service as a deployment runs it, as a process of its own, with one long trial: how
 * its trial process is scheduled, and that it does not outlive a worker killed on its own.
 */
const workerMain = path.resolve(import.meta.dirname, '../../services/worker/dist/main.js');

let redis: Redis;
let events: QueueEvents;
let queue: TrialQueue;
let dir: string;
let worker: ServiceProcess | undefined;
/** Killed at the end should the test fail with it still running. */
let trialPid: number | undefined;
const prefix = uniquePrefix('trial-process');

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  queue = createTrialQueue({ connection: redis, prefix });
  events = new QueueEvents(TRIAL_QUEUE, {
    connection: { url: inject('redisUrl') },
    prefix: bullPrefix(prefix),
  });
  await events.waitUntilReady();
  dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-trial-process-'));
});

afterAll(async () => {
  await worker?.kill('SIGKILL');
  if (trialPid !== undefined && alive(trialPid)) process.kill(trialPid, 'SIGKILL');
  await events?.close();
  await queue?.close();
  await deleteKeys(redis, prefix);
  redis?.disconnect();
  await rm(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

describe('a trial process of the worker service', () => {
  it('runs in a session of its own at the lowest priority, and exits when its worker is killed alone', async () => {
    const definition = parseSweepText(
      `name: long
regions: [West]
seeds: [3]
randomout: {tau: [1e-9], activePercent: [50]}
training: {epochs: 150}
`,
      'yaml',
    );
    const { trials } = planSweep(definition, { trainerVersion: TRAINER_VERSION });
    // The baseline only: its RandomOut sibling would wait for it, not train.
    const baseline = trials.filter((t) => t.spec.train.randomout === null);
    expect(baseline).toHaveLength(1);
    const store = new SweepStore({ redis, prefix });
    await store.createSweep(
      {
        id: 'sw-0-0000000077',
        name: definition.name,
        createdAt: new Date().toISOString(),
        definition,
        trainerVersion: TRAINER_VERSION,
        trials: trials.length,
        reused: 0,
        enqueued: trials.length,
      },
      trials,
    );
    await new TrialEnqueuer(queue, store, redis).enqueue(baseline);
    const firstEpoch = new Promise<void>((resolve) => events.once('progress', () => resolve()));
    worker = ServiceProcess.start(
      'worker',
      workerMain,
      {
        ...process.env,
        REDIS_URL: inject('redisUrl'),
        SEEDSWEEP_PREFIX: prefix,
        SEEDSWEEP_CACHE_DIR: dir,
        WORKER_CONCURRENCY: '1',
        LOG_LEVEL: 'warn',
      },
      path.join(dir, 'worker.log'),
    );
    await firstEpoch;

    const [trial, ...others] = childProcesses(worker.pid);
    trialPid = trial?.pid;
    expect(others).toEqual([]);
    expect(trial).toMatchObject({ session: trial!.pid, nice: 10, policy: 5 });
    // On kernels with autogroups, its session's group yields to every other session's.
    if (trial!.autogroup !== null) expect(trial!.autogroup).toMatch(/ nice 19$/);
    // A small young generation keeps its peak RSS down.
    expect(readFileSync(`/proc/${trial!.pid}/cmdline`, 'utf8').split('\0')).toContain(
      '--max-semi-space-size=2',
    );

    // Killed on its own (the OOM killer, a SIGKILL by pid), the worker leaves the trial
    // process behind, outside its process group: it notices and exits within an epoch.
    worker.signal('SIGKILL');
    await worker.exited;
    const deadline = Date.now() + 20_000;
    while (alive(trial!.pid) && Date.now() < deadline) await sleep(100);
    expect(alive(trial!.pid)).toBe(false);
    expect(readFileSync(path.join(dir, 'worker.log'), 'utf8')).toContain(
      'the worker is gone: this trial process exits',
    );
  });
});
