export {
  startTestRedis,
  type StartTestRedisOptions,
  type TestRedis,
  type TestRedisSource,
} from './test-redis.js';
export { deleteKeys, uniquePrefix } from './key-prefix.js';
export { startPrivateRedis, type PrivateRedis } from './private-redis.js';
export { fillRedis, unfillRedis } from './full-redis.js';
