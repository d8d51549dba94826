import { z } from 'zod';

/** One trial of `GET /v1/sweeps/:id/trials` (a CSV row has the same columns). */
export const trialRowSchema = z.object({
  key: z.string(),
  label: z.string(),
  region: z.string(),
  seed: z.number().int(),
  baseline: z.boolean(),
  tau: z.number().nullable(),
  activePercent: z.number().nullable(),
  cgn: z.string().nullable(),
  checkEvery: z.string().nullable(),
  minTrainLoss: z.number().nullable(),
  inputScale: z.string().describe('standardise, minmax, unit or raw'),
  epochs: z.number().int(),
  learningRate: z.number(),
  batchSize: z.number().int(),
  dataSeed: z.number().int(),
  state: z.enum(['done', 'failed', 'pending']),
  testAccuracy: z.number().nullable(),
  majorityRate: z.number().nullable(),
  diverged: z.boolean().nullable(),
  epochsRun: z.number().int().nullable(),
  reinitializations: z.number().int().nullable(),
  durationMs: z.number().nullable(),
  backend: z.string().nullable(),
  weightsHash: z.string().nullable(),
  worker: z.string().nullable(),
  finishedAt: z.string().nullable(),
  failure: z.string().nullable(),
  derivedFrom: z
    .string()
    .nullable()
    .describe('the baseline whose result this is, when RandomOut provably never fired'),
});
export type TrialRow = z.infer<typeof trialRowSchema>;

export const trialPageSchema = z.object({
  sweepId: z.string(),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  trials: z.array(trialRowSchema),
});
export type TrialPage = z.infer<typeof trialPageSchema>;
