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
  engine: z
    .string()
    .nullable()
    .describe('the engine that trained it: native, wasm or tfjs (a tfjs backend before trainer 5)'),
  codePath: z.string().nullable().describe('avx512, avx2, sse, wasm-simd128, tfjs-wasm...'),
  weightsHash: z.string().nullable(),
  worker: z.string().nullable(),
  finishedAt: z.string().nullable(),
  failure: z.string().nullable().describe('the error of a failed trial, as the worker saw it'),
  failureClass: z
    .enum(['environment', 'trial'])
    .nullable()
    .describe(
      'environment: retried when the sweep is submitted again; trial: retried only by POST /v1/sweeps/{id}/retry',
    ),
  failureReason: z.string().nullable().describe('the error in one line'),
  failureFix: z.string().nullable().describe('what to do about it, where that is known'),
  derivedFrom: z
    .string()
    .nullable()
    .describe('the baseline whose result this is, when RandomOut provably never fired'),
  resumedFromEpoch: z
    .number()
    .int()
    .nullable()
    .describe("the epoch this trial resumed from, at its baseline's checkpoint; JSON rows only"),
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
