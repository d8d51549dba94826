import { randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import {
  bullPrefix,
  createTrialQueue,
  TRIAL_QUEUE,
  TrialCanceller,
  TrialEnqueuer,
} from '@seedsweep/queue';
import { IdempotencyKeys, PlanCache, SweepStore } from '@seedsweep/store';
import type { AppContext } from './app-context.js';
import { adminPlugin } from './plugins/admin.js';
import { docsPlugin } from './plugins/docs.js';
import { problemDetails } from './plugins/problem-details.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { sweepEventRoutes } from './routes/sweep-events.js';
import { sweepFigureRoutes } from './routes/sweep-figures.js';
import { sweepRoutes } from './routes/sweeps.js';
import { sweepTrialRoutes } from './routes/sweep-trials.js';
import { SweepReader } from './sweep-reader.js';
import { SweepSubmitter } from './sweep-submitter.js';

export interface AppOptions {
  /** Used for the store and the queue; the app duplicates it for blocking reads. Not closed by the app. */
  redis: Redis;
  prefix: string;
  maxTrials: number;
  maxBodyBytes: number;
  logger: FastifyBaseLogger | boolean;
}

/** The API as a Fastify instance: main.ts listens on it, tests inject requests into it. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(typeof options.logger === 'boolean'
      ? { logger: options.logger }
      : { loggerInstance: options.logger }),
    bodyLimit: options.maxBodyBytes,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  problemDetails(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const context = createContext(options, app.log);
  app.decorate('seedsweep', context);
  app.addHook('onClose', async () => {
    await context.queueEvents.close();
    await context.queue.close();
  });

  await app.register(docsPlugin);
  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(sweepRoutes);
  await app.register(sweepTrialRoutes);
  await app.register(sweepFigureRoutes);
  await app.register(sweepEventRoutes);
  await app.register(adminPlugin, { prefix: '/admin/queues' });
  return app;
}

function createContext(options: AppOptions, log: FastifyBaseLogger): AppContext {
  const { redis, prefix } = options;
  const store = new SweepStore({ redis, prefix });
  const queue = createTrialQueue({ connection: redis, prefix });
  const queueEvents = new QueueEvents(TRIAL_QUEUE, {
    connection: redis.duplicate(),
    prefix: bullPrefix(prefix),
  });
  const plans = new PlanCache();
  return {
    redis,
    store,
    queue,
    queueEvents,
    submitter: new SweepSubmitter({
      store,
      enqueuer: new TrialEnqueuer(queue, store, redis),
      idempotency: new IdempotencyKeys(redis, store.keys),
      maxTrials: options.maxTrials,
      maxBodyBytes: options.maxBodyBytes,
      log,
    }),
    reader: new SweepReader(store, queue, plans),
    canceller: new TrialCanceller(queue, store, redis),
    maxBodyBytes: options.maxBodyBytes,
  };
}
