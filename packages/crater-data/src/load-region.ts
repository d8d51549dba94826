import { InvalidOptionError } from './errors/invalid-option-error.js';
import { datasetIdentity, datasetIdentityHash } from './identity.js';
import type { InputScale } from './input-scale.js';
import { preparationSettings } from './preparation-options.js';
import { readPreparedTensors, writePreparedTensors } from './prepared-cache.js';
import { prepareRegion } from './prepare-region.js';
import type { PreparedRegion } from './prepared-region.js';
import { isRegionName, regionFiles, REGIONS, type RegionName } from './regions.js';
import { resolveDataset } from './resolve-dataset.js';

export interface LoadRegionOptions {
  /**
   * A directory holding the dataset (e.g. from resolveDataset). Files are checksummed as they
   * are read. Omitted: the region's files are resolved into the default download cache.
   */
  dataDir?: string;
  /** Directory for prepared-tensor files; omitted: nothing is cached on disk. */
  cacheDir?: string;
  /** Crop side as a multiple of the candidate diameter; default 2. */
  cropScale?: number;
  /** Example side in pixels, 2..64; default 15. */
  size?: number;
  /** Seed of the train/test split, independent of model seeds; default 1. */
  splitSeed?: number;
  /** How grey levels become inputs; default `standardise`. */
  inputScale?: InputScale;
  /** The `minmax` target range; default the authors' [0, 150]. */
  minmaxRange?: readonly [number, number];
}

/**
 * A region's train and test examples. With `cacheDir`, a valid cached file is read instead of
 * preparing from the raw files, and a missing or damaged one is (re)written after preparing.
 */
export async function loadRegion(
  region: RegionName,
  options: LoadRegionOptions = {},
): Promise<PreparedRegion> {
  if (!isRegionName(region)) {
    throw new InvalidOptionError('region', region, `must be one of ${REGIONS.join(', ')}`);
  }
  const settings = preparationSettings(options);
  const identity = datasetIdentity(region, settings);
  const identityHash = datasetIdentityHash(identity);
  const { cacheDir } = options;
  let tensors =
    cacheDir === undefined ? undefined : await readPreparedTensors(cacheDir, identityHash);
  if (tensors === undefined) {
    const dataDir = options.dataDir ?? (await resolveDataset({ files: regionFiles(region) }));
    tensors = await prepareRegion(dataDir, region, settings);
    if (cacheDir !== undefined) await writePreparedTensors(cacheDir, identityHash, tensors);
  }
  return { region, identity, identityHash, ...tensors };
}
