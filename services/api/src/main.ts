import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import {
  closeRedis,
  describeRedisTarget,
  RedisOutageLog,
  runService,
  type RunningService,
} from '@seedsweep/service-runtime';
import { RedisUnfitError } from '@seedsweep/store';
import { buildApp } from './app.js';
import { parseEnv } from './env.js';
import { connectApiRedis } from './redis-connection.js';
import { waitForRedis } from './redis-startup.js';

/** Within the 10 s an orchestrator may be told the API takes to stop. */
const STOP_DEADLINE_MS = 8_000;

async function start(): Promise<RunningService> {
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
  const outages = new RedisOutageLog(logger);
  const redis = connectApiRedis(env.redis);
  outages.watch(redis, 'requests');
  const report = await waitForRedis(redis, logger);
  logger.info(
    { redis: { target: describeRedisTarget(env.redis), ...report } },
    'Redis server checked',
  );
  const app: FastifyInstance = await buildApp({
    redis,
    prefix: env.prefix,
    maxTrials: env.maxTrials,
    maxBodyBytes: env.maxBodyBytes,
    logger,
    auth: env.auth,
    quotaDefaults: env.quotaDefaults,
    rateLimitPerMinute: env.rateLimitPerMinute,
  });
  app.seedsweep.queue.on('error', (error) => outages.report(error, 'queue'));
  app.seedsweep.queueEvents.on('error', (error) => outages.report(error, 'queue events'));
  await app.listen({ port: env.port, host: env.host });
  return {
    log: logger,
    stopDeadlineMs: STOP_DEADLINE_MS,
    // A submission cut short is finished by the aggregator's reconciler (SUBMISSION_GRACE_SECONDS).
    abandoned: () => ({ redisDown: outages.down }),
    stop: async () => {
      await app.close();
      await closeRedis(redis);
    },
  };
}

runService({ name: 'api', oneLineErrors: [RedisUnfitError], start });
