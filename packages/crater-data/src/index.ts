export {
  DATASET_COMMIT,
  DATASET_REPO,
  DATASET_SHA256,
  DATASET_SOURCE,
  DEFAULT_BASE_URL,
  type DatasetFile,
} from './checksums.js';
export { defaultCacheDir, defaultCacheRoot } from './cache-dir.js';
export { cacheLayout, type CacheLayout } from './cache-layout.js';
export { locateDataset, type DatasetLocation } from './locate-dataset.js';
export {
  resolveDataset,
  type DownloadProgress,
  type ResolveDatasetOptions,
} from './resolve-dataset.js';
export { DEFAULT_DATASET_FILES, REGIONS, regionFiles, type RegionName } from './regions.js';
export { loadRegion, type LoadRegionOptions } from './load-region.js';
export type { ExampleSet, PreparedRegion } from './prepared-region.js';
export {
  DEFAULT_CROP_SCALE,
  DEFAULT_SIZE,
  DEFAULT_SPLIT_SEED,
  isMinmaxRange,
} from './preparation-options.js';
export {
  datasetIdentity,
  datasetIdentityHash,
  PREPARATION_VERSION,
  type DatasetIdentity,
} from './identity.js';
export {
  DEFAULT_INPUT_SCALE,
  DEFAULT_MINMAX_RANGE,
  INPUT_SCALES,
  isInputScale,
  type InputScale,
} from './input-scale.js';
export { datasetStats, type DatasetStatsOptions, type RegionStats } from './dataset-stats.js';
export {
  ChecksumMismatchError,
  CraterDataError,
  DatasetFileMissingError,
  DatasetFormatError,
  DownloadError,
  InvalidOptionError,
} from './errors/index.js';
