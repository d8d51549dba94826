import { cacheLayout } from './cache-layout.js';
import { resolveDataset, type DownloadProgress } from './resolve-dataset.js';

export interface DatasetLocation {
  /** A local copy of the dataset: verified, never written. */
  dataDir?: string | undefined;
  /** seedsweep's cache root; the download goes to its `crater-dataset/<commit>`. */
  cacheRoot: string;
  /** A mirror of the pinned commit (same paths); default: GitHub at that commit. */
  baseUrl?: string | undefined;
}

/**
 * The dataset directory of a seedsweep program (the CLI, a worker): `dataDir` as it is, else the
 * pinned download verified in the cache, fetching whatever is missing or corrupt.
 */
export function locateDataset(
  location: DatasetLocation,
  onProgress?: (progress: DownloadProgress) => void,
): Promise<string> {
  if (location.dataDir) return resolveDataset({ dataDir: location.dataDir });
  return resolveDataset({
    cacheDir: cacheLayout(location.cacheRoot).downloads,
    ...(location.baseUrl && { baseUrl: location.baseUrl }),
    ...(onProgress && { onProgress }),
  });
}
