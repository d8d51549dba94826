import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@seedsweep/redis-server';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../dist/main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let workDir: string;
let port: number;

const sweep = `name: run-test
regions: [East]
seeds: [50, 51]
randomout: {tau: [0.1], activePercent: [50]}
training: {epochs: 2}
`;

/**
 * `seedsweep run` as a new user meets it: no REDIS_URL and no API running, so it starts a
 * redis-server (data under ./.data), the API, the aggregator and a worker, and stops them all.
 */
function run(...extra: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'run', 'sweep.yaml', ...extra],
      {
        cwd: workDir,
        env: {
          PATH: process.env.PATH,
          HOME: os.homedir(),
          CRATER_DATA_DIR: process.env.CRATER_DATA_DIR,
          SEEDSWEEP_CACHE_DIR: path.join(workDir, 'cache'),
          SEEDSWEEP_URL: `http://127.0.0.1:${port}`,
          WORKER_CONCURRENCY: '2',
        },
        timeout: 110_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function listening(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(p, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-run-'));
  await writeFile(path.join(workDir, 'sweep.yaml'), sweep);
  port = await freePort();
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('seedsweep run', () => {
  it('takes a sweep from file to figures on its own services, then stops them', async () => {
    const first = await run();
    expect(first.stderr).toContain('started Redis');
    // Its API has no keys and listens on loopback only, and it says so once.
    expect(first.stderr.split('\n').filter((line) => /AUTH=off|auth/i.test(line))).toEqual([
      'the API runs without API keys (AUTH=off), on 127.0.0.1 only: other machines cannot reach it',
    ]);
    expect(first.code, first.stderr).toBe(0);
    const id = first.stdout.trim();
    expect(id).toMatch(/^sw-[0-9a-z]+-[0-9a-f]{10}$/);
    expect(first.stderr).toContain('4 trials, 0 reused, 4 enqueued');
    expect(first.stderr).toMatch(/tau=0\.1 +[+-]?\d+\.\d \(n=2\)/);

    // results/<sweep name>: the latest run of that name, its id inside.
    const results = path.join(workDir, 'results', 'run-test');
    expect(await readdir(path.join(workDir, 'results'))).toEqual(['run-test']);
    expect((await readdir(results)).sort()).toEqual([
      'grid.json',
      'grid.png',
      'grid.svg',
      'seeds-East.png',
      'seeds-East.svg',
      'sweep.json',
      'trials.csv',
    ]);
    const record = JSON.parse(await readFile(path.join(results, 'sweep.json'), 'utf8'));
    expect(record).toMatchObject({ id, name: 'run-test', state: 'done', trials: 4 });
    expect(await readFile(path.join(results, 'grid.svg'), 'utf8')).toMatch(/^<svg /);
    for (const png of ['grid.png', 'seeds-East.png']) {
      const bytes = await readFile(path.join(results, png));
      expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    const csv = (await readFile(path.join(results, 'trials.csv'), 'utf8')).trim().split('\r\n');
    expect(csv).toHaveLength(5);
    expect(await listening(port)).toBe(false);

    // Its Redis kept everything on disk (AOF): a second run trains nothing.
    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('4 trials, 4 reused, 0 enqueued');
    // It replaced the first run's results whole, and left nothing else beside them.
    expect(await readdir(path.join(workDir, 'results'))).toEqual(['run-test']);
    const again = JSON.parse(await readFile(path.join(results, 'sweep.json'), 'utf8'));
    // A run is a submission of its own (the trials are reused): its id is the one inside now.
    expect(again.id).toBe(second.stdout.trim());
    expect(again.id).not.toBe(id);
  });

  it('refuses, before starting anything, an --out that holds files other than results', async () => {
    const out = path.join(workDir, 'thesis');
    await mkdir(out);
    await writeFile(path.join(out, 'chapter1.tex'), 'x');
    const refused = await run('--out', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('holds files that are not results (chapter1.tex)');
    expect(refused.stderr).not.toContain('started Redis');
    expect(await readdir(out)).toEqual(['chapter1.tex']);
  });
});
