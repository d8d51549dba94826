import os from 'node:os';
import path from 'node:path';
import {
  defaultCacheDir,
  loadRegion,
  resolveDataset,
  type PreparedRegion,
  type RegionName,
} from '@seedsweep/crater-data';
import type { CliEnv } from './env.js';

export interface PreparationFlags {
  cropScale?: number;
  size?: number;
  splitSeed?: number;
}

/** The dataset directory: CRATER_DATA_DIR as it is, or the verified download in the cache. */
export async function datasetDir(env: CliEnv, log: (line: string) => void): Promise<string> {
  if (env.dataDir) return resolveDataset({ dataDir: env.dataDir });
  let announced = false;
  return resolveDataset({
    cacheDir: env.raw.SEEDSWEEP_CACHE_DIR
      ? path.join(env.cacheRoot, 'crater-dataset')
      : defaultCacheDir(env.raw, os.homedir()),
    onProgress: (p) => {
      if (!announced)
        log(`downloading the crater dataset (${p.total} files, pinned and checksummed)`);
      announced = true;
      if (p.totalBytes !== undefined && p.bytes === p.totalBytes) log(`  ${p.file}`);
    },
  });
}

export async function loadPreparedRegion(
  env: CliEnv,
  region: RegionName,
  flags: PreparationFlags,
  log: (line: string) => void,
): Promise<PreparedRegion> {
  const dir = await datasetDir(env, log);
  return loadRegion(region, {
    dataDir: dir,
    cacheDir: path.join(env.cacheRoot, 'prepared'),
    ...flags,
  });
}
