import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import { RedisServer, SentinelServer } from '@seedsweep/redis-server';
import { aofCommands, incrAofFile } from './aof-file.js';

export interface SentinelRedisOptions {
  /** Each server and sentinel gets a directory of its own under this one. */
  dir: string;
  /** The name the sentinels monitor the primary under (REDIS_SENTINEL_MASTER). */
  masterName: string;
  /** The primary's and the replica's redis-server arguments: ACL users, memory policy. */
  args: string[];
  /** The ACL user of the services, which the sentinels log in as too. */
  user: string;
  password: string;
  sentinels?: number;
  quorum?: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}

/** What one failover lost: measured on the old primary just before it died, and on the new. */
export interface FailoverFigures {
  /** When the primary was SIGKILLed (ms since the epoch). */
  killedAt: number;
  /** SIGKILL of the primary to the replica answering as primary, in seconds. */
  promotionSeconds: number;
  /** The old primary's `master_repl_offset` at its death. */
  primaryOffset: number;
  /** The replica's offset when it was promoted (its `second_repl_offset` - 1). */
  replicaOffset: number;
  /** Commands the old primary had acknowledged (in its AOF) that never reached the replica. */
  writesForgotten: number;
}

/** A snapshot's pair: taken on the old primary while its writes are paused, then on the new. */
export interface Acknowledged<T> {
  before: T;
  after: T;
}

/** The user the replica logs in to its primary as; switching it off cuts replication. */
const REPLICATION_USER = 'replication';
const REPLICATION_PASSWORD = 'replication-secret-2c9d';
const REPLICATION_ARGS = [
  '--user',
  REPLICATION_USER,
  'on',
  `>${REPLICATION_PASSWORD}`,
  '+psync',
  '+sync',
  '+replconf',
  '+ping',
];

/**
 * A primary with AOF, one replica and sentinels (three by default, quorum 2), all on free ports
 * of 127.0.0.1: the smallest Redis that survives the loss of its primary. `failOver` kills the
 * primary after a window of writes the replica never received, as a primary that loses its
 * host during a network partition (or under a replication lag) does, and measures what the
 * promoted replica lacks.
 */
export class SentinelRedis {
  private constructor(
    private readonly options: SentinelRedisOptions,
    public primary: RedisServer,
    public replica: RedisServer | null,
    readonly sentinels: SentinelServer[],
  ) {}

  static async start(options: SentinelRedisOptions): Promise<SentinelRedis> {
    const args = [...options.args, ...REPLICATION_ARGS];
    const primary = await RedisServer.start({
      dir: path.join(options.dir, 'primary'),
      appendOnly: true,
      args,
    });
    const replica = await RedisServer.start({
      dir: path.join(options.dir, 'replica'),
      appendOnly: true,
      replicaOf: { host: '127.0.0.1', port: primary.port },
      args: [...args, '--masteruser', REPLICATION_USER, '--masterauth', REPLICATION_PASSWORD],
    });
    const sentinels: SentinelServer[] = [];
    for (let i = 0; i < (options.sentinels ?? 3); i++) {
      sentinels.push(
        await SentinelServer.start({
          dir: path.join(options.dir, `sentinel-${i + 1}`),
          masterName: options.masterName,
          master: { host: '127.0.0.1', port: primary.port },
          quorum: options.quorum ?? 2,
          downAfterMs: options.downAfterMs ?? 1_000,
          failoverTimeoutMs: options.failoverTimeoutMs ?? 5_000,
          auth: { user: options.user, password: options.password },
        }),
      );
    }
    const set = new SentinelRedis(options, primary, replica, sentinels);
    await set.untilSettled();
    return set;
  }

  /** REDIS_SENTINELS of the services. */
  get addresses(): string {
    return this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  /** A client that asks the sentinels for the primary and follows it through a failover. */
  client(options: RedisOptions = {}): Redis {
    return new Redis({
      ...options,
      sentinels: this.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      name: this.options.masterName,
      username: this.options.user,
      password: this.options.password,
      failoverDetector: true,
    });
  }

  /**
   * A client of one server, wherever the sentinels think the primary is. It reconnects: a
   * sentinel that promotes a replica drops the replica's clients.
   */
  direct(server: RedisServer): Redis {
    const client = new Redis({
      port: server.port,
      host: '127.0.0.1',
      username: this.options.user,
      password: this.options.password,
      maxRetriesPerRequest: 3,
      retryStrategy: () => 100,
    });
    client.on('error', () => {});
    return client;
  }

  /**
   * The replica in sync and every sentinel knowing it and the other sentinels: until then a
   * failover may not find a replica to promote or the votes to elect a leader.
   */
  async untilSettled(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const sentinelClients = this.sentinels.map(
      (s) => new Redis({ port: s.port, host: '127.0.0.1', lazyConnect: true }),
    );
    try {
      for (;;) {
        const settled = await Promise.all(
          sentinelClients.map(async (client) => {
            const replicas = (await client.call(
              'SENTINEL',
              'REPLICAS',
              this.options.masterName,
            )) as string[][];
            const others = (await client.call(
              'SENTINEL',
              'SENTINELS',
              this.options.masterName,
            )) as string[][];
            return (
              others.length === this.sentinels.length - 1 &&
              replicas.some((r) => fieldOf(r, 'master-link-status') === 'ok')
            );
          }),
        );
        if (settled.every(Boolean)) return;
        if (Date.now() > deadline) {
          throw new Error(`the sentinels did not settle within ${timeoutMs} ms`);
        }
        await sleep(250);
      }
    } finally {
      for (const client of sentinelClients) client.disconnect();
    }
  }

  /**
   * Cuts replication (the replica's user switched off, its link killed), lets the primary
   * acknowledge writes for `unreplicatedMs`, pauses its writes, takes `snapshot` of it,
   * SIGKILLs it and waits for the sentinels to promote the replica; `snapshot` is then taken of
   * the new primary. Writes are paused at both ends of the window, so the commands the AOF
   * gained in between are exactly what the replica never received.
   */
  async failOver<T>(
    unreplicatedMs: number,
    snapshot: (client: Redis) => Promise<T>,
  ): Promise<FailoverFigures & Acknowledged<T>> {
    const replica = this.replica;
    if (!replica) throw new Error('no replica left to fail over to');
    await this.untilSettled();
    const primary = this.direct(this.primary);
    const replicaClient = this.direct(replica);
    try {
      // The cut: nothing written between the replica's last offset and the AOF's size.
      await primary.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      await until(
        async () =>
          replicationOffset(await replicaClient.info('replication'), 'slave_repl_offset') ===
          replicationOffset(await primary.info('replication'), 'master_repl_offset'),
        5_000,
        'the replica did not catch up with the paused primary',
      );
      const aofFile = await incrAofFile(this.primary.dir);
      const cutAt = (await stat(aofFile)).size;
      await primary.call('ACL', 'SETUSER', REPLICATION_USER, 'off');
      await primary.call('CLIENT', 'KILL', 'TYPE', 'replica');
      await primary.call('CLIENT', 'UNPAUSE');

      await sleep(unreplicatedMs);

      await primary.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      // The last writes before the pause reach the AOF file in the event loop's next turn.
      await sleep(100);
      const primaryOffset = replicationOffset(
        await primary.info('replication'),
        'master_repl_offset',
      );
      const killAt = (await stat(aofFile)).size;
      const before = await snapshot(primary);
      const killedAt = Date.now();
      await this.primary.kill();

      await until(
        async () => /^role:master$/m.test(await replicaClient.info('replication')),
        30_000,
        'the sentinels did not promote the replica',
      );
      const promotionSeconds = (Date.now() - killedAt) / 1000;
      const promoted = await replicaClient.info('replication');
      const aof = await readFile(aofFile);
      const figures: FailoverFigures & Acknowledged<T> = {
        killedAt,
        promotionSeconds,
        primaryOffset,
        replicaOffset: replicationOffset(promoted, 'second_repl_offset') - 1,
        writesForgotten: aofCommands(aof.subarray(cutAt, killAt)).length,
        before,
        after: await snapshot(replicaClient),
      };
      this.primary = replica;
      this.replica = null;
      return figures;
    } finally {
      primary.disconnect();
      replicaClient.disconnect();
    }
  }

  async kill(): Promise<void> {
    await Promise.all(
      [...this.sentinels, this.primary, ...(this.replica ? [this.replica] : [])].map((s) =>
        s.kill(),
      ),
    );
  }
}

/** A field of SENTINEL REPLICAS' flat [name, value, ...] lists. */
function fieldOf(entry: string[], name: string): string | undefined {
  const i = entry.indexOf(name);
  return i >= 0 && i % 2 === 0 ? entry[i + 1] : undefined;
}

function replicationOffset(info: string, field: string): number {
  const match = new RegExp(`^${field}:(-?\\d+)`, 'm').exec(info);
  if (!match) throw new Error(`no ${field} in INFO replication`);
  return Number(match[1]);
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, failure: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(failure);
    await sleep(50);
  }
}
