import type { DatasetIdentity } from './identity.js';
import type { RegionName } from './regions.js';

/**
 * Examples as the trainer consumes them. x: row-major size x size single-channel images (NHWC,
 * C = 1), example i at [i * size * size, (i + 1) * size * size). y: 1 = crater, 0 = not.
 */
export interface ExampleSet {
  count: number;
  x: Float32Array;
  y: Uint8Array;
}

/** The part of a prepared region that the tensor cache stores. */
export interface PreparedTensors {
  size: number;
  train: ExampleSet;
  test: ExampleSet;
  /** Craters and non-craters in the whole region (train + test). */
  craters: number;
  nonCraters: number;
}

export interface PreparedRegion extends PreparedTensors {
  region: RegionName;
  identity: DatasetIdentity;
  /** datasetIdentityHash(identity): part of every trial's content key. */
  identityHash: string;
}
