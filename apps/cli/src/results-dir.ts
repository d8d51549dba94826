import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './usage-error.js';

/** The files `seedsweep run` writes: a directory holding nothing else may be replaced. */
const RESULT_FILE =
  /^(sweep\.json|grid\.(json|svg|png)|trials\.csv|seeds-.+\.(svg|png)|\..+\.part)$/;

/**
 * Where a sweep's results go by default: results/<its name>, the latest run of that name. The
 * name becomes one plain path segment: characters other than letters, digits, '.', '=' and '-'
 * become '_', and it never starts with a dot (no hidden directory, no '..').
 */
export function defaultResultsDir(sweepName: string): string {
  const segment = sweepName.replace(/[^A-Za-z0-9.=-]+/g, '_').replace(/^\./, '_') || '_';
  return path.join('results', segment);
}

/**
 * Refuses (exit code 2) a results directory that holds anything but results files: replacing it
 * would delete them. A missing or empty directory, or an earlier run's results, are fine.
 */
export async function checkResultsDir(dir: string): Promise<void> {
  const foreign = (await entries(dir)).filter((name) => !RESULT_FILE.test(name));
  if (foreign.length > 0) {
    throw new UsageError(
      `'${dir}' holds files that are not results (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}), and the results replace the whole directory; give another --out`,
    );
  }
}

/**
 * Writes a directory whole or not at all: `fill` writes into a new directory beside `dir`, which
 * then takes the place of `dir` (an earlier run's results go only once the new ones are
 * complete). A failed or interrupted `fill` leaves `dir` as it was. Returns what `fill` returns.
 */
export async function replaceDirectory<T>(
  dir: string,
  fill: (staging: string) => Promise<T>,
): Promise<T> {
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  const tag = randomUUID().slice(0, 8);
  const staging = path.join(parent, `.${base}.${tag}.part`);
  const previous = path.join(parent, `.${base}.${tag}.old`);
  await mkdir(parent, { recursive: true });
  await mkdir(staging);
  let result: T;
  try {
    result = await fill(staging);
    await checkResultsDir(dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  // A directory cannot be renamed over a non-empty one: the old one steps aside first, and
  // comes back if the new one cannot take its place.
  const hadPrevious = await rename(dir, previous).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  try {
    await rename(staging, dir);
  } catch (error) {
    if (hadPrevious) await rename(previous, dir).catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  if (hadPrevious) await rm(previous, { recursive: true, force: true });
  return result;
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') throw new UsageError(`'${dir}' is a file, not a directory`);
    throw error;
  }
}
