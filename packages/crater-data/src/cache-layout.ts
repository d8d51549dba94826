import path from 'node:path';
import { DATASET_COMMIT } from './checksums.js';

export interface CacheLayout {
  /** The pinned download (resolveDataset's cacheDir). */
  downloads: string;
  /** Prepared-tensor files (loadRegion's cacheDir). */
  prepared: string;
}

/**
 * Where the CLI and the workers keep the download and the prepared tensors under one cache root,
 * so a machine that ran `seedsweep train` has nothing left to fetch when it runs a worker.
 */
export function cacheLayout(cacheRoot: string): CacheLayout {
  return {
    downloads: path.join(cacheRoot, 'crater-dataset', DATASET_COMMIT),
    prepared: path.join(cacheRoot, 'prepared'),
  };
}
