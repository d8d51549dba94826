export { EnvError } from './env-error.js';
export {
  healthEnvShape,
  healthOf,
  logEnvShape,
  parseEnvironment,
  redisEnvShape,
  serviceSettingsOf,
  type LogLevel,
  type ParseEnvironmentOptions,
  type ServiceSettings,
} from './service-env.js';
export {
  describeRedisTarget,
  redisTargetOf,
  type RedisTarget,
  type SentinelAddress,
} from './redis-target.js';
export { connectRedis } from './redis-connect.js';
export { closeRedis } from './close-redis.js';
export {
  isConnectionError,
  RedisOutageLog,
  type RedisOutageLogOptions,
} from './redis-outage-log.js';
export {
  EXIT,
  runService,
  type RunningService,
  type RunServiceOptions,
} from './service-lifecycle.js';
