import { execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../dist/main.js');
/** The real crater data, located by vitest.global-setup.ts. */
const dataDir = process.env.CRATER_DATA_DIR!;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let cacheDir: string;

/** A clean environment: the real data, a private cache, the default engine; `overrides` win. */
function cliEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: os.homedir(),
    CRATER_DATA_DIR: dataDir,
    SEEDSWEEP_CACHE_DIR: cacheDir,
    ...overrides,
  };
}

/** Runs the built CLI (`pnpm test` builds first) as a user would, without a terminal. */
function seedsweep(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: cliEnv(env),
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-cli-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('seedsweep data stats', () => {
  it('prints the paper counts per region', async () => {
    const run = await seedsweep(['data', 'stats']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^East\s+458\s+765\s+612\s+611$/m);
    expect(run.stdout).toMatch(/^West\s+1121\s+1385\s+1253\s+1253$/m);
  });

  it('prints machine-readable JSON with --json', async () => {
    const run = await seedsweep(['data', 'stats', '--json']);
    expect(run.code).toBe(0);
    const stats = JSON.parse(run.stdout) as {
      region: string;
      craters: number;
      nonCraters: number;
      train: number;
      test: number;
    }[];
    expect(stats.find((s) => s.region === 'East')).toEqual({
      region: 'East',
      craters: 458,
      nonCraters: 765,
      train: 612,
      test: 611,
    });
    expect(stats.find((s) => s.region === 'West')).toMatchObject({
      craters: 1121,
      nonCraters: 1385,
    });
  });

  it('names the missing file when CRATER_DATA_DIR is incomplete', async () => {
    const run = await seedsweep(['data', 'stats'], { CRATER_DATA_DIR: cacheDir });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /dataset file (urbach2009_tile_images|bandeira2010_candidates)\/\S+ .*DATASET_FILE_MISSING/,
    );
  });
});

describe('the pinned download, as a new user meets it', () => {
  let server: http.Server;
  let mirror: string;
  const requests: string[] = [];

  beforeAll(async () => {
    // A loopback mirror of the pinned commit, serving the reference copy.
    server = http.createServer((req, res) => {
      const file = decodeURIComponent(new URL(req.url!, 'http://x').pathname).replace(/^\/+/, '');
      requests.push(file);
      const stream = createReadStream(path.join(dataDir, file));
      stream.on('error', () => res.writeHead(404).end());
      stream.pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads and verifies the dataset once, showing each file, then reuses it', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-cli-home-'));
    try {
      const env = { CRATER_DATA_DIR: '', CRATER_DATA_URL: mirror, SEEDSWEEP_CACHE_DIR: home };
      const first = await seedsweep(['data', 'stats'], env);
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(/downloading the crater dataset: 18 file\(s\)/);
      expect(first.stderr).toMatch(/\[18\/18\] /);
      expect(first.stdout).toMatch(/^East\s+458\s+765/m);
      expect(requests).toHaveLength(18);
      const files = await readdir(path.join(home, 'crater-dataset'), { recursive: true });
      expect(files.filter((f) => f.endsWith('.part'))).toEqual([]);
      const second = await seedsweep(['data', 'stats'], env);
      expect(second.code).toBe(0);
      expect(second.stderr).not.toMatch(/downloading/);
      expect(requests).toHaveLength(18);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('seedsweep train', () => {
  it('trains and prints the result as JSON only with --json', async () => {
    const run = await seedsweep([
      'train',
      '--region',
      'East',
      '--seed',
      '3',
      '--epochs',
      '2',
      '--tau',
      '1e-8',
      '--p',
      '60',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      region: 'East',
      diverged: false,
      numerics: 'kernels',
      epochsRun: 2,
    });
    expect(result.testAccuracy).toBeGreaterThan(0.5);
    expect(result.weightsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.reinitializations).toHaveProperty('total');
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.config).toMatchObject({
      seed: 3,
      epochs: 2,
      randomout: { tau: 1e-8, activePercent: 60 },
    });
  });

  it('shows one progress line per epoch without a terminal, then the JSON', async () => {
    const run = await seedsweep(['train', '--region', 'East', '--epochs', '2']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^epoch 1\/2 loss \d/m);
    expect(run.stderr).toMatch(/^epoch 2\/2 loss \d/m);
    expect(run.stderr).toMatch(/test accuracy \d+\.\d+%/);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toHaveProperty('testAccuracy');
  });

  it('stops at Ctrl-C between batches with exit code 130 and one line', async () => {
    const child = spawn(process.execPath, [bin, 'train', '--region', 'East', '--epochs', '150'], {
      env: cliEnv(),
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/^epoch 1\/150 /m.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/^seedsweep: training aborted during epoch \d+ \[TRAINING_ABORTED\]$/m);
    expect(stderr).not.toMatch(/^epoch 150\/150/m);
  });

  it.each([
    [['train'], /--region is required/],
    [['train', '--region', 'Mars'], /--region must be one of West, Center, East, got 'Mars'/],
    [['train', '--region', 'East', '--tau', '1e-8'], /--tau and --p go together/],
    [
      ['train', '--region', 'East', '--epochs', 'ten'],
      /--epochs must be a finite number, got 'ten'/,
    ],
    [['train', '--region', 'East', '--lr=-1'], /--lr: .*>0/],
    [['train', '--region', 'East', '--tau', '1', '--p', '120'], /--p: .*100/],
    [['train', '--region', 'East', '--seed', '1.5'], /--seed must be an integer/],
    [['train', '--region', 'East', '--cgn', 'l2'], /--cgn needs RandomOut/],
    [['train', '--region', 'East', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('refuses %j with one line naming the problem', async (args, message) => {
    const run = await seedsweep(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it('refuses a bad SEEDSWEEP_ENGINE naming the variable', async () => {
    const run = await seedsweep(['train', '--region', 'East'], { SEEDSWEEP_ENGINE: 'gpu' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/SEEDSWEEP_ENGINE/);
  });

  it('stops with one line when a retired engine variable is still set', async () => {
    const run = await seedsweep(['train', '--region', 'East'], { TRAINER_BACKEND: 'wasm' });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/TRAINER_BACKEND is no longer read: set SEEDSWEEP_ENGINE/);
  });

  it('trains on the engine and code path asked for, and says which', async () => {
    const args = ['train', '--region', 'East', '--epochs', '1', '--json'];
    const wasm = await seedsweep([...args, '--engine', 'wasm']);
    expect(wasm.code, wasm.stderr).toBe(0);
    const onWasm = JSON.parse(wasm.stdout) as Record<string, unknown>;
    expect(onWasm).toMatchObject({ engine: 'wasm', numerics: 'kernels', codePath: 'wasm-simd128' });
    const sse = await seedsweep([...args, '--engine', 'native', '--code-path', 'sse']);
    if (sse.code !== 0) {
      // No native addon here (no C compiler): the one line says why.
      expect(sse.stderr).toMatch(/engine 'native' is unavailable/);
      return;
    }
    const onSse = JSON.parse(sse.stdout) as Record<string, unknown>;
    expect(onSse).toMatchObject({ engine: 'native', codePath: 'sse' });
    expect(onSse.weightsHash).toBe(onWasm.weightsHash);
    expect(onSse.testAccuracy).toBe(onWasm.testAccuracy);
  });
});

describe('seedsweep bench trainer', () => {
  it("reports each engine's seconds per West epoch, GFLOP/s and share of the core peak as JSON", async () => {
    const run = await seedsweep([
      'bench',
      'trainer',
      '--epochs',
      '1',
      '--rounds',
      '2',
      '--no-torch',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as {
      examples: number;
      batchSize: number;
      flopsPerExample: number;
      peak: { lanes: number; mulAddGflops: number; fmaGflops: number | null } | null;
      engines: {
        engine: string;
        codePath: string;
        epochSeconds: number[];
        secondsPerEpoch: number;
        fastestEpochSeconds: number;
        gflops: number;
        shareOfMulAddPeak: number | null;
      }[];
      torchSkipped: string;
    };
    expect(report).toMatchObject({ examples: 1253, batchSize: 32 });
    expect(report.flopsPerExample).toBe(
      3 * 2 * (144 * 16 * 20 + 81 * 320 * 20 + 1620 * 500 + 500 * 2),
    );
    expect(report.torchSkipped).toMatch(/--no-torch/);
    const names = report.engines.map((e) => e.engine);
    expect(names.at(-1)).toBe('wasm');
    expect(['native', 'wasm']).toContain(names[0]);
    for (const row of report.engines) {
      // Two rounds of one warm-up and one measured epoch: two measured epochs.
      expect(row.epochSeconds).toHaveLength(2);
      expect(row.secondsPerEpoch).toBeCloseTo((row.epochSeconds[0]! + row.epochSeconds[1]!) / 2, 9);
      expect(row.fastestEpochSeconds).toBe(Math.min(...row.epochSeconds));
      expect(row.gflops).toBeCloseTo(
        (report.flopsPerExample * 1253) / row.secondsPerEpoch / 1e9,
        6,
      );
      if (report.peak)
        expect(row.shareOfMulAddPeak).toBeCloseTo(row.gflops / report.peak.mulAddGflops, 9);
    }
    if (names[0] === 'native') {
      expect([4, 8, 16]).toContain(report.peak!.lanes);
      expect(report.engines[0]!.codePath).toMatch(/^(avx512|avx2|sse)$/);
    }
  });
});

describe('seedsweep bench engines', () => {
  it('trains the same seeds on the kernels and on tfjs and compares them, paired, as JSON', async () => {
    const run = await seedsweep(['bench', 'engines', '--seeds', '2', '--epochs', '1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as {
      engines: Record<string, { numerics: string; meanAccuracy: number }>;
      comparison: string;
      meanDifference: number;
      meanAbsoluteDifference: number;
      withinOnePoint: boolean;
      seedsRows: { seed: number; accuracy: Record<string, number> }[];
    };
    const names = Object.keys(report.engines);
    expect(names).toHaveLength(2);
    expect(names[1]).toBe('tfjs');
    expect(report.engines[names[0]!]!.numerics).toBe('kernels');
    expect(report.engines.tfjs!.numerics).toBe('tfjs');
    expect(report.seedsRows.map((r) => r.seed)).toEqual([0, 1]);
    const differences = report.seedsRows.map((r) => r.accuracy.tfjs! - r.accuracy[names[0]!]!);
    expect(report.meanDifference).toBeCloseTo((differences[0]! + differences[1]!) / 2, 12);
    expect(report.withinOnePoint).toBe(Math.abs(report.meanDifference) <= 0.01);
  });
});

describe('seedsweep bench workers', () => {
  it('reports trials per hour of 1 and 2 workers, their ratio and peak RSS, as JSON', async () => {
    const run = await seedsweep([
      'bench',
      'workers',
      '--seeds',
      '2',
      '--epochs',
      '1',
      '--rounds',
      '2',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as {
      runs: { workers: number; trials: number; seconds: number; trialsPerHour: number }[];
      scaling: number;
      roundScaling: number[];
    } & Record<string, unknown>;
    // Each worker count's two runs pooled: 2 trials each.
    expect(report.runs.map((r) => [r.workers, r.trials])).toEqual([
      [1, 4],
      [2, 4],
    ]);
    expect(report.roundScaling).toHaveLength(2);
    for (const r of report.runs) {
      expect(r.trialsPerHour).toBeCloseTo((r.trials / r.seconds) * 3600, 6);
      // Linux: the trial processes and the workers were sampled from /proc.
      expect(r).toMatchObject({
        peakTrialRssBytes: expect.any(Number),
        peakServiceRssBytes: expect.any(Number),
      });
    }
    expect(report.scaling).toBeCloseTo(
      report.runs[1]!.trialsPerHour / report.runs[0]!.trialsPerHour,
      6,
    );
  });
});

describe('seedsweep bench sweep', () => {
  it('counts what was trained, resumed and derived against the naive count, and verifies a sample', async () => {
    const run = await seedsweep([
      'bench',
      'sweep',
      '--file',
      'examples/firing-thresholds.yaml',
      '--seeds',
      '1',
      '--epochs',
      '3',
      '--workers',
      '1',
      '--verify',
      '1',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as {
      trials: Record<'total' | 'trained' | 'resumed' | 'derived' | 'failed', number>;
      epochsTrained: number;
      naiveEpochs: number;
      coreSeconds: number;
      naiveCoreSeconds: number;
      verified: { checked: number; identical: number; differing: string[] };
    };
    // 2 regions x 1 seed x (1 baseline + 3 x 3 cells).
    const { total, trained, resumed, derived, failed } = report.trials;
    expect(total).toBe(20);
    expect(trained + resumed + derived + failed).toBe(total);
    expect(failed).toBe(0);
    expect(trained).toBeGreaterThanOrEqual(2);
    expect(report.naiveEpochs).toBe(20 * 3);
    expect(report.epochsTrained).toBeGreaterThanOrEqual(2 * 3);
    expect(report.epochsTrained).toBeLessThanOrEqual(report.naiveEpochs);
    expect(report.coreSeconds).toBeLessThanOrEqual(report.naiveCoreSeconds);
    expect(report.verified.checked).toBe(Math.min(1, resumed) + Math.min(1, derived));
    expect(report.verified.checked).toBeGreaterThan(0);
    expect(report.verified.identical).toBe(report.verified.checked);
  });
});

describe('seedsweep bench fairness', () => {
  it('times a small sweep behind a large one with fair share and FIFO, and two keys’ shares, as JSON', async () => {
    const run = await seedsweep([
      'bench',
      'fairness',
      '--large-seeds',
      '3',
      '--large-epochs',
      '2',
      '--small-seeds',
      '1',
      '--small-epochs',
      '1',
      '--delay',
      '0.5',
      '--workers',
      '1',
      '--keys-seeds',
      '1',
      '--keys-epochs',
      '1',
      '--keys-workers',
      '1',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as {
      cpu: string;
      cores: number;
      large: { trials: number };
      small: { trials: number };
      lateSweep: {
        workers: number;
        order: string;
        aheadAtSubmission: number | null;
        firstResultSeconds: number;
        doneSeconds: number;
        largeDoneBySmallDone: number;
        smallShare: number;
      }[];
      keys: {
        sweeps: { name: string; key: string; share: number }[];
        keys: { key: string; sweeps: number; share: number; trainingSeconds: number }[];
      };
    };
    // 3 seeds x (baseline + one cell); 1 seed x (baseline + two cells).
    expect(report).toMatchObject({ large: { trials: 6 }, small: { trials: 3 } });
    expect(report.cpu).not.toBe('');
    expect(report.lateSweep.map((r) => [r.workers, r.order])).toEqual([
      [1, 'fifo'],
      [1, 'fair'],
    ]);
    const [fifo, fair] = report.lateSweep;
    // FIFO: behind what was queued; fair share: its first trial is the next one taken.
    expect(fifo!.aheadAtSubmission).toBeGreaterThan(0);
    expect(fair!.aheadAtSubmission).toBe(0);
    for (const r of report.lateSweep) {
      expect(r.firstResultSeconds).toBeGreaterThan(0);
      expect(r.doneSeconds).toBeGreaterThanOrEqual(r.firstResultSeconds);
      expect(r.largeDoneBySmallDone).toBeLessThanOrEqual(6);
      expect(r.smallShare).toBeGreaterThanOrEqual(0);
      expect(r.smallShare).toBeLessThanOrEqual(1);
    }
    expect(report.keys.sweeps.map((s) => s.key)).toEqual(['A', 'A', 'B']);
    expect(report.keys.keys.map((k) => [k.key, k.sweeps])).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
    const total = report.keys.keys.reduce((sum, k) => sum + k.share, 0);
    expect(total).toBeCloseTo(1, 6);
  });
});

describe('seedsweep bench api', () => {
  it('reports the time to answer a submission and the grid latency under load, as JSON', async () => {
    const run = await seedsweep([
      'bench',
      'api',
      '--seeds',
      '10',
      '--clients',
      '4',
      '--seconds',
      '1',
      '--workers',
      '1',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as {
      trials: number;
      submitSeconds: number;
      pendingAfterAnswer: number;
      grid: {
        clients: number;
        requests: number;
        non2xx: number;
        errors: number;
        latencyMs: Record<string, number>;
      };
    };
    expect(report).toMatchObject({ trials: 200, pendingAfterAnswer: 0 });
    expect(report.submitSeconds).toBeGreaterThan(0);
    expect(report.grid).toMatchObject({ clients: 4, non2xx: 0, errors: 0 });
    expect(report.grid.requests).toBeGreaterThan(0);
    expect(report.grid.latencyMs.p99).toBeGreaterThanOrEqual(report.grid.latencyMs.p50!);
  });
});
