import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema, retryResponseSchema } from '@seedsweep/api-contract';
import { FairShareSchedule, TrialEnqueuer } from '@seedsweep/queue';
import { ApiError } from '../errors/index.js';
import { sweepParams } from './sweep-params.js';

/**
 * `POST /v1/sweeps/:id/retry`: runs the sweep's failed trials again, whatever their class (a
 * resubmission retries only failures of the environment). Their failures are cleared (each kept
 * as the trial's last failure), so the sweep counts them as queued; nothing else is touched.
 */
export async function sweepRetryRoutes(parent: FastifyInstance): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { queue, store, redis } = app.seedsweep;
  const enqueuer = new TrialEnqueuer(queue, store, redis);
  app.post(
    '/v1/sweeps/:id/retry',
    {
      schema: {
        tags: ['sweeps'],
        summary:
          "Retry a sweep's failed trials, of either class (failures of the trial itself too); needs a read-write key",
        params: sweepParams,
        response: { 200: retryResponseSchema, '4xx': problemSchema },
      },
    },
    async (request) => {
      const { reader } = app.seedsweep;
      const sweep = await reader.sweep(request.params.id);
      if (sweep.lifecycle === 'cancelled') {
        throw new ApiError(
          'SWEEP_CANCELLED',
          `sweep ${sweep.id} is cancelled; submit its definition again to run it`,
          { sweepId: sweep.id },
        );
      }
      const trials = reader.plan(sweep).trials;
      const outcome = await enqueuer.enqueue(trials, undefined, {
        retryFailed: 'all',
        schedule: FairShareSchedule.forSweep(sweep, trials),
        owner: sweep.owner ?? null,
      });
      request.log.info(
        { sweepId: sweep.id, retried: outcome.retried, enqueued: outcome.enqueued },
        'failed trials retried',
      );
      const status = await reader.status(sweep);
      return { ...status, retry: { retried: outcome.retried, enqueued: outcome.enqueued } };
    },
  );
}
