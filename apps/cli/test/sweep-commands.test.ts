import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { freePort } from '@seedsweep/redis-server';

/**
 * The sweep commands against the real services (`pnpm build` first): an API, an aggregator and
 * a worker on the test Redis under a key prefix of their own, and the CLI as a user runs it.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const bin = path.join(repo, 'apps/cli/dist/main.js');
const SWEEP_ID = /^sw-[0-9a-z]+-[0-9a-f]{10}$/;
const WRITE_KEY = 'cli-write-key-0123456789';
const READ_KEY = 'cli-read-key-0123456789';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Service {
  name: string;
  child: ChildProcess;
  /** The last of its output, for the message when it misbehaves. */
  output: string[];
}

const services: Service[] = [];
let prefix: string;
let port: number;
let apiUrl: string;
let workDir: string;

function serviceEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: os.homedir(),
    REDIS_URL: inject('redisUrl'),
    SEEDSWEEP_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

function startService(name: string, script: string, env: Record<string, string> = {}): Service {
  const child = spawn(process.execPath, [path.join(repo, script)], {
    env: serviceEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const service: Service = { name, child, output: [] };
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      service.output.push(text);
      if (service.output.length > 50) service.output.shift();
    });
  }
  services.push(service);
  return service;
}

function startApi(): Service {
  return startService('api', 'services/api/dist/main.js', {
    PORT: String(port),
    API_KEYS: `${WRITE_KEY},read:${READ_KEY}`,
  });
}

/** Polls /readyz (the API answers and reaches Redis); fails early if the API exits. */
async function waitUntilReady(api: Service, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (api.child.exitCode !== null) {
      throw new Error(`the API exited with ${api.child.exitCode}: ${api.output.join('')}`);
    }
    try {
      const response = await fetch(`${apiUrl}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the API was not ready within ${timeoutMs} ms: ${api.output.join('')}`);
}

async function stopService(service: Service, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

function cliEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: os.homedir(),
    SEEDSWEEP_URL: apiUrl,
    SEEDSWEEP_API_KEY: WRITE_KEY,
  };
}

/**
 * Runs the built CLI without a terminal, as a script would; `url` overrides SEEDSWEEP_URL, `env`
 * the rest (an empty value unsets a variable).
 */
function seedsweep(args: string[], url = apiUrl, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...cliEnv(), SEEDSWEEP_URL: url, ...env }, timeout: 110_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts the CLI and resolves once its stderr matches `pattern`; `done` resolves at exit. */
function seedsweepUntil(
  args: string[],
  pattern: RegExp,
): { child: ChildProcess; seen: Promise<void>; done: Promise<Run> } {
  const child = spawn(process.execPath, [bin, ...args], { env: cliEnv() });
  let stdout = '';
  let stderr = '';
  let markSeen!: () => void;
  const seen = new Promise<void>((resolve) => (markSeen = resolve));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (pattern.test(stderr)) markSeen();
  });
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, seen, done };
}

async function sweepFile(name: string, text: string): Promise<string> {
  const file = path.join(workDir, name);
  await writeFile(file, text);
  return file;
}

function tinySweep(name: string, seeds: string, epochs: number, extra = ''): string {
  return `name: ${name}
regions: [East]
seeds: ${seeds}
randomout:
  tau: [1e-3]
  activePercent: [50]
training:
  epochs: [${epochs}]
${extra}`;
}

beforeAll(async () => {
  prefix = uniquePrefix('cli');
  port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  workDir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-cli-sweeps-'));
  const api = startApi();
  await waitUntilReady(api);
  startService('aggregator', 'services/aggregator/dist/main.js');
  startService('worker', 'services/worker/dist/main.js', {
    WORKER_CONCURRENCY: '1',
    // A cut-off trial is retried later: the tests do not wait for one at shutdown.
    WORKER_GRACE_SECONDS: '5',
    CRATER_DATA_DIR: process.env.CRATER_DATA_DIR!,
    SEEDSWEEP_CACHE_DIR: path.join(workDir, 'cache'),
  });
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

describe('a sweep from submit to export', () => {
  let id: string;
  let file: string;

  it('submits with --watch: the id on stdout, a line per trial, then the grid', async () => {
    file = await sweepFile('tiny.yaml', tinySweep('cli tiny', '{from: 0, to: 1}', 2));
    const run = await seedsweep(['submit', file, '--watch']);
    expect(run.stderr).toMatch(/submitted sweep sw-\S+ "cli tiny": 4 trials, 0 reused, 4 enqueued/);
    expect(run.code).toBe(0);
    id = run.stdout.trim();
    expect(id).toMatch(SWEEP_ID);
    expect(run.stderr).toMatch(/^\[\d\/4\] East seed [01] epochs=2 baseline: \d+\.\d%$/m);
    expect(run.stderr).toMatch(/^\[\d\/4\] East seed [01] epochs=2 tau=0\.001 P=50%: \d+\.\d%$/m);
    expect(run.stderr).toMatch(/"cli tiny" done: 4 of 4 trials done, 0 failed/);
    expect(run.stderr).toMatch(
      /^group East \(region East\): baseline mean accuracy \d+\.\d% over 2 of 2 seeds done, 0 at chance$/m,
    );
    expect(run.stderr).toMatch(/^tau=0\.001\s+[-+]?\d+\.\d \(n=2\)$/m);
  });

  it('shows the state and counts with status --json, and lists the sweep', async () => {
    const run = await seedsweep(['status', id, '--json']);
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout) as { state: string; counts: Record<string, number> };
    expect(status.state).toBe('done');
    expect(status.counts).toEqual({ queued: 0, running: 0, done: 4, failed: 0, cancelled: 0 });

    const text = await seedsweep(['status', id]);
    expect(text.stdout).toMatch(new RegExp(`^sweep ${id} "cli tiny": done$`, 'm'));
    expect(text.stdout).toMatch(/4 done, 0 running, 0 queued, 0 failed, 0 cancelled/);

    const list = await seedsweep(['status']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+STATE\s+DONE\s+SHARE\s+AHEAD\s+PRIORITY\s+CREATED$/m);
    // A done sweep has no share and no place; its priority class stays.
    expect(list.stdout).toMatch(
      new RegExp(`^${id}\\s+cli tiny\\s+done\\s+4/4\\s+–\\s+–\\s+normal\\s`, 'm'),
    );
  });

  it('prints the grid by itself, in each metric, and as JSON', async () => {
    const gain = await seedsweep(['grid', id]);
    expect(gain.code).toBe(0);
    expect(gain.stdout).toMatch(/^tau \\ P\s+P=50%$/m);
    expect(gain.stdout).toMatch(/^tau=0\.001\s+[-+]?\d+\.\d \(n=2\)$/m);
    const accuracy = await seedsweep(['grid', id, '--metric', 'accuracy']);
    expect(accuracy.stdout).toMatch(/^tau=0\.001\s+\d+\.\d% \(n=2\)$/m);
    const json = await seedsweep(['grid', id, '--json']);
    const stored = JSON.parse(json.stdout) as { sweepId: string; grid: { trials: object } };
    expect(stored.sweepId).toBe(id);
    expect(stored.grid.trials).toEqual({ total: 4, done: 4 });
  });

  it('exports the trials as CSV with every accuracy filled', async () => {
    const run = await seedsweep(['export', id, '--csv']);
    expect(run.code).toBe(0);
    const [header, ...rows] = run.stdout.trim().split(/\r?\n/);
    const columns = header!.split(',');
    const accuracy = columns.indexOf('testAccuracy');
    expect(accuracy).toBeGreaterThan(-1);
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const value = Number(row.split(',')[accuracy]);
      expect(value).toBeGreaterThan(0.5);
      expect(value).toBeLessThanOrEqual(1);
    }
  });

  it('exports JSON to a file that appears whole, with no temporary file left', async () => {
    const out = path.join(workDir, 'trials.json');
    const run = await seedsweep(['export', id, '--json', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const exported = JSON.parse(await readFile(out, 'utf8')) as {
      sweepId: string;
      total: number;
      trials: { state: string }[];
    };
    expect(exported.sweepId).toBe(id);
    expect(exported.total).toBe(4);
    expect(exported.trials.map((t) => t.state)).toEqual(['done', 'done', 'done', 'done']);
    expect((await readdir(workDir)).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('reuses every result when the same file is submitted again', async () => {
    const run = await seedsweep(['submit', file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/4 trials, 4 reused, 0 enqueued/);
    const second = run.stdout.trim();
    expect(second).toMatch(SWEEP_ID);
    expect(second).not.toBe(id);
  });

  it('refuses a file with an unknown field in one line naming it', async () => {
    const bad = await sweepFile('bad.yaml', tinySweep('cli bad', '[0]', 2, 'bogus: 1\n'));
    const run = await seedsweep(['submit', bad]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^seedsweep: .*bogus.* \[INVALID_SWEEP\]$/m);
  });

  it('says in one line that a well-formed but unknown id names no sweep', async () => {
    const run = await seedsweep(['grid', 'sw-zzzzzzzz-0123456789']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'seedsweep: there is no sweep sw-zzzzzzzz-0123456789 [SWEEP_NOT_FOUND]\n',
    );
  });
});

describe('API keys', () => {
  it('says in one line to set SEEDSWEEP_API_KEY when the API wants a key and none is set', async () => {
    const run = await seedsweep(['status'], apiUrl, { SEEDSWEEP_API_KEY: '' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `seedsweep: the seedsweep API at ${apiUrl} needs an API key; set SEEDSWEEP_API_KEY [API_KEY_REQUIRED]\n`,
    );
  });

  it("says in one line that the key is not one of the API's", async () => {
    const run = await seedsweep(['status'], apiUrl, {
      SEEDSWEEP_API_KEY: 'wrong-key-0123456789ab',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `seedsweep: the seedsweep API at ${apiUrl} does not accept the key in SEEDSWEEP_API_KEY; set SEEDSWEEP_API_KEY to one of its keys [API_KEY_INVALID]\n`,
    );
    expect(run.stderr).not.toContain('wrong-key');
  });

  it('reads with a read-only key, and says in one line that it cannot submit with it', async () => {
    const list = await seedsweep(['status', '--json'], apiUrl, { SEEDSWEEP_API_KEY: READ_KEY });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ total: expect.any(Number) });
    const file = await sweepFile('read-only.yaml', tinySweep('cli read-only', '[0]', 2));
    const submit = await seedsweep(['submit', file], apiUrl, { SEEDSWEEP_API_KEY: READ_KEY });
    expect(submit.code).toBe(2);
    expect(submit.stderr).toBe(
      'seedsweep: the key in SEEDSWEEP_API_KEY is read-only; set SEEDSWEEP_API_KEY to a read-write key to submit or cancel [API_KEY_READ_ONLY]\n',
    );
  });

  it('refuses a SEEDSWEEP_API_KEY that cannot be a key, without printing it', async () => {
    const run = await seedsweep(['status'], apiUrl, {
      SEEDSWEEP_API_KEY: 'has a space 0123456789',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'seedsweep: SEEDSWEEP_API_KEY: must be an API key: letters, digits and . _ ~ + / = -\n',
    );
  });
});

describe('watching through trouble', () => {
  it('reconnects when the API restarts, and still sees the sweep to its end', async () => {
    const file = await sweepFile('restart.yaml', tinySweep('cli restart', '{from: 10, to: 11}', 6));
    const submitted = await seedsweep(['submit', file]);
    const id = submitted.stdout.trim();
    expect(id).toMatch(SWEEP_ID);

    const watch = seedsweepUntil(['status', id, '--watch'], /^watching sweep /m);
    await watch.seen;
    // A crash, not a shutdown: the stream drops at once. Then a new API on the same port.
    const api = services.find((s) => s.name === 'api' && s.child.exitCode === null)!;
    await stopService(api, 'SIGKILL');
    await waitUntilReady(startApi());

    const run = await watch.done;
    expect(run.stderr).toMatch(/event stream lost \(.*\); reconnecting in/);
    expect(run.stderr).toMatch(/"cli restart" done: 4 of 4 trials done/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^sweep ${id} "cli restart": done$`, 'm'));
  });

  it('stops watching at Ctrl-C with 130 while the sweep goes on; cancel ends it', async () => {
    const file = await sweepFile('long.yaml', tinySweep('cli long', '{from: 20, to: 23}', 150));
    const submitted = await seedsweep(['submit', file]);
    const id = submitted.stdout.trim();

    // Live: its share of the workers and its place in the queue (alone on it: next, or its
    // trials left wait for their baselines).
    const live = await seedsweep(['status', id]);
    expect(live.stdout).toMatch(
      /^ {2}share\s+(nothing runs now|\d of \d running trials \(\d+%\)), priority normal$/m,
    );
    expect(live.stdout).toMatch(
      /^ {2}place\s+(its next trial is the next to be taken|no trial waiting)/m,
    );

    const watch = seedsweepUntil(['status', id, '--watch'], /^watching sweep /m);
    await watch.seen;
    watch.child.kill('SIGINT');
    const stopped = await watch.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain(`'seedsweep status ${id} --watch' watches it again`);
    expect((await seedsweep(['status', id, '--json'])).stdout).toMatch(
      /"state":"(queued|running)"/,
    );

    const cancel = await seedsweep(['cancel', id]);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(
      new RegExp(
        `^cancelled sweep ${id} "cli long": \\d+ queued trials removed, \\d+ running stopped, 0 kept for other sweeps`,
      ),
    );
    const again = await seedsweep(['cancel', id, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ alreadyCancelled: true, state: 'cancelled' });

    const after = await seedsweep(['status', id, '--watch']);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/"cli long" cancelled: /);
  });
});

describe('mistakes caught before any request', () => {
  it('says in one line that nothing answers at SEEDSWEEP_URL, and how to start the API', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const run = await seedsweep(['status'], nobody);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `seedsweep: the seedsweep API is not reachable at ${nobody} (ECONNREFUSED): 'pnpm start' runs it; SEEDSWEEP_URL says where it is [API_UNREACHABLE]\n`,
    );
  });

  it.each([
    [['submit'], /submit needs a sweep file/],
    [['submit', 'missing.yaml'], /cannot read sweep file 'missing.yaml': no such file/],
    [['submit', 'sweep.txt'], /extension '\.txt'; name it \.yaml, \.yml or \.json/],
    [['submit', 'a.yaml', '--idempotency-key', 'has space'], /--idempotency-key must be/],
    [['grid'], /grid needs a sweep id/],
    [['grid', 'sweep-1'], /'sweep-1' is not a sweep id/],
    [
      ['grid', 'sw-zzzzzzzz-0123456789', '--metric', 'mean'],
      /--metric must be one of gain, accuracy, p/,
    ],
    [
      ['export', 'sw-zzzzzzzz-0123456789', '--csv', '--json'],
      /--csv, --json and --records exclude each other/,
    ],
    [['cancel', 'sw-zzzzzzzz-012345678'], /is not a sweep id/],
    [['status', '--watch'], /--watch needs a sweep id/],
    [['status', '--limit', '0'], /--limit must be 1-500/],
  ])('refuses %j with exit code 2 and one line', async (args, message) => {
    const run = await seedsweep(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it('refuses a SEEDSWEEP_URL that is not an http URL, naming the variable', async () => {
    const run = await seedsweep(['status'], 'localhost:8080');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('seedsweep: SEEDSWEEP_URL: must be an http:// or https:// URL\n');
  });
});
