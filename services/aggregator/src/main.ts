import { Redis } from 'ioredis';
import { pino } from 'pino';
import { SweepStore } from '@seedsweep/store';
import { EnvError, parseEnv } from './env.js';
import { GridAggregator } from './grid-aggregator.js';

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const log = pino({ name: 'aggregator', level: env.logLevel });
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
  const reader = redis.duplicate();
  const aggregator = new GridAggregator({
    store: new SweepStore({ redis, prefix: env.prefix }),
    reader,
    log,
    debounceMs: env.debounceMs,
  });
  await aggregator.start();
  log.info({ prefix: env.prefix }, 'aggregator following results');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'stopping');
    await aggregator.close();
    reader.disconnect();
    await redis.quit();
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
}

main().catch((error: unknown) => {
  if (error instanceof EnvError) {
    process.stderr.write(`aggregator: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`aggregator: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
