import { Redis } from 'ioredis';
import { HealthServer, redisReadiness } from '@seedsweep/health';
import { pino } from 'pino';
import { checkRedisServer, RedisUnfitError, SweepStore } from '@seedsweep/store';
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
  });
  log.info(
    {
      concurrency: env.concurrency,
      prefix: env.prefix,
      redis: { url: redactUrl(env.redisUrl), ...report },
    },
    'worker ready',
  );

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
    subscriber.disconnect();
    await connection.quit();
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
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
