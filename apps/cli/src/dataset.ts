import {
  CraterDataError,
  type InputScale,
  cacheLayout,
  loadRegion,
  locateDataset,
  type PreparedRegion,
  type RegionName,
} from '@seedsweep/crater-data';
import { EnvError, type CliEnv } from './env.js';

export interface PreparationFlags {
  cropScale?: number;
  size?: number;
  splitSeed?: number;
  inputScale?: InputScale;
  minmaxRange?: readonly [number, number];
}

/**
 * The dataset directory: CRATER_DATA_DIR as it is, or the pinned download (from CRATER_DATA_URL,
 * a mirror, when set) verified in the cache.
 */
export async function datasetDir(env: CliEnv, log: (line: string) => void): Promise<string> {
  const announced = new Set<string>();
  return locateDataset(
    { dataDir: env.dataDir, cacheRoot: env.cacheRoot, baseUrl: env.dataUrl },
    (p) => {
      if (announced.size === 0) {
        log(`downloading the crater dataset: ${p.total} file(s), pinned and checksummed`);
      }
      if (!announced.has(p.file)) {
        announced.add(p.file);
        log(`  [${p.done + 1}/${p.total}] ${p.file}`);
      }
    },
  );
}

/** The crater dataset cannot be found or downloaded: a configuration to fix, exit code 2. */
export class DatasetUnavailableError extends EnvError {}

/**
 * Finds the dataset (downloading what is missing) before anything starts, so a run that cannot
 * train says so in one line instead of failing every trial: CRATER_DATA_DIR's copy, else the
 * pinned download from GitHub or CRATER_DATA_URL.
 */
export async function checkDataset(env: CliEnv, log: (line: string) => void): Promise<string> {
  try {
    return await datasetDir(env, log);
  } catch (error) {
    if (!(error instanceof CraterDataError)) throw error;
    const what = env.dataDir
      ? `is not usable at CRATER_DATA_DIR=${env.dataDir}`
      : `could not be downloaded from ${env.dataUrl ? `CRATER_DATA_URL=${env.dataUrl}` : 'GitHub'}`;
    throw new DatasetUnavailableError(
      `the crater dataset ${what}: ${error.message.replace(/\s*\n\s*/g, ' ')} [${error.code}]; set CRATER_DATA_DIR to a copy of the dataset, or CRATER_DATA_URL to a mirror (nothing was started)`,
      { cause: error },
    );
  }
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
    cacheDir: cacheLayout(env.cacheRoot).prepared,
    ...flags,
  });
}
