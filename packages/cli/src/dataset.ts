import {
  type InputScale,
  cacheLayout,
  loadRegion,
  locateDataset,
  type PreparedRegion,
  type RegionName,
} from '@seedsweep/crater-data';
import type { CliEnv } from './env.js';

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
