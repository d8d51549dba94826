import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { RedisUnfitError } from '@seedsweep/store';
import { buildApp } from './app.js';
import { EnvError, parseEnv } from './env.js';
import { connectApiRedis } from './redis-connection.js';
import { waitForRedis } from './redis-startup.js';

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = pino({ name: 'api', level: env.logLevel });
  if (env.auth.mode === 'off') {
    // `seedsweep start` says this itself, once: it leaves out the line with `auth: 'off'`.
    logger.warn(
      { auth: 'off', host: env.host, port: env.port },
      'authentication is off (AUTH=off): anyone who reaches this address can read, submit and cancel sweeps',
    );
  } else {
    const readOnly = env.auth.keys.filter((k) => k.role === 'read').length;
    logger.info(
      { keys: env.auth.keys.length, readOnly, rateLimitPerMinute: env.rateLimitPerMinute },
      'API keys loaded',
    );
  }
  const redis = connectApiRedis(env.redisUrl);
  let app: FastifyInstance | null = null;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping');
    await app?.close();
    await redis.quit().catch(() => redis.disconnect());
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));

  const report = await waitForRedis(redis, logger);
  logger.info({ redis: report }, 'Redis server checked');
  app = await buildApp({
    redis,
    prefix: env.prefix,
    maxTrials: env.maxTrials,
    maxBodyBytes: env.maxBodyBytes,
    logger,
    auth: env.auth,
    rateLimitPerMinute: env.rateLimitPerMinute,
  });
  await app.listen({ port: env.port, host: env.host });
}

main().catch((error: unknown) => {
  // A configuration to fix, not a crash: one line, exit code 2.
  if (error instanceof EnvError || error instanceof RedisUnfitError) {
    process.stderr.write(`api: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(2);
  }
  process.stderr.write(`api: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
