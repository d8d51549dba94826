export { RedisServer, type RedisServerOptions } from './redis-server.js';
export { SentinelServer, type SentinelServerOptions } from './sentinel-server.js';
export { RedisServerError } from './errors/redis-server-error.js';
export { freePort } from './free-port.js';
