import { z } from 'zod';

const rangeSchema = z.object({
  min: z.number().describe('when every RandomOut trial whose baseline is not done is derived'),
  max: z.number().describe('when every such trial trains in full'),
});

/** `POST /v1/sweeps?dryRun=true`: what the sweep would cost here; nothing is written. */
export const planResponseSchema = z.object({
  dryRun: z.literal(true),
  name: z.string(),
  trainerVersion: z.string(),
  trials: z.number().int().describe('unique trials of the sweep'),
  formula: z.string().describe('how the trials are counted, e.g. "regions 2 × seeds 50 × (…)"'),
  groups: z
    .array(
      z.object({
        id: z.string(),
        region: z.string(),
        seeds: z.number().int(),
        cells: z.number().int().describe('(tau, P) cells'),
      }),
    )
    .describe('one (tau, P) grid each'),
  stored: z.number().int().describe('trials with a result in this deployment already'),
  toRun: z.number().int().describe('trials without a result'),
  trainedInFull: z
    .number()
    .int()
    .describe('baselines, and RandomOut trials whose baseline shows a check may fire at once'),
  derived: z
    .number()
    .int()
    .describe(
      'RandomOut trials whose stored baseline proves no check can fire: its result, no training',
    ),
  resumed: z
    .number()
    .int()
    .describe(
      "RandomOut trials that resume from their baseline's state at their first possible firing",
    ),
  unknown: z
    .number()
    .int()
    .describe('RandomOut trials whose baseline has no result yet: derived, resumed or trained'),
  epochs: rangeSchema.describe('epochs to train'),
  coreHours: rangeSchema,
  wallHours: rangeSchema.describe('until the last trial ends on `workers.slots` trials at a time'),
  workers: z.object({
    workers: z.number().int(),
    trialsPerWorker: z.number().int(),
    slots: z.number().int().describe('trials trained at once'),
    assumption: z.string(),
  }),
  secondsPerEpoch: z.array(
    z.object({
      region: z.string(),
      seconds: z.number(),
      source: z
        .enum(['measured', 'default'])
        .describe(
          "measured: the median of this deployment's trained results; default: `seedsweep bench trainer`'s",
        ),
      results: z.number().int().describe('trained results measured in the region'),
    }),
  ),
});
export type PlanResponse = z.infer<typeof planResponseSchema>;
