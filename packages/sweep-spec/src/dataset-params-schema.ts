import { DEFAULT_CROP_SCALE, DEFAULT_SIZE, DEFAULT_SPLIT_SEED } from '@seedsweep/crater-data';
import { z } from 'zod';

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
  })
  .strict();
