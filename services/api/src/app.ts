import { randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type HTTPMethods } from 'fastify';
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
  currentVirtualTime,
  TrialCanceller,
  TrialEnqueuer,
} from '@seedsweep/queue';
import { IdempotencyKeys, PlanCache, SweepStore, type OwnerLockOptions } from '@seedsweep/store';
import type { AppContext } from './app-context.js';
import { ApiKeyRing } from './auth/api-key-ring.js';
import type { AuthOptions } from './auth/auth-options.js';
import type { KeyQuota } from './auth/key-quota.js';
import { adminPlugin } from './plugins/admin.js';
import { authPlugin } from './plugins/auth.js';
import { contentEncodingPlugin } from './plugins/content-encoding.js';
import { dashboardPlugin } from './plugins/dashboard.js';
import { docsPlugin } from './plugins/docs.js';
import { problemDetails } from './plugins/problem-details.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { recordRoutes } from './routes/records.js';
import { sessionRoutes } from './routes/session.js';
import { sweepEventRoutes } from './routes/sweep-events.js';
import { sweepFigureRoutes } from './routes/sweep-figures.js';
import { sweepRoutes } from './routes/sweeps.js';
import { sweepRetryRoutes } from './routes/sweep-retry.js';
import { sweepTrialRoutes } from './routes/sweep-trials.js';
import { GridCache } from './grid-cache.js';
import { SweepPlanner } from './sweep-planner.js';
import { SweepReader } from './sweep-reader.js';
import { SubmissionQuotas } from './submission-quotas.js';
import { SweepSubmitter } from './sweep-submitter.js';

export interface AppOptions {
  /**
   * Used for the store, the queue and the rate limit; the app duplicates it for blocking reads.
   * Not closed by the app. main.ts gives it connectApiRedis's failure behaviour.
   */
  redis: Redis;
  prefix: string;
  maxTrials: number;
  maxBodyBytes: number;
  logger: FastifyBaseLogger | boolean;
  /** API keys, or `{ mode: 'off' }`: required, so that no caller leaves the API open by omission. */
  auth: AuthOptions;
  /** Quotas of the keys whose entries set none (QUOTA_MAX_*); default DEFAULT_KEY_QUOTA. */
  quotaDefaults?: KeyQuota;
  /** The lock around a key's quota check and sweep creation (tests shorten its wait). */
  quotaLock?: OwnerLockOptions;
  /** Requests a minute per API key (per address without one); absent or 0: no limit. */
  rateLimitPerMinute?: number;
  /** How long a request waits for an earlier one with its Idempotency-Key; default 10 s. */
  idempotencyWaitMs?: number;
  /** Trials enqueued before a submission is answered; the rest follow. Default 5,000. */
  enqueueWindow?: number;
}

/** A route as registered: what tests walk to check that every route is guarded. */
export interface RegisteredRoute {
  method: HTTPMethods;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the app, as registered (HEAD routes included). */
    registeredRoutes: readonly RegisteredRoute[];
  }
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
  // Before any route: plugins' routes (docs, bull-board) are recorded too.
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });

  const context = createContext(options, app.log);
  app.decorate('seedsweep', context);
  // The workers read each key's maxWorkers from Redis; sweeps admitted later publish it again,
  // so an API that cannot yet reach Redis only logs it.
  await context.quotas?.publishLimits().catch((error: unknown) => {
    app.log.warn(
      { err: error },
      "could not publish the keys' maxWorkers; each sweep admitted will",
    );
  });
  app.addHook('onClose', async () => {
    await context.submitter.close();
    await context.queueEvents.close();
    await context.queue.close();
  });

  // Both add root onRequest hooks, which run in this order: the rate limit counts every request,
  // including those authentication then refuses. Bodies are read (and decompressed) after both.
  if (options.rateLimitPerMinute) {
    await app.register(rateLimitPlugin, {
      perMinute: options.rateLimitPerMinute,
      redis: options.redis,
      prefix: options.prefix,
    });
  }
  await app.register(authPlugin, { ring: context.keys });
  await app.register(contentEncodingPlugin, { maxBodyBytes: options.maxBodyBytes });

  await app.register(docsPlugin);
  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(sweepRoutes);
  await app.register(sweepRetryRoutes);
  await app.register(sweepTrialRoutes);
  await app.register(sweepFigureRoutes);
  await app.register(sweepEventRoutes);
  await app.register(recordRoutes);
  await app.register(sessionRoutes);
  await app.register(dashboardPlugin);
  await app.register(adminPlugin, { prefix: '/admin/queues' });
  return app;
}

function createContext(options: AppOptions, log: FastifyBaseLogger): AppContext {
  const { redis, prefix } = options;
  const store = new SweepStore({ redis, prefix });
  const keys =
    options.auth.mode === 'keys' ? new ApiKeyRing(options.auth.keys, options.quotaDefaults) : null;
  // Quotas are per key: with authentication off there are none.
  const quotas =
    keys &&
    new SubmissionQuotas({
      redis,
      keys: store.keys,
      ring: keys,
      log,
      ...(options.quotaLock && { lock: options.quotaLock }),
    });
  const queue = createTrialQueue({ connection: redis, prefix });
  const queueEvents = new QueueEvents(TRIAL_QUEUE, {
    // Blocking reads wait out an outage rather than fail after the request path's retries.
    // BullMQ connects (and closes) a duplicate of its own of this one, which never connects.
    connection: redis.duplicate({ maxRetriesPerRequest: null, lazyConnect: true }),
    prefix: bullPrefix(prefix),
  });
  const plans = new PlanCache();
  const reader = new SweepReader(store, queue, plans, redis);
  const planner = new SweepPlanner({
    store,
    reader,
    maxTrials: options.maxTrials,
    maxBodyBytes: options.maxBodyBytes,
  });
  return {
    redis,
    store,
    queue,
    queueEvents,
    keys,
    quotas,
    submitter: new SweepSubmitter({
      store,
      enqueuer: new TrialEnqueuer(queue, store, redis),
      idempotency: new IdempotencyKeys(redis, store.keys),
      maxTrials: options.maxTrials,
      maxBodyBytes: options.maxBodyBytes,
      log,
      virtualTime: () => currentVirtualTime(queue, redis),
      quotas,
      estimate: async (definition, plan) => {
        const summary = await planner.summarise(definition, plan, { workers: 1 });
        return { trials: summary.toRun, coreHours: summary.coreHours.max };
      },
      ...(options.idempotencyWaitMs !== undefined && {
        idempotencyWaitMs: options.idempotencyWaitMs,
      }),
      ...(options.enqueueWindow !== undefined && { enqueueWindow: options.enqueueWindow }),
    }),
    planner,
    reader,
    grids: new GridCache(store),
    canceller: new TrialCanceller(queue, store, redis),
    maxBodyBytes: options.maxBodyBytes,
  };
}
