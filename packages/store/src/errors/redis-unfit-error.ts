/**
 * The Redis server would lose data seedsweep cannot afford to lose: with a memory limit and an
 * eviction policy it may delete a queued job or a result to make room; with a default user that
 * may not run the commands seedsweep writes, it drops them when it replays its AOF at a restart.
 * A replica would refuse every write.
 */
export class RedisUnfitError extends Error {
  constructor(
    readonly code: 'REDIS_MAY_EVICT' | 'REDIS_AOF_REPLAY_DENIED' | 'REDIS_IS_REPLICA',
    message: string,
    readonly details: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'RedisUnfitError';
  }
}
