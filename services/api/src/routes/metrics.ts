import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { KeyUsage, SubmissionQuotas } from '../submission-quotas.js';

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
 * numbers: jobs by state, trials done and failed, training seconds, epochs per second, and each
 * API key's usage against its quotas.
 */
export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'seedsweep_api_' });
  const { queue, store, quotas } = app.seedsweep;

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

  if (quotas) keyMetrics(registry, quotas);

  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: false } },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}

/**
 * Per API key (labelled by its name, or its id without one): what its live sweeps hold against
 * each quota, and the quota (0: unlimited). With authentication off there are no keys and none
 * of these. Read once per scrape for all of them.
 */
function keyMetrics(registry: Registry, quotas: SubmissionQuotas): void {
  let scrape: { at: number; report: Promise<KeyUsage[]> } | undefined;
  // Every gauge's collect runs within one scrape: they share one reading of Redis.
  const report = (): Promise<KeyUsage[]> => {
    const now = Date.now();
    if (!scrape || now - scrape.at > 1_000) scrape = { at: now, report: quotas.report() };
    return scrape.report;
  };
  const gauge = (name: string, help: string, read: (k: KeyUsage) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['key'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const k of await report()) this.set({ key: k.name }, read(k));
      },
    });
  gauge(
    'seedsweep_key_queued_trials',
    "Trials of the key's live sweeps with neither a result nor a failure",
    (k) => k.usage.queuedTrials,
  );
  gauge(
    'seedsweep_key_queued_trials_limit',
    'The most queued trials the key may have (maxQueuedTrials); 0: unlimited',
    (k) => k.quota.maxQueuedTrials,
  );
  gauge(
    'seedsweep_key_pending_core_hours',
    "Estimated core-hours of the key's queued trials (each sweep's admitted estimate, pro rata)",
    (k) => k.usage.pendingCoreHours,
  );
  gauge(
    'seedsweep_key_pending_core_hours_limit',
    'The most pending core-hours the key may have (maxCoreHours); 0: unlimited',
    (k) => k.quota.maxCoreHours,
  );
  gauge(
    'seedsweep_key_workers_held',
    "Trials of the key's sweeps in training now, each holding a worker slot",
    (k) => k.workersHeld,
  );
  gauge(
    'seedsweep_key_workers_limit',
    'The most trials of the key in training at once (maxWorkers); 0: unlimited',
    (k) => k.quota.maxWorkers,
  );
}
