import { Redis } from 'ioredis';
import { HealthServer, redisReadiness } from '@seedsweep/health';
import { pino } from 'pino';
import { checkRedisServer, RedisUnfitError, SweepStore } from '@seedsweep/store';
import { CheckpointDirectory } from './checkpoint-directory.js';
import { EnvError, parseEnv } from './env.js';
import { TrialWorker } from './trial-worker.js';

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const log = pino({ name: 'worker', level: env.logLevel });
  // BullMQ needs unlimited retries on its connections; they reconnect after a Redis restart.
  const connection = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
  const subscriber = connection.duplicate();
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
    // The trial processes name the worker as this process does, in logs and results.
    childEnv: { ...process.env, WORKER_NAME: env.workerName },
    trialSessions: env.trialScheduling === 'idle',
  });
  log.info(
    {
      concurrency: env.concurrency,
      prefix: env.prefix,
      redis: { url: redactUrl(env.redisUrl), ...report },
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
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now; running trials will be retried elsewhere');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, graceSeconds: env.graceMs / 1000 }, 'stopping: finishing running trials');
    const outcome = await worker.close(env.graceMs);
    log.info({ outcome }, 'worker stopped');
    await health?.close();
    if (pruning) clearInterval(pruning);
    subscriber.disconnect();
    await connection.quit();
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
}

/** At start and hourly: checkpoints are worth keeping while their sweep runs, not for ever. */
function pruneCheckpoints(env: ReturnType<typeof parseEnv>, log: pino.Logger): NodeJS.Timeout {
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

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

main().catch((error: unknown) => {
  if (error instanceof EnvError || error instanceof RedisUnfitError) {
    process.stderr.write(`worker: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`worker: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
