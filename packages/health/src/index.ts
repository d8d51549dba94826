export { HealthServer, type HealthServerOptions, type ReadinessCheck } from './health-server.js';
export { redisReadiness, type Pingable } from './redis-readiness.js';
