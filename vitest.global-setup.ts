import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir, resolveDataset } from '@seedsweep/crater-data';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * Every test reads the real crater data from CRATER_DATA_DIR. Unset, it is the reference copy
 * in ../shared beside the checkout (CI), else the pinned, checksummed download in the user's
 * cache (fetched here if `seedsweep train` has not fetched it already).
 */
export default async function setup(): Promise<void> {
  if (process.env.CRATER_DATA_DIR) return;
  const shared = path.resolve(repoRoot, '../shared/crater-dataset');
  process.env.CRATER_DATA_DIR = existsSync(path.join(shared, 'SHA256SUMS'))
    ? shared
    : await resolveDataset({ cacheDir: defaultCacheDir(process.env, os.homedir()) });
}
