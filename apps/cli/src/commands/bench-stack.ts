import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@seedsweep/redis-server';
import type { CommandContext } from '../command.js';
import { LocalStack } from './start.js';

/**
 * A benchmark's own deployment: a redis-server with its data in a temporary directory, the API
 * on a free port, the aggregator and `workers` workers of one trial at a time each, whatever
 * REDIS_URL says, so that nothing of the user's is touched or reused. `stop` removes it all.
 */
export class BenchStack {
  private constructor(
    readonly stack: LocalStack,
    /** The temporary directory: for the benchmark's own files too. */
    readonly dir: string,
  ) {}

  static async start(
    ctx: CommandContext,
    options: { name: string; workers: number; env?: NodeJS.ProcessEnv },
  ): Promise<BenchStack> {
    const dir = await mkdtemp(path.join(os.tmpdir(), `seedsweep-bench-${options.name}-`));
    try {
      const stack = await LocalStack.start(ctx, {
        workers: options.workers,
        port: await freePort(),
        warningsOnly: true,
        ownRedisIn: dir,
        env: {
          WORKER_CONCURRENCY: '1',
          // The dataset from the user's cache; checkpoints of its own, removed with it.
          SEEDSWEEP_CACHE_DIR: ctx.env.cacheRoot,
          CHECKPOINT_DIR: path.join(dir, 'checkpoints'),
          ...options.env,
        },
      });
      return new BenchStack(stack, dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get apiUrl(): string {
    return this.stack.services.apiUrl;
  }

  get redisUrl(): string {
    return this.stack.redisUrl;
  }

  async stop(): Promise<void> {
    try {
      await this.stack.stop();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
