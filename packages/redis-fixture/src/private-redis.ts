import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RedisServer, type RedisServerOptions } from '@seedsweep/redis-server';

export interface PrivateRedis {
  server: RedisServer;
  url: string;
  /** Stops the server (cleanly) and removes its data directory. */
  close(): Promise<void>;
}

/**
 * A redis-server of the test's own, on a free port, with its data in a temporary directory: for
 * tests that restart, kill or reconfigure the server, which they must not do to the shared one.
 */
export async function startPrivateRedis(
  options: Omit<RedisServerOptions, 'dir' | 'port'> = {},
): Promise<PrivateRedis> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-private-redis-'));
  const server = await RedisServer.start({ ...options, dir });
  return {
    server,
    url: server.url,
    close: async () => {
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
