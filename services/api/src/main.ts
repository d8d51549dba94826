import { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { EnvError, parseEnv } from './env.js';

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = pino({ name: 'api', level: env.logLevel });
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
  const app = await buildApp({
    redis,
    prefix: env.prefix,
    maxTrials: env.maxTrials,
    maxBodyBytes: env.maxBodyBytes,
    logger,
  });
  await app.listen({ port: env.port, host: env.host });

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping');
    await app.close();
    await redis.quit();
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
}

main().catch((error: unknown) => {
  if (error instanceof EnvError) {
    process.stderr.write(`api: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`api: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
