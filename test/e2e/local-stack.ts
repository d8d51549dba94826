import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore } from '@seedsweep/store';
// The built services, as `pnpm start` and the images run them (tests run after `tsc -b`).
import { buildApp } from '../../services/api/dist/app.js';
import { GridAggregator } from '../../services/aggregator/dist/grid-aggregator.js';
import { TrialWorker } from '../../services/worker/dist/trial-worker.js';

const silent = pino({ level: 'silent' });

/**
 * API, workers and aggregator of one test file on the test Redis, under a key prefix of their
 * own: what `pnpm start` runs, in one process (the trials still train in sandboxed children).
 */
export class LocalStack {
  aggregator: GridAggregator | undefined;
  private readonly connections: Redis[] = [];

  private constructor(
    readonly redisUrl: string,
    readonly prefix: string,
    readonly redis: Redis,
    readonly store: SweepStore,
    readonly app: Awaited<ReturnType<typeof buildApp>>,
    readonly baseUrl: string,
    readonly worker: TrialWorker,
    private readonly cacheDir: string,
  ) {}

  static async start(
    redisUrl: string,
    options: { concurrency?: number; auth?: Parameters<typeof buildApp>[0]['auth'] } = {},
  ): Promise<LocalStack> {
    const prefix = uniquePrefix('e2e');
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const store = new SweepStore({ redis, prefix });
    const app = await buildApp({
      redis,
      prefix,
      maxTrials: 1_000,
      maxBodyBytes: 64 * 1024,
      logger: false,
      auth: options.auth ?? { mode: 'off' },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-e2e-'));
    const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const worker = await TrialWorker.start({
      connection: workerConnection,
      subscriber,
      store: new SweepStore({ redis: workerConnection, prefix }),
      prefix,
      concurrency: options.concurrency ?? 2,
      maxStalledCount: 2,
      lockDurationMs: 30_000,
      workerName: 'e2e-worker',
      log: silent,
      childEnv: {
        ...process.env,
        REDIS_URL: redisUrl,
        SEEDSWEEP_PREFIX: prefix,
        SEEDSWEEP_CACHE_DIR: cacheDir,
        LOG_LEVEL: 'warn',
      },
      trialSessions: true,
    });
    const stack = new LocalStack(
      redisUrl,
      prefix,
      redis,
      store,
      app,
      `http://127.0.0.1:${port}`,
      worker,
      cacheDir,
    );
    stack.connections.push(workerConnection, subscriber);
    await stack.startAggregator();
    return stack;
  }

  async startAggregator(): Promise<GridAggregator> {
    const reader = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.connections.push(reader);
    const aggregator = new GridAggregator({
      store: this.store,
      reader,
      log: silent,
      debounceMs: 0,
      blockMs: 200,
    });
    this.aggregator = aggregator;
    await aggregator.start();
    return aggregator;
  }

  async stopAggregator(): Promise<void> {
    await this.aggregator?.close();
    this.aggregator = undefined;
  }

  async stop(): Promise<void> {
    await this.stopAggregator();
    await this.worker.close(5_000);
    await this.app.close();
    await deleteKeys(this.redis, this.prefix);
    for (const connection of this.connections) connection.disconnect();
    this.redis.disconnect();
    await rm(this.cacheDir, { recursive: true, force: true });
  }
}
