import path from 'node:path';
import { RedisServer, RedisServerError } from '@seedsweep/redis-server';
import { UsageError } from './usage-error.js';

export interface LocalRedis {
  url: string;
  /** Where it came from, for the start-up banner. */
  origin: string;
  stop(): Promise<void>;
  /** Synchronous, for a process 'exit' hook: SIGKILL if it still runs. */
  kill(): void;
  /**
   * Resolves with a description when a redis-server of ours exits without being stopped (the
   * OOM killer, a crash); never for a REDIS_URL, which is not ours to watch.
   */
  died: Promise<string>;
}

/**
 * REDIS_URL when set; else a redis-server from the PATH with its data (AOF on, so a crash loses
 * at most a second) under ./.data/redis; else an error that says how to get one.
 */
export async function localRedis(
  redisUrl: string | undefined,
  dataDir: string,
): Promise<LocalRedis> {
  if (redisUrl) {
    return {
      url: redisUrl,
      origin: 'REDIS_URL',
      stop: async () => {},
      kill: () => {},
      died: new Promise(() => {}),
    };
  }
  const dir = path.join(dataDir, 'redis');
  try {
    const server = await RedisServer.start({ dir, appendOnly: true });
    let stopping = false;
    return {
      url: server.url,
      origin: `redis-server (data in ${path.relative(process.cwd(), dir) || dir})`,
      stop: () => {
        stopping = true;
        return server.stop();
      },
      kill: () => {
        if (server.running && server.pid !== undefined) process.kill(server.pid, 'SIGKILL');
      },
      died: server.whenExited().then(
        () =>
          new Promise<string>((resolve) => {
            if (!stopping) resolve('redis-server exited');
          }),
      ),
    };
  } catch (error) {
    if (error instanceof RedisServerError && error.code === 'REDIS_SERVER_NOT_FOUND') {
      throw new UsageError(
        'no Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379), install redis-server ' +
          '(apt-get install redis-server, brew install redis), or run one in Docker ' +
          '(docker run -d -p 127.0.0.1:6379:6379 redis:7.2-bookworm --appendonly yes ' +
          '--maxmemory-policy noeviction) and set REDIS_URL=redis://127.0.0.1:6379',
      );
    }
    throw error;
  }
}
