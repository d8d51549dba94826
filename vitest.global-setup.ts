import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { defaultCacheDir, resolveDataset } from '@seedsweep/crater-data';
import { startTestRedis } from '@seedsweep/redis-fixture';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    /** The one real Redis of this test run; every test uses its own key prefix on it. */
    redisUrl: string;
  }
}

/**
 * Every test reads the real crater data from CRATER_DATA_DIR. Unset, it is the reference copy
 * in ../shared beside the checkout (CI), else the pinned, checksummed download in the user's
 * cache (fetched here if `seedsweep train` has not fetched it already).
 *
 * Tests that touch Redis get a real one: a container where a Docker engine answers, else
 * REDIS_URL, else a redis-server child on a free port.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!process.env.CRATER_DATA_DIR) {
    const shared = path.resolve(repoRoot, '../shared/crater-dataset');
    process.env.CRATER_DATA_DIR = existsSync(path.join(shared, 'SHA256SUMS'))
      ? shared
      : await resolveDataset({ cacheDir: defaultCacheDir(process.env, os.homedir()) });
  }
  const redis = await startTestRedis({ redisUrl: process.env.REDIS_URL || undefined });
  console.log(`tests use Redis from ${redis.source}: ${redis.url}`);
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
