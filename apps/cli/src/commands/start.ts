import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandContext, CommandResult } from '../command.js';
import { checkDataset } from '../dataset.js';
import { localRedis } from '../local-redis.js';
import { LocalServices } from '../local-services.js';
import { UsageError } from '../usage-error.js';

export const startHelp = `Usage: seedsweep start [--workers N] [--port P]

Runs the API, the aggregator and N worker processes on this machine until Ctrl-C (which lets
running trials finish first; a second Ctrl-C stops at once, and cut-off trials are retried next
time). Redis is REDIS_URL when set, else a redis-server from the PATH with its data, append-only,
under ./.data/redis.
The API listens on 127.0.0.1 only and takes no API keys (AUTH=off); to serve other machines,
run the API itself with API_KEYS (see docs/operations.md).

  --workers N   worker processes (default WORKERS, else 1); each trains WORKER_CONCURRENCY
                trials at once (default: one per core)
  --port P      the API's port (default PORT, else 8080)

Then, in another terminal: seedsweep submit examples/smoke.yaml --watch`;

const options = {
  workers: { type: 'string' },
  port: { type: 'string' },
} as const;

export async function startCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  const workers = positiveInt('--workers', values.workers) ?? ctx.env.workers;
  const port = positiveInt('--port', values.port) ?? ctx.env.port;
  // Workers without the dataset would fail every trial they take: say so now, in one line.
  await checkDataset(ctx.env, ctx.log);
  const stack = await LocalStack.start(ctx, { workers, port });
  ctx.log(`seedsweep is running (Ctrl-C stops it)`);
  ctx.log(`  dashboard   ${stack.services.apiUrl}/`);
  ctx.log(
    `  API         ${stack.services.apiUrl}   docs ${stack.services.apiUrl}/docs   queues ${stack.services.apiUrl}/admin/queues`,
  );
  ctx.log(`  Redis       ${stack.redisOrigin}`);
  ctx.log(`  workers     ${workers} process(es)`);
  const outcome = await Promise.race([
    stack.failed.then((what) => ({ failed: what })),
    new Promise<{ failed: null }>((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve({ failed: null }), { once: true }),
    ),
  ]);
  ctx.log(
    outcome.failed
      ? `stopping: ${outcome.failed} stopped unexpectedly`
      : 'stopping: waiting for running trials to finish',
  );
  await stack.stop();
  return outcome.failed ? 1 : 0;
}

/** Redis and the services of `seedsweep start` and `seedsweep run`. */
export class LocalStack {
  private constructor(
    readonly services: LocalServices,
    readonly redisUrl: string,
    readonly redisOrigin: string,
    private readonly stopRedis: () => Promise<void>,
    /** Resolves, naming it, when a service or our redis-server exits without being stopped. */
    readonly failed: Promise<string>,
  ) {}

  static async start(
    ctx: CommandContext,
    options: {
      workers: number;
      port: number;
      warningsOnly?: boolean;
      /** A redis-server of its own with its data here, whatever REDIS_URL says (benchmarks). */
      ownRedisIn?: string;
      /** On top of this process's environment, for every service. */
      env?: NodeJS.ProcessEnv;
      /** Read-write API keys the API takes (AUTH on); none by default (AUTH=off). */
      apiKeys?: readonly string[];
    },
  ): Promise<LocalStack> {
    const redis = options.ownRedisIn
      ? await localRedis(undefined, options.ownRedisIn)
      : await localRedis(ctx.env.redisUrl, path.resolve('.data'));
    // Redis and the services run in process groups of their own (so that Ctrl-C reaches only
    // seedsweep, which stops them in order); should seedsweep exit without stopping them, they
    // must not outlive it.
    const killRedis = () => redis.kill();
    process.once('exit', killRedis);
    const stopRedis = async () => {
      await redis.stop();
      // Benchmarks start stack after stack in one process: no listener may outlive its stack.
      process.off('exit', killRedis);
    };
    const services = new LocalServices({
      redisUrl: redis.url,
      port: options.port,
      workers: options.workers,
      env: { ...process.env, ...options.env },
      log: ctx.log,
      warningsOnly: options.warningsOnly ?? false,
      ...(options.apiKeys && { apiKeys: options.apiKeys }),
    });
    services.start();
    try {
      await Promise.race([
        services.waitUntilReady(),
        services.failed.then((name) => {
          throw new Error(`${name} stopped while starting (its log is above)`);
        }),
      ]);
    } catch (error) {
      await services.stop(true);
      await stopRedis();
      throw error;
    }
    const failed = Promise.race([
      services.failed,
      redis.died.then((how) => {
        ctx.log(`${how} unexpectedly: stopping the services`);
        return 'redis-server';
      }),
    ]);
    return new LocalStack(
      services,
      redis.url,
      `${redis.url} from ${redis.origin}`,
      stopRedis,
      failed,
    );
  }

  async stop(): Promise<void> {
    await this.services.stop();
    await this.stopRedis();
  }
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) {
    throw new UsageError(`${flag} must be a whole number from 1 to 65535, got '${value}'`);
  }
  return n;
}
