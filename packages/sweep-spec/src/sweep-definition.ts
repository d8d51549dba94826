import { REGIONS, type RegionName } from '@seedsweep/crater-data';
import {
  BACKEND_CHOICES,
  randomOutSchema,
  trainConfigSchema,
  type BackendChoice,
  type RandomOutConfig,
} from '@seedsweep/trainer';
import { z } from 'zod';
import { datasetParamsSchema } from './dataset-params-schema.js';
import type { DatasetParams } from './sweep-plan.js';
import { seedsSchema, type Seeds } from './seeds.js';
import { axis, list } from './value-lists.js';

/**
 * A validated sweep with defaults filled in. Every axis is a non-empty list of distinct values
 * in the order written; `seeds` stays a range when written as one.
 */
export interface SweepDefinition {
  name: string;
  regions: RegionName[];
  seeds: Seeds;
  randomout: {
    tau: number[];
    activePercent: number[];
    cgn: RandomOutConfig['cgn'][];
    checkEvery: RandomOutConfig['checkEvery'][];
    minTrainLoss: (number | null)[];
  };
  training: {
    epochs: number[];
    learningRate: number[];
    batchSize: number[];
    dataSeed: number[];
    /** One backend per sweep: results of different backends differ in the last bits. */
    backend: BackendChoice;
  };
  dataset: DatasetParams;
  /** Read by the analysis only; not part of any trial's identity. */
  analysis: {
    /** A baseline failed when its accuracy <= the majority-class rate + this margin. */
    failureMargin: number;
  };
}

/** Not given by the paper ("failed to converge"); two points above chance is a clear miss. */
export const DEFAULT_FAILURE_MARGIN = 0.02;

export const SWEEP_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;

/**
 * A sweep axis validated by the trainer's own field schema, defaulting to the trainer's default:
 * the ranges and defaults live in one place, so they cannot drift apart.
 */
function trainerAxis<T extends z.ZodType>(field: z.ZodDefault<T>) {
  const fallback = field.parse(undefined) as z.output<T>;
  return axis(field.unwrap()).default(() => [fallback]);
}

const train = trainConfigSchema.shape;
const randomout = randomOutSchema.shape;

const schema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(
        SWEEP_NAME_PATTERN,
        'must start with a letter or digit and hold only letters, digits, spaces, ".", "_", "-"',
      ),
    regions: list(z.enum(REGIONS)),
    seeds: seedsSchema,
    randomout: z
      .object({
        tau: axis(randomout.tau),
        activePercent: axis(randomout.activePercent),
        cgn: trainerAxis(randomout.cgn),
        checkEvery: trainerAxis(randomout.checkEvery),
        minTrainLoss: trainerAxis(randomout.minTrainLoss),
      })
      .strict(),
    training: z
      .object({
        epochs: trainerAxis(train.epochs),
        learningRate: trainerAxis(train.learningRate),
        batchSize: trainerAxis(train.batchSize),
        dataSeed: trainerAxis(train.dataSeed),
        backend: z.enum(BACKEND_CHOICES).default('auto'),
      })
      .strict()
      .prefault({}),
    dataset: datasetParamsSchema.prefault({}),
    analysis: z
      .object({ failureMargin: z.number().min(0).max(0.5).default(DEFAULT_FAILURE_MARGIN) })
      .strict()
      .prefault({}),
  })
  .strict();

// Fails to compile if the schema's output and the published type drift apart.
export const sweepDefinitionSchema: z.ZodType<SweepDefinition, unknown> = schema;
