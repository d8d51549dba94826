import {
  DEFAULT_CROP_SCALE,
  DEFAULT_INPUT_SCALE,
  DEFAULT_MINMAX_RANGE,
  DEFAULT_SIZE,
  DEFAULT_SPLIT_SEED,
  INPUT_SCALES,
} from '@seedsweep/crater-data';
import { z } from 'zod';
import { axis } from './value-lists.js';

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');

/**
 * crater-data checks these ranges itself but does not export the check, so they are repeated
 * here (dataset-params.test.ts holds the two to the same boundaries): a sweep must be refused
 * when it is submitted, not when its first trial prepares the data.
 */
export const datasetParamsSchema = z
  .object({
    /** Crop side as a multiple of the candidate's diameter. */
    cropScale: z.number().positive().default(DEFAULT_CROP_SCALE),
    /** Example side in pixels. */
    size: z.number().int().min(2).max(64).default(DEFAULT_SIZE),
    /** Seed of the train/test split, independent of the model seeds. */
    splitSeed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(DEFAULT_SPLIT_SEED),
    /** How grey levels become inputs; a list makes it an axis. */
    inputScale: axis(z.enum(INPUT_SCALES)).default(() => [DEFAULT_INPUT_SCALE]),
    /** The range `minmax` scales each crop to; the authors' [0, 150] by default. */
    minmaxRange: z
      .tuple([finite(), finite()])
      .refine(([low, high]) => low < high, 'must be [low, high] with low < high')
      .default((): [number, number] => [DEFAULT_MINMAX_RANGE[0], DEFAULT_MINMAX_RANGE[1]]),
  })
  .strict();
