import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { freePort } from '@seedsweep/redis-server';

/**
 * `seedsweep plan` and the estimate line of `seedsweep submit`, as a user runs them (`pnpm build`
 * first), against the real API on the test Redis under a key prefix of its own.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const bin = path.join(repo, 'apps/cli/dist/main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('cli-plan');
let api: ChildProcess;
let apiOutput = '';
let apiUrl: string;
let workDir: string;

beforeAll(async () => {
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  workDir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-cli-plan-'));
  api = spawn(process.execPath, [path.join(repo, 'services/api/dist/main.js')], {
    env: {
      PATH: process.env.PATH,
      HOME: os.homedir(),
      REDIS_URL: inject('redisUrl'),
      SEEDSWEEP_PREFIX: prefix,
      PORT: String(port),
      AUTH: 'off',
      // The rate limit counts every request in Redis, a dry run's too: its keys are not the plan's.
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  api.stdout!.on('data', (chunk: Buffer) => (apiOutput += chunk.toString()));
  api.stderr!.on('data', (chunk: Buffer) => (apiOutput += chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (api.exitCode !== null) throw new Error(`the API exited: ${apiOutput}`);
    try {
      if ((await fetch(`${apiUrl}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the API was not ready: ${apiOutput}`);
    await sleep(100);
  }
});

afterAll(async () => {
  if (api.exitCode === null) {
    const exited = once(api, 'exit');
    api.kill('SIGTERM');
    await exited;
  }
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await rm(workDir, { recursive: true, force: true });
});

function seedsweep(args: string[], url = apiUrl): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: { PATH: process.env.PATH, HOME: os.homedir(), SEEDSWEEP_URL: url },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function sweepFile(name: string, text: string): Promise<string> {
  const file = path.join(workDir, name);
  await writeFile(file, text);
  return file;
}

async function keys(): Promise<string[]> {
  return (await redis.keys(`${prefix}:*`)).sort();
}

/** 2 regions × 4 seeds × (1 baseline + 2 tau × 1 P), 20 epochs: 24 trials. */
const SWEEP = `name: plan-cli
regions: [East, West]
seeds: {from: 0, to: 3}
randomout:
  tau: [1e-8, 1e-4]
  activePercent: [50]
training:
  epochs: 20
`;

describe('seedsweep plan', () => {
  it('prints the trials, groups, what is stored and the cost, and writes nothing', async () => {
    const file = await sweepFile('plan.yaml', SWEEP);
    const before = await keys();
    const run = await seedsweep(['plan', file]);
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toContain(
      'sweep "plan-cli": 24 trials: regions 2 × seeds 4 × (1 baseline + tau 2 × activePercent 1)',
    );
    expect(out).toContain('2 groups: East (4 seeds × 2 cells), West (4 seeds × 2 cells)');
    expect(out).toContain('already stored here: 0; to run: 24');
    expect(out).toContain('trained in full: 8');
    expect(out).toContain('unknown until their baseline is done: 16');
    expect(out).toContain('epochs to train: 160 to 480');
    // (8 × 20 × (0.05 + 0.10) / 2) / 3600 = 0.0033 and three times that.
    expect(out).toMatch(/^core-hours: 0\.0033 to 0\.010$/m);
    expect(out).toMatch(/seconds per epoch: East 0\.05 s default, West 0\.10 s default/);
    expect(out).toMatch(/^wall time: .* hours on 1 worker × \d+ trials? at a time/m);
    expect(out).toContain('nothing was submitted');
    expect(await keys()).toEqual(before);
  });

  it('--workers and --concurrency set the wall time; --json gives the API answer', async () => {
    const file = await sweepFile('plan.yaml', SWEEP);
    const one = JSON.parse(
      (await seedsweep(['plan', file, '--json', '--concurrency', '1'])).stdout,
    );
    const run = await seedsweep(['plan', file, '--json', '--workers', '4', '--concurrency', '1']);
    expect(run.code, run.stderr).toBe(0);
    const four = JSON.parse(run.stdout);
    expect(four.workers).toMatchObject({ workers: 4, trialsPerWorker: 1, slots: 4 });
    expect(four.workers.assumption).toBe('4 workers × 1 trial at a time');
    expect(four.wallHours.max).toBeCloseTo(one.wallHours.max / 4, 9);
    const bad = await seedsweep(['plan', file, '--workers', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--workers must be a whole number/);
  });

  it('an invalid file is one line with the line of each mistake, exit code 2', async () => {
    const fields = await sweepFile(
      'bad.yaml',
      SWEEP.replace('activePercent: [50]', 'activePercent: [150]').replace(
        'epochs: 20',
        'epochs: 20\n  lerningRate: 0.1',
      ),
    );
    const run = await seedsweep(['plan', fields]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`${fields} is not a valid sweep: `);
    expect(run.stderr).toContain('line 6: randomout.activePercent.0: Too big');
    expect(run.stderr).toContain('line 9: training.lerningRate: unknown field');

    const syntax = await sweepFile('syntax.yaml', 'name: x\nregions: [East\n');
    const broken = await seedsweep(['plan', syntax]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/syntax\.yaml is not a valid sweep: line \d+, column \d+: /);

    expect((await seedsweep(['plan'])).code).toBe(2);
    expect((await seedsweep(['plan', path.join(workDir, 'missing.yaml')])).code).toBe(2);
  });

  it('without an API, plans from the file alone with the same estimate, and says so', async () => {
    const file = await sweepFile('plan.yaml', SWEEP);
    const online = JSON.parse(
      (await seedsweep(['plan', file, '--json', '--concurrency', '2'])).stdout,
    );
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const json = await seedsweep(['plan', file, '--json', '--concurrency', '2'], nobody);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(online);
    const run = await seedsweep(['plan', file], nobody);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `no seedsweep API answers at ${nobody}: planned from the file alone, as if nothing were stored\n`,
    );
    expect(run.stdout).toContain('already stored: not known (no API answered); to run: at most 24');
    expect(run.stdout).toMatch(/on 1 worker × \d+ trials? at a time \(.* on this machine\)/);
  });
});

describe('seedsweep submit', () => {
  it('prints the estimate on one line before it submits', async () => {
    const file = await sweepFile('submit.yaml', SWEEP.replace('plan-cli', 'submit-cli'));
    const run = await seedsweep(['submit', file]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.trim().split('\n');
    const estimate = lines.findIndex((l) => l.startsWith('estimate: '));
    const submitted = lines.findIndex((l) => l.startsWith('submitted sweep '));
    expect(estimate).toBeGreaterThanOrEqual(0);
    expect(estimate).toBeLessThan(submitted);
    expect(lines[estimate]).toMatch(
      /^estimate: 24 trials, 0 stored, 16 unknown until their baselines are done; 0\.0033 to 0\.010 core-hours, .* hours on 1 worker × \d+ trials? at a time \(default seconds per epoch; 'seedsweep plan' for details\)$/,
    );
  });
});
