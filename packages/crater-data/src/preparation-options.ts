import { InvalidOptionError } from './errors/invalid-option-error.js';

export const DEFAULT_CROP_SCALE = 2;
export const DEFAULT_SIZE = 15;
/** Fixed by default so every model seed of a sweep sees the same split. */
export const DEFAULT_SPLIT_SEED = 1;

export interface PreparationSettings {
  cropScale: number;
  size: number;
  splitSeed: number;
}

/** Fills in defaults and rejects values outside their documented ranges. */
export function preparationSettings(options: Partial<PreparationSettings>): PreparationSettings {
  const {
    cropScale = DEFAULT_CROP_SCALE,
    size = DEFAULT_SIZE,
    splitSeed = DEFAULT_SPLIT_SEED,
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
  return { cropScale, size, splitSeed };
}
