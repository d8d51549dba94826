import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResultsDir, defaultResultsDir, replaceDirectory } from '../src/results-dir.js';
import { UsageError } from '../src/usage-error.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-results-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes `files` (name -> content) into `dir`. */
async function fill(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(dir, name), content);
  }
}

async function contents(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).sort();
  const texts = await Promise.all(names.map((name) => readFile(path.join(dir, name), 'utf8')));
  return Object.fromEntries(names.map((name, i) => [name, texts[i]!]));
}

describe('defaultResultsDir', () => {
  it('is results/<sweep name>, one plain path segment', () => {
    expect(defaultResultsDir('smoke')).toBe(path.join('results', 'smoke'));
    expect(defaultResultsDir('paper-fig3 v2 (East)')).toBe(
      path.join('results', 'paper-fig3_v2_East_'),
    );
    expect(defaultResultsDir('../etc/passwd')).toBe(path.join('results', '_._etc_passwd'));
    expect(defaultResultsDir('.hidden')).toBe(path.join('results', '_hidden'));
    expect(defaultResultsDir('/')).toBe(path.join('results', '_'));
  });
});

describe('replaceDirectory', () => {
  it('writes a new directory, then replaces the previous run whole', async () => {
    const dir = path.join(root, 'results', 'smoke');
    await replaceDirectory(dir, (staging) =>
      fill(staging, { 'sweep.json': 'first', 'grid.svg': '<svg/>', 'seeds-East.png': 'png' }),
    );
    expect(await contents(dir)).toEqual({
      'grid.svg': '<svg/>',
      'seeds-East.png': 'png',
      'sweep.json': 'first',
    });
    const names = await replaceDirectory(dir, async (staging) => {
      // The previous results stay in place while the new ones are written.
      expect(await contents(dir)).toHaveProperty('sweep.json', 'first');
      await fill(staging, { 'sweep.json': 'second', 'trials.csv': 'a,b' });
      return ['sweep.json', 'trials.csv'];
    });
    expect(names).toEqual(['sweep.json', 'trials.csv']);
    // Nothing of the first run is left: no seeds-East.png from a group the second run lacks.
    expect(await contents(dir)).toEqual({ 'sweep.json': 'second', 'trials.csv': 'a,b' });
    // Nor any staging directory beside it.
    expect(await readdir(path.dirname(dir))).toEqual(['smoke']);
  });

  it('leaves the previous results as they were when writing fails half way', async () => {
    const dir = path.join(root, 'kept');
    await replaceDirectory(dir, (staging) => fill(staging, { 'sweep.json': 'good' }));
    const failure = replaceDirectory(dir, async (staging) => {
      await fill(staging, { 'sweep.json': 'half' });
      throw new Error('the API went away');
    });
    await expect(failure).rejects.toThrow('the API went away');
    expect(await contents(dir)).toEqual({ 'sweep.json': 'good' });
    expect(await readdir(root)).not.toContainEqual(expect.stringMatching(/^\.kept\./));
  });
});

describe('checkResultsDir', () => {
  it('accepts a missing or empty directory and an earlier run of results', async () => {
    await expect(checkResultsDir(path.join(root, 'missing'))).resolves.toBeUndefined();
    const dir = path.join(root, 'earlier');
    await mkdir(dir);
    await expect(checkResultsDir(dir)).resolves.toBeUndefined();
    await fill(dir, {
      'grid.json': '{}',
      'grid.svg': '',
      'grid.png': '',
      'seeds-East_lr=0.01.svg': '',
      'seeds-East_lr=0.01.png': '',
      'trials.csv': '',
      'sweep.json': '{}',
    });
    await expect(checkResultsDir(dir)).resolves.toBeUndefined();
  });

  it('refuses a directory with other files, which replacing it would delete', async () => {
    const dir = path.join(root, 'home');
    await mkdir(dir);
    await fill(dir, { 'grid.svg': '', 'thesis.tex': '', 'notes.md': '' });
    const refusal = checkResultsDir(dir);
    await expect(refusal).rejects.toBeInstanceOf(UsageError);
    await expect(checkResultsDir(dir)).rejects.toThrow(
      /holds files that are not results \(.*thesis\.tex/,
    );
    // And replaceDirectory will not replace it either, keeping what it wrote out of the way.
    await expect(
      replaceDirectory(dir, (staging) => fill(staging, { 'sweep.json': 'x' })),
    ).rejects.toBeInstanceOf(UsageError);
    expect(Object.keys(await contents(dir)).sort()).toEqual(['grid.svg', 'notes.md', 'thesis.tex']);
  });

  it('refuses a file', async () => {
    const file = path.join(root, 'a-file');
    await writeFile(file, 'x');
    await expect(checkResultsDir(file)).rejects.toThrow(/is a file, not a directory/);
  });
});
