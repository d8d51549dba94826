import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'failed',
  'completed',
  'paused',
] as const;

/**
 * Prometheus metrics, read from Redis at scrape time so every API replica reports the same
 * numbers: jobs by state, trials done and failed, training seconds, epochs per second.
 */
export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'seedsweep_api_' });
  const { queue, store } = app.seedsweep;

  new Gauge({
    name: 'seedsweep_jobs',
    help: 'Trial jobs in the queue, by BullMQ state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await queue.getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  const counter = (
    name: string,
    help: string,
    read: (c: Awaited<ReturnType<typeof store.counters>>) => number,
  ) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(read(await store.counters()));
      },
    });
  counter('seedsweep_trials_done', 'Trial results written (each trial once)', (c) => c.results);
  counter('seedsweep_trials_failed', 'Trials that failed for good', (c) => c.failures);
  counter(
    'seedsweep_duplicate_results',
    'Second deliveries of a finished trial whose result was not written again',
    (c) => c.duplicateResults,
  );
  counter(
    'seedsweep_imported_results',
    'Trial results written by imports of records files (trained elsewhere)',
    (c) => c.importedResults,
  );
  counter(
    'seedsweep_training_seconds',
    'Training time of all results the workers wrote, summed',
    (c) => c.trainingMs / 1000,
  );
  counter(
    'seedsweep_epochs_trained',
    'Epochs of all results the workers wrote, summed',
    (c) => c.epochs,
  );
  counter(
    'seedsweep_epochs_per_second',
    'Epochs per second of training time, per trial process',
    (c) => (c.trainingMs > 0 ? c.epochs / (c.trainingMs / 1000) : 0),
  );

  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: false } },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}
