import { createHash } from 'node:crypto';
import { DATASET_SOURCE } from './checksums.js';
import type { InputScale } from './input-scale.js';
import type { RegionName } from './regions.js';

/**
 * Bump whenever prepared examples or splits would change for the same options (crop geometry,
 * resampling, input scaling, split stream names, candidate order): the hash below keys caches
 * and trial results, so a silent change would mix incompatible data.
 */
export const PREPARATION_VERSION = 1;

/** Everything that determines a region's prepared tensors. */
export interface DatasetIdentity {
  source: typeof DATASET_SOURCE;
  region: RegionName;
  cropScale: number;
  size: number;
  splitSeed: number;
  /**
   * Absent for `standardise`, the only scaling before input scales existed: its identities, and
   * the trial keys built on them, stay what they were, so stored results are still found.
   */
  inputScale?: Exclude<InputScale, 'standardise'>;
  /** Present for `minmax` only: other scales do not read it, so it must not split their keys. */
  minmaxRange?: [number, number];
  preparation: number;
}

/** The identity of `region` prepared with `settings` (defaults filled in). */
export function datasetIdentity(
  region: RegionName,
  settings: {
    cropScale: number;
    size: number;
    splitSeed: number;
    inputScale: InputScale;
    minmaxRange: readonly [number, number];
  },
): DatasetIdentity {
  const { cropScale, size, splitSeed, inputScale, minmaxRange } = settings;
  return {
    source: DATASET_SOURCE,
    region,
    cropScale,
    size,
    splitSeed,
    ...(inputScale !== 'standardise' && { inputScale }),
    ...(inputScale === 'minmax' && { minmaxRange: [minmaxRange[0], minmaxRange[1]] }),
    preparation: PREPARATION_VERSION,
  };
}

/** SHA-256 hex of the identity's canonical JSON (sorted keys, no whitespace). */
export function datasetIdentityHash(identity: DatasetIdentity): string {
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new RangeError(`cannot hash the non-finite number ${value}`);
  }
  return JSON.stringify(value);
}
