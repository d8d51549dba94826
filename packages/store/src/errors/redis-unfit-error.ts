/**
 * The Redis server would lose data seedsweep cannot afford to lose: with a memory limit and an
 * eviction policy, Redis may delete a queued job or a result to make room, and that trial is gone.
 */
export class RedisUnfitError extends Error {
  readonly code = 'REDIS_MAY_EVICT';

  constructor(
    message: string,
    readonly details: { maxmemory: number; maxmemoryPolicy: string },
  ) {
    super(message);
    this.name = 'RedisUnfitError';
  }
}
