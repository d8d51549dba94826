import { mkdir, mkdtemp, readFile, rm, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createTrialQueue, type TrialQueue } from '@seedsweep/queue';
import { freePort, RedisServer } from '@seedsweep/redis-server';
import type { SweepGrid } from '@seedsweep/stats';
import { SweepStore } from '@seedsweep/store';
import { aofCommands, endOfTransactionWriting, incrAofFile } from './aof-file.js';
import { SentinelRedis, type FailoverFigures } from './sentinel-redis.js';
import { ServiceProcess } from './service-process.js';

const PREFIX = 'chaos';
const API_KEY = 'chaos-key-0123456789abcdef';
// Services log in as an ACL user, as they would against a Redis that is not open to the world.
// The default user is switched off but keeps its permissions: Redis replays the AOF's
// transactions as the default user and re-checks EXEC against its rules, silently dropping every
// MULTI it refuses (redis/redis#14541); a default user with no rules loses nearly all the data
// at the first restart.
const REDIS_USER = 'seedsweep';
const REDIS_PASSWORD = 'chaos-secret-7f3a';
const REDIS_ARGS = [
  '--user',
  'default',
  'off',
  '~*',
  '&*',
  '+@all',
  '--user',
  REDIS_USER,
  'on',
  `>${REDIS_PASSWORD}`,
  '~*',
  '&*',
  '+@all',
];
/** The name the sentinels monitor the primary under (REDIS_SENTINEL_MASTER). */
const SENTINEL_MASTER = 'chaos-primary';
/** What the cluster sets itself; a developer's own REDIS_URL must not reach the services. */
const REDIS_VARIABLES = [
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_MASTER',
  'REDIS_USERNAME',
  'REDIS_PASSWORD',
  'REDIS_SENTINEL_PASSWORD',
];
const main = (service: string) => path.resolve(`services/${service}/dist/main.js`);

export interface ChaosClusterOptions {
  workers: number;
  aggregators: number;
  /** Short, so a killed worker's trial runs again within seconds (the minimum the worker takes). */
  lockSeconds?: number;
  graceSeconds?: number;
  /**
   * Redis behind Sentinel: a primary, one replica and three sentinels (quorum 2, 1 s to notice
   * a dead primary) instead of one server. The services get REDIS_SENTINELS and
   * REDIS_SENTINEL_MASTER instead of REDIS_URL; `failOverRedis` kills the primary.
   */
  sentinel?: boolean;
}

/** A failover's figures, and the results the old primary had acknowledged and the new lacks. */
export interface RedisFailover extends FailoverFigures {
  resultsForgotten: number;
}

export interface WorkerKill {
  worker: string;
  at: number;
  /** Jobs the worker was running when it died: they must run again elsewhere. */
  activeJobIds: string[];
}

export interface SweepStatusBody {
  id: string;
  state: string;
  trials: number;
  counts: { queued: number; running: number; done: number; failed: number; cancelled: number };
}

/**
 * A whole deployment in processes of their own, on a redis-server of its own (AOF on,
 * `appendfsync everysec`, an ACL user): the API, aggregators and workers, each killable the way
 * a crash kills it, each with its log file kept for the figures.
 */
export class ChaosCluster {
  readonly workers: ServiceProcess[] = [];
  readonly aggregators: ServiceProcess[] = [];
  /** Every worker ever started, dead or alive: their logs hold the figures. */
  readonly workerHistory: ServiceProcess[] = [];
  readonly aggregatorHistory: ServiceProcess[] = [];
  api!: ServiceProcess;
  redisRestarts = 0;
  /** Commands a crash took out of the AOF, or a failover's replica never had: what Redis forgot. */
  aofCommandsForgotten = 0;
  readonly failovers: RedisFailover[] = [];
  private workerCount = 0;
  private aggregatorCount = 0;

  private constructor(
    readonly dir: string,
    /** The one redis-server, or null behind Sentinel. */
    private redisServer: RedisServer | null,
    private readonly sentinelRedis: SentinelRedis | null,
    readonly client: Redis,
    readonly store: SweepStore,
    readonly queue: TrialQueue,
    readonly baseUrl: string,
    private readonly apiPort: number,
    private readonly options: ChaosClusterOptions,
  ) {}

  static async start(options: ChaosClusterOptions): Promise<ChaosCluster> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-chaos-'));
    await mkdir(path.join(dir, 'logs'));
    const sentinelRedis = options.sentinel
      ? await SentinelRedis.start({
          dir: path.join(dir, 'redis'),
          masterName: SENTINEL_MASTER,
          args: REDIS_ARGS,
          user: REDIS_USER,
          password: REDIS_PASSWORD,
        })
      : null;
    const redisServer = sentinelRedis
      ? null
      : await RedisServer.start({
          dir: path.join(dir, 'redis'),
          appendOnly: true,
          args: REDIS_ARGS,
        });
    const client = sentinelRedis
      ? sentinelRedis.client({ maxRetriesPerRequest: null })
      : new Redis(redisUrl(redisServer!.port), { maxRetriesPerRequest: null });
    const store = new SweepStore({ redis: client, prefix: PREFIX });
    const queue = createTrialQueue({ connection: client, prefix: PREFIX });
    const apiPort = await freePort();
    const cluster = new ChaosCluster(
      dir,
      redisServer,
      sentinelRedis,
      client,
      store,
      queue,
      `http://127.0.0.1:${apiPort}`,
      apiPort,
      options,
    );
    cluster.startApi();
    for (let i = 0; i < options.aggregators; i++) cluster.startAggregator();
    for (let i = 0; i < options.workers; i++) cluster.startWorker();
    await cluster.waitForApi();
    return cluster;
  }

  /** The Redis of a cluster without Sentinel: the scenarios that restart or crash it. */
  private get server(): RedisServer {
    if (!this.redisServer) throw new Error('this cluster runs Redis behind Sentinel');
    return this.redisServer;
  }

  get redisUrl(): string {
    return redisUrl(this.server.port);
  }

  private redisEnv(): Record<string, string> {
    if (!this.sentinelRedis) return { REDIS_URL: this.redisUrl };
    return {
      REDIS_SENTINELS: this.sentinelRedis.addresses,
      REDIS_SENTINEL_MASTER: SENTINEL_MASTER,
      REDIS_USERNAME: REDIS_USER,
      REDIS_PASSWORD,
    };
  }

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    const inherited = { ...process.env };
    for (const name of REDIS_VARIABLES) delete inherited[name];
    return {
      ...inherited,
      ...this.redisEnv(),
      SEEDSWEEP_PREFIX: PREFIX,
      SEEDSWEEP_CACHE_DIR: path.join(this.dir, 'cache'),
      LOG_LEVEL: 'info',
      ...extra,
    };
  }

  private log(name: string): string {
    return path.join(this.dir, 'logs', `${name}.log`);
  }

  startApi(): void {
    this.api = ServiceProcess.start(
      'api',
      main('api'),
      this.env({
        PORT: String(this.apiPort),
        HOST: '127.0.0.1',
        API_KEYS: API_KEY,
        RATE_LIMIT_PER_MINUTE: '0',
        LOG_LEVEL: 'warn',
      }),
      this.log('api'),
    );
  }

  startAggregator(): ServiceProcess {
    const name = `aggregator-${++this.aggregatorCount}`;
    const aggregator = ServiceProcess.start(
      name,
      main('aggregator'),
      this.env({
        RECONCILE_SECONDS: '2',
        SUBMISSION_GRACE_SECONDS: '3',
        AGGREGATOR_DEBOUNCE_MS: '50',
      }),
      this.log(name),
    );
    this.aggregators.push(aggregator);
    this.aggregatorHistory.push(aggregator);
    return aggregator;
  }

  startWorker(): ServiceProcess {
    const name = `worker-${++this.workerCount}`;
    const worker = ServiceProcess.start(
      name,
      main('worker'),
      this.env({
        WORKER_NAME: name,
        WORKER_CONCURRENCY: '1',
        // The scenarios are timed for wasm's trial durations (a kill or a freeze must land
        // mid-trial); the native engine trains the same bits several times faster.
        SEEDSWEEP_ENGINE: 'wasm',
        WORKER_LOCK_SECONDS: String(this.options.lockSeconds ?? 5),
        WORKER_GRACE_SECONDS: String(this.options.graceSeconds ?? 5),
      }),
      this.log(name),
    );
    this.workers.push(worker);
    this.workerHistory.push(worker);
    return worker;
  }

  /** SIGKILLs a worker (its trial processes with it) and starts a new one in its place. */
  async killWorker(index: number): Promise<WorkerKill> {
    const [worker] = this.workers.splice(index, 1);
    const active = await this.queue.getActive().catch(() => []);
    const at = Date.now();
    await worker!.kill('SIGKILL');
    this.startWorker();
    return {
      worker: worker!.name,
      at,
      activeJobIds: active.filter((j) => j.processedBy === worker!.name).map((j) => j.id!),
    };
  }

  async killAggregator(index: number): Promise<void> {
    const [aggregator] = this.aggregators.splice(index, 1);
    await aggregator!.kill('SIGKILL');
    this.startAggregator();
  }

  /**
   * Behind Sentinel: SIGKILLs the primary after `unreplicatedMs` of writes its replica never
   * received (replication cut first), and returns once the sentinels have promoted the replica,
   * with what the promoted replica lacks of the sweeps' results the old primary had acknowledged.
   */
  async failOverRedis(sweepIds: string[], unreplicatedMs: number): Promise<RedisFailover> {
    if (!this.sentinelRedis) throw new Error('failOverRedis needs a cluster started with sentinel');
    const keys = (await Promise.all(sweepIds.map((id) => this.store.sweepTrialKeys(id)))).flat();
    const figures = await this.sentinelRedis.failOver(unreplicatedMs, async (redis) => {
      const present = await new SweepStore({ redis, prefix: PREFIX }).resultsPresent(keys);
      return new Set(keys.filter((_, i) => present[i]));
    });
    const { before, after, ...rest } = figures;
    const failover: RedisFailover = {
      ...rest,
      resultsForgotten: [...before].filter((key) => !after.has(key)).length,
    };
    this.failovers.push(failover);
    this.aofCommandsForgotten += failover.writesForgotten;
    return failover;
  }

  /** SHUTDOWN by SIGTERM: the AOF is flushed, nothing is lost. */
  async restartRedis(): Promise<void> {
    await this.server.stop();
    await this.startRedisAgain();
  }

  /**
   * SIGKILL, then the AOF is cut back to just after `sweepId` was stored, as a host that loses
   * power takes with it the writes `appendfsync everysec` had not yet synced (a killed process
   * alone loses none: Redis has written them to the kernel). Redis forgets the jobs added for
   * the sweep, and everything after: what only the reconciler can repair.
   */
  async crashRedisForgettingJobsOf(sweepId: string): Promise<void> {
    await this.server.kill();
    const file = await incrAofFile(this.server.dir);
    const aof = await readFile(file);
    const cut = endOfTransactionWriting(aof, this.store.keys.sweep(sweepId));
    if (cut === null) throw new Error(`sweep ${sweepId} is not in the AOF`);
    this.aofCommandsForgotten += aofCommands(aof.subarray(cut)).length;
    // Redis loads a file cut mid-transaction (aof-load-truncated, the default).
    await truncate(file, cut);
    await this.startRedisAgain();
  }

  private async startRedisAgain(): Promise<void> {
    this.redisServer = await RedisServer.start({
      dir: this.server.dir,
      port: this.server.port,
      appendOnly: true,
      args: REDIS_ARGS,
    });
    this.redisRestarts += 1;
  }

  /** An API call with the key; retried while the API or Redis is coming back. */
  async request<T>(
    method: string,
    route: string,
    body?: string,
  ): Promise<{ status: number; body: T }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`${this.baseUrl}${route}`, {
          method,
          headers: {
            authorization: `Bearer ${API_KEY}`,
            ...(body !== undefined && { 'content-type': 'application/yaml' }),
          },
          ...(body !== undefined && { body }),
          signal: AbortSignal.timeout(15_000),
        });
        if (response.status === 503 && attempt < 60) {
          await sleep(500);
          continue;
        }
        return { status: response.status, body: (await response.json()) as T };
      } catch (error) {
        if (attempt >= 60) throw error;
        await sleep(500);
      }
    }
  }

  /** Polls the sweep until it is done or failed, calling `onPoll` in between (the chaos). */
  async untilSweepEnds(
    id: string,
    timeoutMs: number,
    onPoll?: (status: SweepStatusBody) => Promise<void>,
  ): Promise<SweepStatusBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status, body } = await this.request<SweepStatusBody>('GET', `/v1/sweeps/${id}`);
      if (status !== 200)
        throw new Error(`GET /v1/sweeps/${id}: ${status} ${JSON.stringify(body)}`);
      if (body.state === 'done' || body.state === 'failed') return body;
      if (Date.now() > deadline) return body;
      await onPoll?.(body);
      await sleep(500);
    }
  }

  /** The grid the aggregators saved, once it counts every trial of the sweep as done. */
  async aggregatedGrid(id: string, done: number, timeoutMs = 30_000): Promise<SweepGrid | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const stored = await this.store.getGrid<SweepGrid>(id);
      if (stored?.grid.trials.done === done) return stored.grid;
      await sleep(250);
    }
    return null;
  }

  /** How many result events the stream holds per trial key: exactly one each, or a bug. */
  async resultEventsPerKey(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    let after = '0-0';
    for (;;) {
      const events = await this.store.readEvents(after, { count: 5000 });
      if (events.length === 0) return counts;
      for (const event of events) {
        if (event.type === 'result') counts.set(event.key, (counts.get(event.key) ?? 0) + 1);
      }
      after = events.at(-1)!.id;
    }
  }

  workerLogs(): string[] {
    return this.workerHistory.map((w) => w.logFile);
  }

  aggregatorLogs(): string[] {
    return this.aggregatorHistory.map((a) => a.logFile);
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.workers, ...this.aggregators, this.api].map((service) => service.stop(5_000)),
    );
    await this.queue.close();
    this.client.disconnect();
    await (this.sentinelRedis?.kill() ?? this.server.kill());
    if (!process.env.CHAOS_KEEP) await rm(this.dir, { recursive: true, force: true });
  }

  private async waitForApi(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ready = await fetch(`${this.baseUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      if (!this.api.running) throw new Error(`the API exited; see ${this.api.logFile}`);
      await sleep(200);
    }
    throw new Error('the API did not become ready within 30 s');
  }
}

function redisUrl(port: number): string {
  return `redis://${REDIS_USER}:${REDIS_PASSWORD}@127.0.0.1:${port}`;
}
