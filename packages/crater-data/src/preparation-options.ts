import { InvalidOptionError } from './errors/invalid-option-error.js';
import {
  DEFAULT_INPUT_SCALE,
  DEFAULT_MINMAX_RANGE,
  INPUT_SCALES,
  isInputScale,
  type InputScale,
} from './input-scale.js';

export const DEFAULT_CROP_SCALE = 2;
export const DEFAULT_SIZE = 15;
/** Fixed by default so every model seed of a sweep sees the same split. */
export const DEFAULT_SPLIT_SEED = 1;

export interface PreparationSettings {
  cropScale: number;
  size: number;
  splitSeed: number;
  inputScale: InputScale;
  /** Read by `minmax` only; other scales carry the default so settings stay one shape. */
  minmaxRange: readonly [number, number];
}

/** Fills in defaults and rejects values outside their documented ranges. */
export function preparationSettings(options: Partial<PreparationSettings>): PreparationSettings {
  const {
    cropScale = DEFAULT_CROP_SCALE,
    size = DEFAULT_SIZE,
    splitSeed = DEFAULT_SPLIT_SEED,
    inputScale = DEFAULT_INPUT_SCALE,
    minmaxRange = DEFAULT_MINMAX_RANGE,
  } = options;
  if (typeof cropScale !== 'number' || !Number.isFinite(cropScale) || cropScale <= 0) {
    throw new InvalidOptionError('cropScale', cropScale, 'must be a finite number > 0');
  }
  if (!Number.isInteger(size) || size < 2 || size > 64) {
    throw new InvalidOptionError('size', size, 'must be an integer from 2 to 64');
  }
  if (!Number.isSafeInteger(splitSeed) || splitSeed < 0) {
    throw new InvalidOptionError('splitSeed', splitSeed, 'must be a non-negative safe integer');
  }
  if (!isInputScale(inputScale)) {
    throw new InvalidOptionError(
      'inputScale',
      inputScale,
      `must be one of ${INPUT_SCALES.join(', ')}`,
    );
  }
  if (!isMinmaxRange(minmaxRange)) {
    throw new InvalidOptionError(
      'minmaxRange',
      minmaxRange,
      'must be two finite numbers [low, high] with low < high',
    );
  }
  return { cropScale, size, splitSeed, inputScale, minmaxRange: [minmaxRange[0], minmaxRange[1]] };
}

export function isMinmaxRange(value: unknown): value is readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [low, high] = value as unknown[];
  return (
    typeof low === 'number' &&
    typeof high === 'number' &&
    Number.isFinite(low) &&
    Number.isFinite(high) &&
    low < high
  );
}
