import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RedisServer } from '@seedsweep/redis-server';

export type TestRedisSource = 'testcontainers' | 'REDIS_URL' | 'redis-server';

export interface TestRedis {
  url: string;
  source: TestRedisSource;
  stop(): Promise<void>;
}

export interface StartTestRedisOptions {
  /** The caller's REDIS_URL, used when no Docker engine answers. */
  redisUrl?: string | undefined;
  /** Skip the Docker probe (it costs a second or two where no engine runs). */
  docker?: boolean;
}

/**
 * A real Redis for a test run, in order of preference: a throwaway container (isolated, same
 * everywhere Docker runs), the REDIS_URL the environment offers, or a redis-server child on a
 * free port with its data in a temporary directory.
 */
export async function startTestRedis(options: StartTestRedisOptions = {}): Promise<TestRedis> {
  if (options.docker !== false) {
    const container = await startContainer();
    if (container) return container;
  }
  if (options.redisUrl) return { url: options.redisUrl, source: 'REDIS_URL', stop: async () => {} };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-test-redis-'));
  const server = await RedisServer.start({ dir });
  return {
    url: server.url,
    source: 'redis-server',
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startContainer(): Promise<TestRedis | undefined> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch {
    return undefined; // No Docker engine here.
  }
  const { RedisContainer } = await import('@testcontainers/redis');
  const container = await new RedisContainer('redis:7-alpine').start();
  return {
    url: container.getConnectionUrl(),
    source: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}
