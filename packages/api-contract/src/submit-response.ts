import { z } from 'zod';
import { sweepLinksSchema } from './sweep-status.js';

/** `POST /v1/sweeps`: 201 when created, 200 when an Idempotency-Key replays it. */
export const submitResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  trials: z.number().int().describe('unique trials of the sweep'),
  reused: z
    .number()
    .int()
    .describe('trials not enqueued by this request: already done, or queued for another sweep'),
  reusedResults: z.number().int(),
  alreadyQueued: z.number().int(),
  enqueued: z.number().int(),
  retried: z
    .number()
    .int()
    .describe(
      'of enqueued, trials that had failed for a reason of the environment (dataset, I/O, Redis, memory) and run again',
    ),
  failed: z
    .number()
    .int()
    .describe(
      'trials that failed for a reason of their own, not enqueued again (POST /v1/sweeps/{id}/retry runs them)',
    ),
  pending: z
    .number()
    .int()
    .describe(
      'trials still being put on the queue after this answer (a large sweep); the counts above are of the rest',
    ),
  createdAt: z.string(),
  links: sweepLinksSchema,
});
export type SubmitResponse = z.infer<typeof submitResponseSchema>;
