import {
  cacheLayout,
  loadRegion,
  locateDataset,
  type LoadRegionOptions,
  type PreparedRegion,
  type RegionName,
} from '@seedsweep/crater-data';
import type { BenchSettings } from './context.js';

/**
 * A region prepared for training, from CRATER_DATA_DIR's copy of the dataset or the pinned
 * download (verified in the cache), whose files are announced as they come.
 */
export async function loadPreparedRegion(
  settings: BenchSettings,
  region: RegionName,
  preparation: Omit<LoadRegionOptions, 'dataDir' | 'cacheDir'>,
  log: (line: string) => void,
): Promise<PreparedRegion> {
  const announced = new Set<string>();
  const dataDir = await locateDataset(
    { dataDir: settings.dataDir, cacheRoot: settings.cacheRoot, baseUrl: settings.dataUrl },
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
  return loadRegion(region, {
    dataDir,
    cacheDir: cacheLayout(settings.cacheRoot).prepared,
    ...preparation,
  });
}
