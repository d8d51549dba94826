import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchCommand, type BenchCommandContext } from '../src/commands/bench-command.js';
import { loadBenchCommand, type BenchCommandName } from '../src/commands/index.js';
import { BenchStack } from '../src/bench-stack.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-bench-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(out: string[], log: string[]): BenchCommandContext {
  return {
    settings: { cacheRoot: dir, engine: 'auto' },
    out: (line) => out.push(line),
    log: (line) => log.push(line),
    stderr: process.stderr,
    signal: new AbortController().signal,
    startDeployment: () => Promise.reject(new Error('no deployment in this test')),
  };
}

/** A benchmark that measures nothing: its flag, its report, its text and its check. */
const fake = benchCommand<{ n: number }, { benchmark: 'fake'; n: number }>({
  help: 'Usage: seedsweep bench fake [--n N]',
  flags: { n: { type: 'string' } },
  options: (values) => ({ n: Number(values.n ?? 1) }),
  run: async ({ n }, ctx) => {
    ctx.log(`measuring ${n}`);
    return { benchmark: 'fake', n };
  },
  text: (report, out) => out(`n is ${report.n}`),
  exitCode: (report) => (report.n > 1 ? 1 : 0),
});

describe('a benchmark as a command', () => {
  it('prints its text and commentary, and its check decides the exit code', async () => {
    const out: string[] = [];
    const log: string[] = [];
    expect(await fake.run([], context(out, log))).toBe(0);
    expect(out).toEqual(['n is 1']);
    expect(log).toEqual(['measuring 1']);
    expect(await fake.run(['--n', '2'], context([], []))).toBe(1);
  });

  it('prints only the JSON with --json, and writes it to --out', async () => {
    const out: string[] = [];
    const log: string[] = [];
    const file = path.join(dir, 'fake.json');
    expect(await fake.run(['--n', '1', '--json', '--out', file], context(out, log))).toBe(0);
    expect(out.map((line) => JSON.parse(line) as unknown)).toEqual([{ benchmark: 'fake', n: 1 }]);
    expect(log).toEqual([]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ benchmark: 'fake', n: 1 });
  });

  it('refuses flags it does not take', async () => {
    await expect(fake.run(['--m', '1'], context([], []))).rejects.toMatchObject({
      code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
    });
  });
});

describe('loadBenchCommand', () => {
  it.each<[BenchCommandName, string]>([
    ['trainer', 'Usage: seedsweep bench trainer [options]'],
    ['engines', 'Usage: seedsweep bench engines [options]'],
    ['workers', 'Usage: seedsweep bench workers [options]'],
    ['sweep', 'Usage: seedsweep bench sweep [options]'],
    ['api', 'Usage: seedsweep bench api [options]'],
    ['fairness', 'Usage: seedsweep bench fairness [options]'],
    ['all', 'Usage: seedsweep bench [--out F] [--no-torch]'],
  ])('loads %s with its help', async (name, usage) => {
    const command = await loadBenchCommand(name);
    expect(command.help.split('\n')[0]).toBe(usage);
  });
});

describe('BenchStack', () => {
  it('asks for a deployment of its own, and removes its directory when none starts', async () => {
    const requests: unknown[] = [];
    const failing = BenchStack.start(
      {
        settings: { cacheRoot: dir, engine: 'auto' },
        log: () => {},
        signal: new AbortController().signal,
        startDeployment: async (request) => {
          requests.push(request);
          throw new Error('no services here');
        },
      },
      { name: 'test', workers: 2, env: { MAX_TRIALS: '10' } },
    );
    await expect(failing).rejects.toThrow('no services here');
    const [request] = requests as { workers: number; dir: string; env: Record<string, string> }[];
    expect(request).toMatchObject({
      workers: 2,
      env: {
        WORKER_CONCURRENCY: '1',
        SEEDSWEEP_CACHE_DIR: dir,
        CHECKPOINT_DIR: path.join(request!.dir, 'checkpoints'),
        MAX_TRIALS: '10',
      },
    });
    expect(path.basename(request!.dir)).toMatch(/^seedsweep-bench-test-/);
    await expect(readFile(request!.dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says so when no deployment can be started', async () => {
    await expect(
      BenchStack.start(
        {
          settings: { cacheRoot: dir, engine: 'auto' },
          log: () => {},
          signal: AbortSignal.abort(),
        },
        { name: 'workers', workers: 1 },
      ),
    ).rejects.toThrow('bench workers needs a deployment');
  });
});
