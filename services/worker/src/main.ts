import { HealthServer, redisReadiness } from '@seedsweep/health';
import { pino } from 'pino';
import {
  closeRedis,
  connectRedis,
  describeRedisTarget,
  RedisOutageLog,
  runService,
  type RunningService,
} from '@seedsweep/service-runtime';
import { checkRedisServer, RedisUnfitError, SweepStore } from '@seedsweep/store';
import { CheckpointDirectory } from './checkpoint-directory.js';
import { parseEnv, type WorkerEnv } from './env.js';
import { TrialWorker } from './trial-worker.js';

/**
 * After the grace period, how long cut-off trials have to be handed back to the queue (a few
 * Redis round trips). Past it the worker exits without telling Redis: their locks lapse and the
 * stalled-job check gives them to another worker.
 */
const HAND_BACK_MS = 10_000;

async function start(): Promise<RunningService> {
  const env = parseEnv(process.env);
  const log = pino({ name: 'worker', level: env.logLevel });
  const outages = new RedisOutageLog(log);
  // BullMQ needs unlimited retries on its connections; they reconnect after a Redis restart.
  const connection = connectRedis(env.redis, { maxRetriesPerRequest: null });
  const subscriber = connection.duplicate();
  outages.watch(connection, 'commands');
  outages.watch(subscriber, 'cancellations');
  const report = await checkRedisServer(connection);
  const store = new SweepStore({ redis: connection, prefix: env.prefix });
  const worker = await TrialWorker.start({
    connection,
    subscriber,
    store,
    prefix: env.prefix,
    concurrency: env.concurrency,
    maxStalledCount: env.maxStalledCount,
    lockDurationMs: env.lockDurationMs,
    workerName: env.workerName,
    log,
    onError: (error) => outages.report(error, 'bullmq worker'),
    // The trial processes name the worker as this process does, in logs and results.
    childEnv: { ...process.env, WORKER_NAME: env.workerName },
    trialSessions: env.trialScheduling === 'idle',
  });
  log.info(
    {
      concurrency: env.concurrency,
      prefix: env.prefix,
      redis: { target: describeRedisTarget(env.redis), ...report },
    },
    'worker ready',
  );

  const pruning = env.checkpointMaxAgeMs > 0 ? pruneCheckpoints(env, log) : null;
  let stopping = false;
  const health =
    env.health &&
    (await HealthServer.start({
      ...env.health,
      // Not ready while shutting down: no new traffic, though the running trials go on.
      ready: redisReadiness(connection, () => (stopping ? 'shutting down' : null)),
    }));
  return {
    log,
    stopDeadlineMs: () => (worker.unfinishedJobs().length > 0 ? env.graceMs : 0) + HAND_BACK_MS,
    abandoned: () => ({
      // Their trial processes exit when this one does (they watch their IPC channel).
      unfinishedJobs: worker.unfinishedJobs(),
      redisDown: outages.down,
    }),
    stop: async () => {
      stopping = true;
      log.info({ graceSeconds: env.graceMs / 1000 }, 'finishing running trials');
      const closing = worker.close(env.graceMs);
      // BullMQ's close waits for Redis (taskforcesh/bullmq#4656); with no trial to finish and no
      // Redis to tell, there is nothing to wait for.
      if (worker.unfinishedJobs().length === 0 && (outages.down || connection.status !== 'ready')) {
        log.info('no trial running and Redis unreachable: not waiting for the queue');
        return;
      }
      log.info({ outcome: await closing }, 'worker stopped');
      await health?.close();
      if (pruning) clearInterval(pruning);
      await Promise.all([closeRedis(subscriber), closeRedis(connection)]);
    },
  };
}

/** At start and hourly: checkpoints are worth keeping while their sweep runs, not for ever. */
function pruneCheckpoints(env: WorkerEnv, log: pino.Logger): NodeJS.Timeout {
  const directory = new CheckpointDirectory(env.checkpointDir);
  const prune = () =>
    directory
      .prune({ olderThan: new Date(Date.now() - env.checkpointMaxAgeMs) })
      .then((removed) => {
        if (removed > 0) log.info({ removed, dir: env.checkpointDir }, 'old checkpoints removed');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'checkpoints not pruned'));
  void prune();
  return setInterval(prune, 3_600_000).unref();
}

runService({ name: 'worker', oneLineErrors: [RedisUnfitError], start });
