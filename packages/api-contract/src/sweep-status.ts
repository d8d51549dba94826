import { z } from 'zod';

export const sweepStateSchema = z.enum(['queued', 'running', 'done', 'cancelled', 'failed']);
export type SweepState = z.infer<typeof sweepStateSchema>;

/** States after which nothing more happens to a sweep. */
export const FINAL_STATES: readonly SweepState[] = ['done', 'failed', 'cancelled'];

export const trialCountsSchema = z.object({
  queued: z.number().int(),
  running: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
});
export type TrialCounts = z.infer<typeof trialCountsSchema>;

export const runningTrialSchema = z.object({
  key: z.string(),
  label: z.string(),
  epoch: z.number().int().nullable(),
  epochs: z.number().int().nullable(),
});
export type RunningTrial = z.infer<typeof runningTrialSchema>;

export const sweepLinksSchema = z.object({
  self: z.string(),
  events: z.string(),
  trials: z.string(),
  grid: z.string(),
  gridSvg: z.string(),
  seedsSvg: z.string(),
});
export type SweepLinks = z.infer<typeof sweepLinksSchema>;

export const failureClassSchema = z
  .enum(['environment', 'trial'])
  .describe(
    'environment: where the trial ran (dataset, I/O, Redis, memory), retried when the sweep is submitted again; trial: the trial itself cannot run, retried only by POST /v1/sweeps/{id}/retry',
  );
export type FailureClass = z.infer<typeof failureClassSchema>;

/** The sweep's failed trials that failed the same way. */
export const failureGroupSchema = z.object({
  failureClass: failureClassSchema,
  code: z.string().nullable().describe('the stable code of the error, when it had one'),
  reason: z.string().describe('the error, in one line'),
  fix: z.string().nullable().describe('what to do about it, where that is known'),
  count: z.number().int(),
});
export type FailureGroup = z.infer<typeof failureGroupSchema>;

export const sweepPrioritySchema = z
  .enum(['high', 'normal', 'low'])
  .describe(
    "the sweep's priority class: against a normal sweep, a high one gets 4 turns of the workers for 1, a low one 1 for 4",
  );
export type SweepPriority = z.infer<typeof sweepPrioritySchema>;

/** Where a sweep stands among the live sweeps that share the workers. */
export const fairShareSchema = z.object({
  priority: sweepPrioritySchema,
  running: z.number().int().describe("the sweep's trials running now (counts.running)"),
  runningAll: z.number().int().describe('trials running now in the whole deployment'),
  share: z
    .number()
    .nullable()
    .describe('running / runningAll: its share of the busy workers; null while nothing runs'),
  ahead: z
    .number()
    .int()
    .nullable()
    .describe(
      "queued jobs (of other sweeps) the workers take before the sweep's next queued trial; 0: it is next; null when none of its trials waits to be taken (all done, running, or delayed: RandomOut trials waiting for their baselines)",
    ),
});
export type FairShare = z.infer<typeof fairShareSchema>;

/** A sweep's progress; also the data of the `status` event. */
export const sweepStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
  state: sweepStateSchema,
  trials: z.number().int(),
  reused: z.number().int(),
  enqueued: z.number().int(),
  counts: trialCountsSchema,
  derived: z
    .number()
    .int()
    .describe(
      "done trials whose result is their baseline's, untrained (RandomOut provably never fired); results stored before this count existed are not in it",
    ),
  meanTrialSeconds: z
    .number()
    .nullable()
    .describe("mean training time of the sweep's finished trials"),
  etaSeconds: z
    .number()
    .nullable()
    .describe('remaining trials x mean trial time / trials running now; null until one finished'),
  running: z.array(runningTrialSchema),
  fairShare: fairShareSchema.describe(
    'its share of the workers and its place in the queue: live sweeps take turns by work done',
  ),
  failures: z
    .array(failureGroupSchema)
    .describe('failed trials grouped by class, code and reason, the largest group first'),
});
export type SweepStatus = z.infer<typeof sweepStatusSchema>;

/** `GET /v1/sweeps/:id`. */
export const sweepDetailSchema = sweepStatusSchema.extend({
  definition: z.record(z.string(), z.unknown()).describe('the sweep as validated, defaults filled'),
  links: sweepLinksSchema,
});
export type SweepDetail = z.infer<typeof sweepDetailSchema>;

/** `GET /v1/sweeps`. */
export const sweepListSchema = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  sweeps: z.array(sweepStatusSchema.extend({ links: sweepLinksSchema })),
});
export type SweepList = z.infer<typeof sweepListSchema>;

export const cancellationSchema = z.object({
  removed: z.number().int().describe('waiting trials taken off the queue'),
  stopped: z.number().int().describe('running trials stopped'),
  kept: z.number().int().describe('unfinished trials another live sweep still needs'),
});
export type Cancellation = z.infer<typeof cancellationSchema>;

/** `DELETE /v1/sweeps/:id`. */
export const cancelResponseSchema = sweepStatusSchema.extend({
  alreadyCancelled: z.boolean(),
  cancellation: cancellationSchema,
});
export type CancelResponse = z.infer<typeof cancelResponseSchema>;

/** `POST /v1/sweeps/:id/retry`. */
export const retryResponseSchema = sweepStatusSchema.extend({
  retry: z.object({
    retried: z
      .number()
      .int()
      .describe('failed trials put back on the queue (of either class), their failures cleared'),
    enqueued: z
      .number()
      .int()
      .describe(
        'trials put on the queue: the retried ones, and any unfinished trial without a job',
      ),
  }),
});
export type RetryResponse = z.infer<typeof retryResponseSchema>;
