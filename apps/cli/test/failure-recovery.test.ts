import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { freePort } from '@seedsweep/redis-server';

/**
 * The first run of a new user whose dataset is unreachable, and the way out of it without
 * deleting anything: `seedsweep run` refuses in one line before starting anything; trials that
 * failed for a reason of the environment run again when the sweep is submitted again once the
 * dataset is there; a trial that failed for a reason of its own stays failed until `seedsweep
 * retry`. Real processes: the built API, aggregator and workers on the test Redis, and the CLI.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const bin = path.join(repo, 'apps/cli/dist/main.js');
const SWEEP_ID = /sw-[0-9a-z]+-[0-9a-f]{10}/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Service {
  name: string;
  child: ChildProcess;
  output: string[];
}

const services: Service[] = [];
let prefix: string;
let apiUrl: string;
let workDir: string;
let emptyDir: string;

function startService(name: string, script: string, env: Record<string, string> = {}): Service {
  const child = spawn(process.execPath, [path.join(repo, script)], {
    env: {
      PATH: process.env.PATH,
      HOME: os.homedir(),
      REDIS_URL: inject('redisUrl'),
      SEEDSWEEP_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const service: Service = { name, child, output: [] };
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => service.output.push(text));
  }
  services.push(service);
  return service;
}

/** A worker reading the dataset from `dataDir` (the empty directory: it cannot train). */
function startWorker(dataDir: string): Service {
  return startService('worker', 'services/worker/dist/main.js', {
    WORKER_CONCURRENCY: '2',
    WORKER_GRACE_SECONDS: '5',
    CRATER_DATA_DIR: dataDir,
    SEEDSWEEP_CACHE_DIR: path.join(workDir, 'cache'),
  });
}

async function stopService(service: Service): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** The built CLI without a terminal, in the work directory, with only the variables given. */
function seedsweep(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: workDir,
        env: { PATH: process.env.PATH, HOME: os.homedir(), SEEDSWEEP_URL: apiUrl, ...env },
        // Two cores shared with other tests: three attempts of each trial, with BullMQ's backoff.
        timeout: 240_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const sweep = (name: string, seed: number) => `name: ${name}
regions: [East]
seeds: [${seed}]
randomout: {tau: [0.1], activePercent: [50]}
training: {epochs: 1}
`;

beforeAll(async () => {
  prefix = uniquePrefix('recovery');
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  workDir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-recovery-'));
  emptyDir = path.join(workDir, 'no-dataset');
  await mkdir(emptyDir);
  await writeFile(path.join(workDir, 'first.yaml'), sweep('first', 60));
  await writeFile(path.join(workDir, 'own.yaml'), sweep('own', 61));
  const api = startService('api', 'services/api/dist/main.js', {
    PORT: String(port),
    AUTH: 'off',
  });
  for (let i = 0; i < 300; i++) {
    if (api.child.exitCode !== null) throw new Error(`the API exited: ${api.output.join('')}`);
    if (
      await fetch(`${apiUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await sleep(100);
  }
  startService('aggregator', 'services/aggregator/dist/main.js');
});

afterAll(async () => {
  await Promise.all(services.map((service) => stopService(service)));
  const redis = new Redis(inject('redisUrl'));
  try {
    await deleteKeys(redis, prefix);
  } finally {
    await redis.quit();
  }
  await rm(workDir, { recursive: true, force: true });
});

describe('a first run without the dataset', () => {
  it('run and start refuse in one line, exit code 2, before starting anything', async () => {
    const port = await freePort();
    const env = {
      SEEDSWEEP_URL: `http://127.0.0.1:${port}`,
      SEEDSWEEP_CACHE_DIR: path.join(workDir, 'own-cache'),
      CRATER_DATA_URL: 'http://127.0.0.1:9/',
    };
    const copy = await seedsweep(['run', 'first.yaml'], { ...env, CRATER_DATA_DIR: emptyDir });
    expect(copy.code, copy.stderr).toBe(2);
    expect(copy.stdout).toBe('');
    expect(copy.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^seedsweep: the crater dataset is not usable at CRATER_DATA_DIR=.*no-dataset: dataset file \S+ is missing from .*no-dataset \[DATASET_FILE_MISSING\]; set CRATER_DATA_DIR to a copy of the dataset, or CRATER_DATA_URL to a mirror \(nothing was started\)$/,
      ),
    ]);
    // Without a copy, the download from the unreachable mirror.
    const download = await seedsweep(['run', 'first.yaml'], env);
    expect(download.code, download.stderr).toBe(2);
    expect(download.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^seedsweep: the crater dataset could not be downloaded from CRATER_DATA_URL=http:\/\/127\.0\.0\.1:9\/: download of .* failed .*\[DOWNLOAD_FAILED\]; set CRATER_DATA_DIR/,
      ),
    ]);
    const start = await seedsweep(['start', '--port', String(port)], {
      ...env,
      CRATER_DATA_DIR: emptyDir,
    });
    expect(start.code, start.stderr).toBe(2);
    expect(start.stderr.trimEnd().split('\n')).toHaveLength(1);
    // Nothing was started: no Redis data directory, nothing listening.
    expect(await readdir(workDir)).not.toContain('.data');
    expect(await listening(port)).toBe(false);
  });

  it('trials failed by the environment say why, and run again when the sweep is submitted again', async () => {
    const broken = startWorker(emptyDir);
    const failed = await seedsweep(['submit', 'first.yaml', '--watch']);
    expect(failed.code, failed.stderr).toBe(1);
    const id = SWEEP_ID.exec(failed.stdout)![0];
    // Each trial's line, then the failures grouped by reason, with the fix.
    expect(failed.stderr).toMatch(
      /\[\d\/2\] East seed 60 .*: failed: dataset file \S+ is missing from \S+no-dataset/,
    );
    expect(failed.stderr).toMatch(
      /^2 trials failed \(environment, DATASET_FILE_MISSING\): dataset file \S+ is missing from \S+no-dataset$/m,
    );
    expect(failed.stderr).toContain(
      '  fix: set CRATER_DATA_DIR to a copy of the crater dataset, or CRATER_DATA_URL to a mirror, where the workers run',
    );
    // The worker's log says why each attempt failed.
    expect(broken.output.join('')).toMatch(/trial attempt failed \(dataset file \S+ is missing/);
    const status = await seedsweep(['status', id]);
    expect(status.stdout).toMatch(/^ {2}2 trials failed \(environment, DATASET_FILE_MISSING\)/m);
    const rows = (await (await fetch(`${apiUrl}/v1/sweeps/${id}/trials`)).json()) as {
      trials: { state: string; failureClass: string; failureReason: string }[];
    };
    expect(rows.trials.map((t) => [t.state, t.failureClass])).toEqual([
      ['failed', 'environment'],
      ['failed', 'environment'],
    ]);
    expect(rows.trials[0]!.failureReason).toMatch(/^dataset file \S+ is missing from /);

    // The user fixes CRATER_DATA_DIR and runs the same sweep again: nothing deleted.
    await stopService(broken);
    startWorker(process.env.CRATER_DATA_DIR!);
    const again = await seedsweep(['run', 'first.yaml']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(
      '2 trials, 0 reused, 2 enqueued (2 of them failed before and run again)',
    );
    expect(again.stderr).toMatch(/tau=0\.1 +[+-]?\d+\.\d \(n=1\)/);
    expect(again.stderr).not.toMatch(/trials? failed \(/);
    // The first sweep shares the trials: it is done too.
    expect((await seedsweep(['status', id])).stdout).toContain(`sweep ${id} "first": done`);
    // And a third time, nothing is trained.
    const third = await seedsweep(['submit', 'first.yaml']);
    expect(third.stderr).toContain('2 trials, 2 reused, 0 enqueued');
  }, 480_000);

  it("a trial that failed for a reason of its own stays failed on resubmission; 'retry' runs it again", async () => {
    // No worker while the sweep is queued, so its baseline's job can be broken first.
    await Promise.all(services.filter((s) => s.name === 'worker').map(stopService));
    const submitted = await seedsweep(['submit', 'own.yaml']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();
    const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const queue = new Queue('trials', { connection, prefix: `${prefix}:bull` });
    try {
      // The first in fair-share order: the baseline, at the sweep's lowest priority.
      const [baseline] = await queue.getPrioritized(0, 0);
      const data = baseline!.data as { key: string; spec: Record<string, unknown> };
      // A job whose spec is not its key's: invalid wherever it runs.
      await baseline!.updateData({ ...data, spec: { ...data.spec, trainerVersion: '0' } });
    } finally {
      await queue.close();
      connection.disconnect();
    }
    startWorker(process.env.CRATER_DATA_DIR!);
    const watched = await seedsweep(['status', id, '--watch']);
    expect(watched.code, watched.stderr).toBe(1);
    expect(watched.stderr).toMatch(
      /^1 trial failed \(trial, INVALID_JOB\): the job's key [0-9a-f]{64} is not its spec's/m,
    );
    expect(watched.stderr).toContain("'seedsweep retry <id>' runs it again as it is");
    expect(watched.stderr).toContain(
      `failures of the trial itself are not retried by a resubmission: 'seedsweep retry ${id}' runs them again`,
    );

    const resubmitted = await seedsweep(['submit', 'own.yaml', '--watch']);
    expect(resubmitted.code, resubmitted.stderr).toBe(1);
    expect(resubmitted.stderr).toContain(
      "2 trials, 1 reused, 0 enqueued (1 failed before for a reason of its own and stays failed ('seedsweep retry",
    );

    const retried = await seedsweep(['retry', id, '--watch']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toContain(`sweep ${id} "own": 1 failed trial put back on the queue`);
    expect(retried.stderr).toContain(`sweep ${id} "own" done: 2 of 2 trials done, 0 failed`);
  }, 300_000);
});
