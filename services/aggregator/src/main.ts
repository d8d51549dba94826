import { Redis } from 'ioredis';
import { HealthServer, redisReadiness } from '@seedsweep/health';
import { pino } from 'pino';
import { createTrialQueue, TrialEnqueuer, TrialReconciler } from '@seedsweep/queue';
import { checkRedisServer, RedisUnfitError, SweepStore } from '@seedsweep/store';
import { EnvError, parseEnv } from './env.js';
import { GridAggregator } from './grid-aggregator.js';
import { ReconcileSchedule } from './reconcile-schedule.js';

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const log = pino({ name: 'aggregator', level: env.logLevel });
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
  const reader = redis.duplicate();
  log.info({ redis: await checkRedisServer(redis) }, 'redis checked');
  const store = new SweepStore({ redis, prefix: env.prefix });
  const queue = createTrialQueue({ connection: redis, prefix: env.prefix });
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
  redis.on('ready', () => {
    log.warn('redis is back: rebuilding grids and reconciling the queue');
    reconciler.forget();
    schedule.runSoon();
    aggregator.resync().catch((error: unknown) => log.error({ err: error }, 'resync failed'));
  });

  let stopping = false;
  const health =
    env.health &&
    (await HealthServer.start({
      ...env.health,
      ready: redisReadiness(redis, () => (stopping ? 'shutting down' : null)),
    }));
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'stopping');
    await health?.close();
    await schedule.close();
    await aggregator.close();
    await queue.close();
    reader.disconnect();
    await redis.quit();
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
}

main().catch((error: unknown) => {
  if (error instanceof EnvError || error instanceof RedisUnfitError) {
    process.stderr.write(`aggregator: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`aggregator: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
