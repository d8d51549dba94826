import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { freePort } from '@seedsweep/redis-server';
import { SweepStore, type TrialRecord } from '@seedsweep/store';
import { canonicalJson, parseSweepText, planSweep } from '@seedsweep/sweep-spec';
import { TRAINER_VERSION } from '@seedsweep/trainer';

/**
 * `export --records` and `import` as a user runs them (`pnpm build` first), between API
 * processes of separate deployments (key prefixes) on the test Redis. Results are written
 * straight into the first deployment's store and no worker runs: nothing is trained.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const bin = path.join(repo, 'apps/cli/dist/main.js');
const WRITE_KEY = 'records-write-key-0123456789';

interface Deployment {
  prefix: string;
  url: string;
  child: ChildProcess;
  output: string[];
  store: SweepStore;
}

const children: ChildProcess[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const redis = new Redis(inject('redisUrl'));
const deployments: Deployment[] = [];
let workDir: string;

function startService(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [path.join(repo, script)], {
    env: {
      PATH: process.env.PATH,
      HOME: os.homedir(),
      REDIS_URL: inject('redisUrl'),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

/** An API of a deployment of its own; with the aggregator, grids are drawn too. */
async function startDeployment(options: { aggregator?: boolean } = {}): Promise<Deployment> {
  const prefix = uniquePrefix('cli-records');
  const port = await freePort();
  const child = startService('services/api/dist/main.js', {
    SEEDSWEEP_PREFIX: prefix,
    PORT: String(port),
    API_KEYS: WRITE_KEY,
  });
  if (options.aggregator)
    startService('services/aggregator/dist/main.js', { SEEDSWEEP_PREFIX: prefix });
  const deployment: Deployment = {
    prefix,
    url: `http://127.0.0.1:${port}`,
    child,
    output: [],
    store: new SweepStore({ redis, prefix }),
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => deployment.output.push(text));
  }
  deployments.push(deployment);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited: ${deployment.output.join('')}`);
    const ready = await fetch(`${deployment.url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return deployment;
    await sleep(100);
  }
  throw new Error(`the API was not ready in 30 s: ${deployment.output.join('')}`);
}

function seedsweep(args: string[], url: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: { PATH: process.env.PATH, SEEDSWEEP_URL: url, SEEDSWEEP_API_KEY: WRITE_KEY },
        encoding: 'utf8',
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The deployment's data: every key but the rate limit's counts of requests. */
async function keysUnder(prefix: string): Promise<string[]> {
  return (await redis.keys(`${prefix}:*`)).filter((key) => !key.includes(':ratelimit:')).sort();
}

function linesOf(file: Buffer): string[] {
  return gunzipSync(file).toString('utf8').split('\n').slice(0, -1);
}

async function writeLines(name: string, lines: string[]): Promise<string> {
  const file = path.join(workDir, name);
  await writeFile(file, gzipSync(lines.join('\n') + '\n'));
  return file;
}

const sweepYaml = `name: cli records
regions: [East]
seeds: [0, 1]
randomout: {tau: [1e-3], activePercent: [50]}
training: {epochs: [2]}
`;
const trials = planSweep(parseSweepText(sweepYaml, 'yaml')).trials;

function record(i: number): TrialRecord {
  return {
    key: trials[i]!.key,
    testAccuracy: 0.8 + i / 100,
    majorityRate: 0.625,
    testCount: 611,
    trainLoss: [0.6, 0.5],
    epochsRun: 2,
    diverged: false,
    divergedAtEpoch: null,
    reinitializations: { total: 0, conv1: 0, conv2: 0, perEpoch: [] },
    minAbsCgn: [0.01, 0.02],
    weightsHash: `w${i}`,
    engine: 'wasm',
    versions: { trainer: TRAINER_VERSION },
    durationMs: 1000 + i,
    worker: 'elsewhere:1',
    attempt: 1,
    finishedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** The line an export writes for trial i. */
function line(i: number): string {
  const result = record(i);
  const recordSha256 = createHash('sha256').update(canonicalJson(result)).digest('hex');
  return canonicalJson({
    key: trials[i]!.key,
    spec: trials[i]!.spec,
    record: result,
    recordSha256,
  });
}

let source: Deployment;
let sourceId: string;
let exported: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-cli-records-'));
  source = await startDeployment();
  const sweepFile = path.join(workDir, 'records.yaml');
  await writeFile(sweepFile, sweepYaml);
  const submitted = await seedsweep(['submit', sweepFile], source.url);
  expect(submitted.code, submitted.stderr).toBe(0);
  sourceId = submitted.stdout.trim();
  for (const i of [0, 1, 2]) await source.store.writeResult(record(i));
  await source.store.writeFailure({
    key: trials[3]!.key,
    message: 'boom',
    code: null,
    attempts: 3,
    worker: 'w',
    failedAt: '2026-01-01T00:00:00.000Z',
  });
});

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null) continue;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  for (const { prefix } of deployments) await deleteKeys(redis, prefix);
  redis.disconnect();
  await rm(workDir, { recursive: true, force: true });
});

describe('seedsweep export --records', () => {
  it('writes the header and a line per result, the same bytes every time', async () => {
    exported = path.join(workDir, 'results.jsonl.gz');
    const run = await seedsweep(['export', sourceId, '--records', '--out', exported], source.url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(`^wrote the records of sweep ${sourceId} to ${exported} \\(\\d+ bytes\\)\\n$`),
    );
    const again = path.join(workDir, 'again.jsonl.gz');
    await seedsweep(['export', sourceId, '--records', '--out', again], source.url);
    const bytes = await readFile(exported);
    expect(await readFile(again)).toEqual(bytes);
    const lines = linesOf(bytes);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      format: 'seedsweep-records',
      version: 1,
      sweep: { id: sourceId, name: 'cli records' },
    });
    expect(lines.slice(1)).toEqual([line(0), line(1), line(2)]);
  });

  it('to stdout when it is not a terminal; not with --csv', async () => {
    const piped = await new Promise<Buffer>((resolve, reject) =>
      execFile(
        process.execPath,
        [bin, 'export', sourceId, '--records'],
        {
          env: { PATH: process.env.PATH, SEEDSWEEP_URL: source.url, SEEDSWEEP_API_KEY: WRITE_KEY },
          encoding: 'buffer',
        },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    expect(piped).toEqual(await readFile(exported));
    const both = await seedsweep(['export', sourceId, '--records', '--csv'], source.url);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('seedsweep: --csv, --json and --records exclude each other\n');
  });
});

describe('seedsweep import', () => {
  it('loads a file into another deployment and submits its sweep, reusing every result', async () => {
    const target = await startDeployment({ aggregator: true });
    const run = await seedsweep(['import', exported], target.url);
    expect(run.code, run.stderr).toBe(0);
    const id = run.stdout.trim();
    expect(run.stderr).toBe(
      `imported 3, already present 0, refused 0 from 1 file; submitted sweep ${id} "cli records": 4 trials, 3 reused, 1 enqueued\n`,
    );
    expect(await target.store.counters()).toMatchObject({ results: 3, importedResults: 3 });
    const status = JSON.parse((await seedsweep(['status', id, '--json'], target.url)).stdout);
    expect(status.counts).toMatchObject({ done: 3, queued: 1 });
    // The aggregator draws the grid from imported results as from trained ones.
    let grid: Run;
    const deadline = Date.now() + 30_000;
    do {
      grid = await seedsweep(['grid', id, '--json'], target.url);
      if (grid.code === 0 || Date.now() > deadline) break;
      await sleep(200);
    } while (grid.stderr.includes('GRID_NOT_READY'));
    expect(grid.code, grid.stderr).toBe(0);
    expect(JSON.parse(grid.stdout).grid.trials).toEqual({ total: 4, done: 3 });

    const out = path.join(workDir, 'round-trip.jsonl.gz');
    const again = await seedsweep(['export', id, '--records', '--out', out], target.url);
    expect(again.code, again.stderr).toBe(0);
    const [header, ...records] = linesOf(await readFile(out));
    const [sourceHeader, ...sourceRecords] = linesOf(await readFile(exported));
    expect(records.join('\n')).toBe(sourceRecords.join('\n'));
    expect(header).toBe(sourceHeader!.replace(sourceId, id));

    const twice = await seedsweep(['import', exported, '--json'], target.url);
    expect(twice.code).toBe(0);
    expect(JSON.parse(twice.stdout)).toMatchObject({
      imported: 0,
      alreadyPresent: 3,
      refused: [],
      // The trial without a result is still queued for the first sweep.
      sweeps: [{ trials: 4, reusedResults: 3, alreadyQueued: 1, enqueued: 0 }],
    });
  });

  it('merges files: one sweep for their one definition, every trial from one or the other', async () => {
    const target = await startDeployment();
    const [header, first] = linesOf(await readFile(exported));
    const a = await writeLines('a.jsonl.gz', [header!, first!, line(1)]);
    const b = await writeLines('b.jsonl.gz', [header!, line(1), line(2), line(3)]);
    const run = await seedsweep(['import', a, b], target.url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^imported 4, already present 1, refused 0 from 2 files; submitted sweep sw-\S+ "cli records": 4 trials, 4 reused, 0 enqueued\n$/,
    );
  });

  it('refuses changed lines by key and reason, submits no sweep and exits 1', async () => {
    const target = await startDeployment();
    const lines = linesOf(await readFile(exported));
    const altered = JSON.parse(lines[1]!);
    altered.record.testAccuracy = 0.99;
    const respecified = JSON.parse(lines[2]!);
    respecified.spec.train.seed = 7;
    const file = await writeLines('tampered.jsonl.gz', [
      lines[0]!,
      JSON.stringify(altered),
      JSON.stringify(respecified),
      lines[3]!,
    ]);
    const run = await seedsweep(['import', file], target.url);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const stderr = run.stderr.split('\n');
    expect(stderr[0]).toBe(
      `refused ${trials[0]!.key} (${file} line 2): RECORD_ALTERED: the record does not match its recordSha256: it was changed after export`,
    );
    expect(stderr[1]).toMatch(
      new RegExp(
        `^refused ${trials[1]!.key} \\(${file} line 3\\): KEY_MISMATCH: the key is not its spec's`,
      ),
    );
    expect(stderr[2]).toBe(
      'imported 1, already present 0, refused 2 (RECORD_ALTERED 1, KEY_MISMATCH 1) from 1 file; no sweep submitted: a file with refused trials is not trusted to continue a study',
    );
    expect(await target.store.resultsPresent(trials.map((t) => t.key))).toEqual([
      false,
      false,
      true,
      false,
    ]);
    expect(await target.store.countSweeps()).toBe(0);
  });

  it('sends a large file in parts, and names a refused line by its line in the file', async () => {
    const target = await startDeployment();
    const many = planSweep(
      parseSweepText(sweepYaml.replace('seeds: [0, 1]', 'seeds: {from: 0, to: 600}'), 'yaml'),
    ).trials;
    expect(many.length).toBeGreaterThan(1_000);
    const lines = many.map((trial, i) => {
      const result = { ...record(0), key: trial.key, weightsHash: `w${i}` };
      const recordSha256 = createHash('sha256').update(canonicalJson(result)).digest('hex');
      return canonicalJson({ key: trial.key, spec: trial.spec, record: result, recordSha256 });
    });
    lines[1_100] = lines[1_100]!.replace('"testAccuracy":0.8', '"testAccuracy":0.9');
    const [header] = linesOf(await readFile(exported));
    const file = await writeLines('many.jsonl.gz', [header!, ...lines]);
    const run = await seedsweep(['import', file, '--json'], target.url);
    expect(run.code).toBe(1);
    const outcome = JSON.parse(run.stdout);
    expect(outcome).toMatchObject({ imported: many.length - 1, alreadyPresent: 0, sweeps: [] });
    expect(outcome.refused).toEqual([
      {
        file,
        line: 1_102,
        key: many[1_100]!.key,
        reason: 'RECORD_ALTERED',
        detail: expect.any(String),
      },
    ]);
  });

  it('never overwrites a stored result', async () => {
    const lines = linesOf(await readFile(exported));
    const other = JSON.parse(lines[1]!);
    other.record.testAccuracy = 0.5;
    other.recordSha256 = createHash('sha256').update(canonicalJson(other.record)).digest('hex');
    const file = await writeLines('other.jsonl.gz', [lines[0]!, JSON.stringify(other)]);
    const run = await seedsweep(['import', file], source.url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^imported 0, already present 1, refused 0 from 1 file; /);
    expect((await source.store.getResult(trials[0]!.key))?.testAccuracy).toBe(0.8);
  });

  it('writes nothing of any file when one cannot be read, and says why in one line', async () => {
    const target = await startDeployment();
    const before = await keysUnder(target.prefix);
    const lines = linesOf(await readFile(exported));
    const truncated = await writeLines('truncated.jsonl.gz', [...lines, '{"key": "ab']);
    const plain = path.join(workDir, 'plain.jsonl');
    await writeFile(plain, lines.join('\n'));
    const version = await writeLines('v2.jsonl.gz', [
      lines[0]!.replace('"version":1', '"version":2'),
      ...lines.slice(1),
    ]);
    const region = await writeLines('mars.jsonl.gz', [
      lines[0]!.replace('"regions":["East"]', '"regions":["Mars"]'),
      ...lines.slice(1),
    ]);
    const cases: [string, RegExp][] = [
      [
        truncated,
        new RegExp(
          `^seedsweep: ${truncated} line 5: is not JSON \\(.*\\) \\[INVALID_RECORDS\\]\\n$`,
        ),
      ],
      [
        plain,
        new RegExp(`^seedsweep: ${plain} is not gzip data \\(.*\\); .* \\[INVALID_RECORDS\\]\\n$`),
      ],
      [
        version,
        new RegExp(
          `^seedsweep: ${version} line 1, version: 2 is not a version this reads \\(1\\) \\[INVALID_RECORDS\\]\\n$`,
        ),
      ],
      [
        region,
        new RegExp(
          `^seedsweep: ${region} line 1, sweep\\.definition\\.regions\\.0: .* \\[INVALID_RECORDS\\]\\n$`,
        ),
      ],
    ];
    for (const [bad, message] of cases) {
      const run = await seedsweep(['import', exported, bad], target.url);
      expect(run.code, bad).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
    }
    expect(await keysUnder(target.prefix)).toEqual(before);

    const missing = await seedsweep(['import', path.join(workDir, 'none.jsonl.gz')], target.url);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read records file '.*none\.jsonl\.gz': no such file\n$/);
    expect((await seedsweep(['import'], target.url)).stderr).toBe(
      'seedsweep: import needs a records file (.jsonl.gz)\n',
    );
  });

  it("stores but does not submit a sweep of another trainer's results unless told to", async () => {
    const target = await startDeployment();
    const lines = linesOf(await readFile(exported));
    const header = JSON.parse(lines[0]!);
    header.sweep.trainerVersion = 'older';
    const file = await writeLines('older.jsonl.gz', [JSON.stringify(header), ...lines.slice(1)]);
    const run = await seedsweep(['import', file], target.url);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `imported 3, already present 0, refused 0 from 1 file; sweep "cli records" not submitted: its results are of trainer older and this deployment trains ${TRAINER_VERSION}, so all of it would be trained again (--retrain submits it)\n`,
    );
    const retrain = await seedsweep(['import', file, '--retrain'], target.url);
    expect(retrain.code, retrain.stderr).toBe(0);
    expect(retrain.stderr).toMatch(/; submitted sweep sw-\S+ "cli records": 4 trials/);
  });
});
