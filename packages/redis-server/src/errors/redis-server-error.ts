/** Why a local redis-server could not be started; `code` is stable for callers to branch on. */
export class RedisServerError extends Error {
  constructor(
    readonly code: 'REDIS_SERVER_NOT_FOUND' | 'REDIS_SERVER_START_FAILED',
    message: string,
    readonly details: { bin: string; port?: number; output?: string } = { bin: 'redis-server' },
  ) {
    super(message);
    this.name = 'RedisServerError';
  }
}
