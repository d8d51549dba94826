import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchContext, Deployment } from './context.js';

/**
 * A benchmark's own deployment: a redis-server with its data in a temporary directory, the API,
 * the aggregator and `workers` workers of one trial at a time each, whatever REDIS_URL says, so
 * that nothing of the user's is touched or reused. `stop` removes it all.
 */
export class BenchStack {
  private constructor(
    readonly deployment: Deployment,
    /** The temporary directory: for the benchmark's own files too. */
    readonly dir: string,
  ) {}

  static async start(
    ctx: BenchContext,
    options: {
      name: string;
      workers: number;
      env?: Record<string, string>;
      /** Read-write keys the API takes (AUTH on); none by default (AUTH=off). */
      apiKeys?: readonly string[];
    },
  ): Promise<BenchStack> {
    if (!ctx.startDeployment) {
      throw new Error(`bench ${options.name} needs a deployment: startDeployment is not given`);
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), `seedsweep-bench-${options.name}-`));
    try {
      const deployment = await ctx.startDeployment({
        workers: options.workers,
        dir,
        env: {
          WORKER_CONCURRENCY: '1',
          // The dataset from the user's cache; checkpoints of its own, removed with it.
          SEEDSWEEP_CACHE_DIR: ctx.settings.cacheRoot,
          CHECKPOINT_DIR: path.join(dir, 'checkpoints'),
          ...options.env,
        },
        log: ctx.log,
        ...(options.apiKeys && { apiKeys: options.apiKeys }),
      });
      return new BenchStack(deployment, dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get apiUrl(): string {
    return this.deployment.apiUrl;
  }

  get redisUrl(): string {
    return this.deployment.redisUrl;
  }

  async stop(): Promise<void> {
    try {
      await this.deployment.stop();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
