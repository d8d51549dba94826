import { HealthServer, redisReadiness } from '@seedsweep/health';
import { pino } from 'pino';
import { createTrialQueue, TrialEnqueuer, TrialReconciler } from '@seedsweep/queue';
import {
  closeRedis,
  connectRedis,
  describeRedisTarget,
  RedisOutageLog,
  runService,
  type RunningService,
} from '@seedsweep/service-runtime';
import { checkRedisServer, RedisUnfitError, SweepStore } from '@seedsweep/store';
import { parseEnv } from './env.js';
import { GridAggregator } from './grid-aggregator.js';
import { ReconcileSchedule } from './reconcile-schedule.js';

/** Within the 10 s an orchestrator may be told the aggregator takes to stop. */
const STOP_DEADLINE_MS = 8_000;

async function start(): Promise<RunningService> {
  const env = parseEnv(process.env);
  const log = pino({ name: 'aggregator', level: env.logLevel });
  const outages = new RedisOutageLog(log);
  const redis = connectRedis(env.redis, { maxRetriesPerRequest: null });
  const reader = redis.duplicate();
  outages.watch(redis, 'commands');
  outages.watch(reader, 'results stream');
  log.info(
    { redis: { target: describeRedisTarget(env.redis), ...(await checkRedisServer(redis)) } },
    'redis checked',
  );
  const store = new SweepStore({ redis, prefix: env.prefix });
  const queue = createTrialQueue({ connection: redis, prefix: env.prefix });
  queue.on('error', (error) => outages.report(error, 'queue'));
  const reconciler = new TrialReconciler({
    store,
    enqueuer: new TrialEnqueuer(queue, store, redis),
    submissionGraceMs: env.submissionGraceMs,
  });
  const aggregator = new GridAggregator({ store, reader, log, debounceMs: env.debounceMs });
  await aggregator.start();
  const schedule = new ReconcileSchedule(reconciler, env.reconcileMs, log);
  schedule.start();
  log.info({ prefix: env.prefix }, 'aggregator following results');

  // Redis may come back from a crash without its last writes: look at everything again.
  let stopping = false;
  redis.on('ready', () => {
    if (stopping) return;
    log.warn('redis is back: rebuilding grids and reconciling the queue');
    reconciler.forget();
    schedule.runSoon();
    aggregator.resync().catch((error: unknown) => log.error({ err: error }, 'resync failed'));
  });

  const health =
    env.health &&
    (await HealthServer.start({
      ...env.health,
      ready: redisReadiness(redis, () => (stopping ? 'shutting down' : null)),
    }));
  return {
    log,
    stopDeadlineMs: STOP_DEADLINE_MS,
    // Nothing of the aggregator's is lost by stopping at any point: grids are rebuilt from the
    // stored results at start-up, and a reconciliation pass cut short runs again.
    abandoned: () => ({ redisDown: outages.down }),
    stop: async () => {
      stopping = true;
      await health?.close();
      const closing = (async () => {
        await schedule.close();
        await aggregator.close();
        await queue.close();
      })();
      // Each close waits for its Redis commands; with Redis unreachable they would wait for the
      // outage to end, and nothing of the aggregator's needs finishing.
      if (!outages.down && redis.status === 'ready') await closing;
      await Promise.all([closeRedis(reader), closeRedis(redis)]);
    },
  };
}

runService({ name: 'aggregator', oneLineErrors: [RedisUnfitError], start });
