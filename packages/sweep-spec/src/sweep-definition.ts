import { REGIONS, type InputScale, type RegionName } from '@seedsweep/crater-data';
import {
  LEGACY_BACKEND_CHOICES,
  NUMERIC_FAMILIES,
  randomOutSchema,
  trainConfigSchema,
  type NumericFamily,
  type RandomOutConfig,
} from '@seedsweep/trainer/config';

export type LegacyBackendChoice = (typeof LEGACY_BACKEND_CHOICES)[number];
import { z } from 'zod';
import { datasetParamsSchema } from './dataset-params-schema.js';
import { seedsSchema, type Seeds } from './seeds.js';
import { axis, forward, list } from './value-lists.js';
import { PARSE_PARAMS } from './zod-issues.js';

/** A sweep's dataset parameters: every trial's, but `inputScale`, which is an axis. */
export interface DatasetDefinition {
  cropScale: number;
  size: number;
  splitSeed: number;
  inputScale: InputScale[];
  minmaxRange: [number, number];
}

/**
 * The part of a sweep a case may change: which trials it plans. A sweep without cases is one
 * case, its own.
 */
export interface SweepCase {
  regions: RegionName[];
  seeds: Seeds;
  randomout: {
    tau: number[];
    activePercent: number[];
    cgn: RandomOutConfig['cgn'][];
    checkEvery: RandomOutConfig['checkEvery'][];
    minTrainLoss: (number | null)[];
  };
  training: TrainingAxes;
  dataset: DatasetDefinition;
}

export interface TrainingAxes {
  epochs: number[];
  learningRate: number[];
  batchSize: number[];
  dataSeed: number[];
}

/**
 * A validated sweep with defaults filled in. Every axis is a non-empty list of distinct values
 * in the order written; `seeds` stays a range when written as one.
 */
export interface SweepDefinition extends SweepCase {
  name: string;
  training: TrainingAxes & {
    /**
     * The numeric family the sweep trains in, one per sweep (part of every trial's key):
     * `kernels`, our own kernels (native where built, else WebAssembly: the same bits), or
     * `tfjs`, TensorFlow.js's ops and autograd, the independent reference.
     */
    engine: NumericFamily;
    /**
     * A tfjs backend, in definitions written for trainer versions up to 4 (kept so that they
     * parse as stored and plan their old keys); it decides nothing now.
     */
    backend?: LegacyBackendChoice;
  };
  /**
   * Present when the sweep is a union of cases: each is the sweep's own sections with the case's
   * fields written over them, fully parsed. Axes that must differ between cases (a learning-rate
   * range per input scale, say) would otherwise need their full product.
   */
  cases?: SweepCase[];
  /**
   * How the sweep is weighed against other live sweeps for the workers (fair share): `high`
   * counts its work at a quarter, `low` at four times; not part of any trial's identity.
   * Absent from sweeps stored before priorities existed: `normal`.
   */
  priority?: SweepPriority;
  /** Read by the analysis only; not part of any trial's identity. */
  analysis: {
    /** A baseline failed when its accuracy <= the majority-class rate + this margin. */
    failureMargin: number;
  };
}

export const SWEEP_PRIORITIES = ['high', 'normal', 'low'] as const;
export type SweepPriority = (typeof SWEEP_PRIORITIES)[number];

/** Not given by the paper ("failed to converge"); two points above chance is a clear miss. */
export const DEFAULT_FAILURE_MARGIN = 0.02;

/** Cases are written by hand; a few dozen is already a sweep better split in two. */
export const MAX_CASES = 100;

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

const sections = {
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
      engine: z
        .enum(NUMERIC_FAMILIES, {
          error: () =>
            'must be "kernels" (our kernels: native or wasm, which give the same bits; workers choose with SEEDSWEEP_ENGINE) or "tfjs"',
        })
        .default('kernels'),
      backend: z.enum(LEGACY_BACKEND_CHOICES).optional(),
    })
    .strict()
    .prefault({}),
  dataset: datasetParamsSchema.prefault({}),
};
const caseSchema = z.object(sections).strict();

/** A case as written: any of the sections' fields, checked when merged over the sweep's. */
const caseOverrides = z
  .object({
    regions: z.unknown().optional(),
    seeds: z.unknown().optional(),
    randomout: z.record(z.string(), z.unknown()).optional(),
    // One engine per sweep: its numeric family is part of every key.
    training: z.record(z.string(), z.unknown()).optional(),
    dataset: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

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
    ...sections,
    cases: z.array(caseOverrides).min(1).max(MAX_CASES).optional(),
    priority: z.enum(SWEEP_PRIORITIES).default('normal'),
    analysis: z
      .object({ failureMargin: z.number().min(0).max(0.5).default(DEFAULT_FAILURE_MARGIN) })
      .strict()
      .prefault({}),
  })
  .strict()
  .transform((def, ctx): SweepDefinition => {
    const { cases, ...rest } = def;
    if (cases === undefined) return rest;
    const parsed: SweepCase[] = [];
    cases.forEach((overrides, index) => {
      const clash = (['engine', 'backend'] as const).find(
        (field) =>
          overrides.training?.[field] !== undefined &&
          overrides.training[field] !== def.training[field],
      );
      if (clash) {
        ctx.addIssue({
          code: 'custom',
          path: ['cases', index, 'training', clash],
          message: `${clash} is one per sweep: set it in the sweep, not a case`,
        });
        return;
      }
      // Parsed sections are valid input to their own schemas, so the merge re-parses them.
      const merged = {
        regions: overrides.regions ?? def.regions,
        seeds: overrides.seeds ?? def.seeds,
        randomout: { ...def.randomout, ...overrides.randomout },
        training: { ...def.training, ...overrides.training },
        dataset: { ...def.dataset, ...overrides.dataset },
      };
      const result = caseSchema.safeParse(merged, PARSE_PARAMS);
      if (result.success) {
        // The sweep's engine is every case's: a stored case without it parses again as written.
        const { epochs, learningRate, batchSize, dataSeed } = result.data.training;
        parsed.push({ ...result.data, training: { epochs, learningRate, batchSize, dataSeed } });
      } else forward(ctx, result.error.issues, ['cases', index]);
    });
    if (parsed.length < cases.length) return z.NEVER;
    return { ...rest, cases: parsed };
  });

// Fails to compile if the schema's output and the published type drift apart.
export const sweepDefinitionSchema: z.ZodType<SweepDefinition, unknown> = schema;

/** The sweep's cases, each as a whole definition without cases: what planning iterates. */
export function sweepCases(def: SweepDefinition): SweepDefinition[] {
  if (def.cases === undefined) return [def];
  const { cases, ...rest } = def;
  return cases.map((c) => ({
    ...rest,
    ...c,
    training: {
      ...c.training,
      engine: def.training.engine,
      ...(def.training.backend && { backend: def.training.backend }),
    },
  }));
}
