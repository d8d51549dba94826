import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisServer, SentinelServer } from '@seedsweep/redis-server';
import { closeRedis, connectRedis, type RedisTarget } from '../src/index.js';

/** A primary, its replica and three sentinels (quorum 2) that notice a dead primary in 0.5 s. */
interface SentinelSet {
  dir: string;
  primary: RedisServer;
  replica: RedisServer;
  sentinels: SentinelServer[];
  target: RedisTarget;
}

let set: SentinelSet | undefined;
const clients: Redis[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => closeRedis(client, 200)));
  if (!set) return;
  await Promise.all([set.primary, set.replica, ...set.sentinels].map((server) => server.kill()));
  await rm(set.dir, { recursive: true, force: true });
  set = undefined;
});

async function startSentinelSet(): Promise<SentinelSet> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-sentinel-'));
  const primary = await RedisServer.start({ dir: path.join(dir, 'primary') });
  const replica = await RedisServer.start({
    dir: path.join(dir, 'replica'),
    replicaOf: { host: '127.0.0.1', port: primary.port },
  });
  const sentinels = await Promise.all(
    [1, 2, 3].map((i) =>
      SentinelServer.start({
        dir: path.join(dir, `sentinel-${i}`),
        masterName: 'main',
        master: { host: '127.0.0.1', port: primary.port },
        quorum: 2,
        downAfterMs: 500,
        failoverTimeoutMs: 5_000,
      }),
    ),
  );
  const started: SentinelSet = {
    dir,
    primary,
    replica,
    sentinels,
    target: {
      kind: 'sentinel',
      sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      name: 'main',
    },
  };
  set = started;
  await untilSettled(started);
  return started;
}

/** Every sentinel sees the replica in sync and the two other sentinels: a failover can start. */
async function untilSettled({ sentinels }: SentinelSet): Promise<void> {
  const asked = sentinels.map((s) => new Redis({ port: s.port, host: '127.0.0.1' }));
  try {
    await until(async () => {
      const views = await Promise.all(
        asked.map(async (sentinel) => {
          const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', 'main')) as string[][];
          const others = (await sentinel.call('SENTINEL', 'SENTINELS', 'main')) as unknown[];
          return others.length === 2 && replicas.some((r) => r.includes('ok'));
        }),
      );
      return views.every(Boolean);
    }, 20_000);
  } finally {
    asked.forEach((sentinel) => sentinel.disconnect());
  }
}

function client(target: RedisTarget): Redis {
  return watched(connectRedis(target, { maxRetriesPerRequest: null }));
}

/** Closed after the test; its reconnection errors are expected. */
function watched(redis: Redis): Redis {
  redis.on('error', () => {});
  clients.push(redis);
  return redis;
}

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `SET key` on every client, each bounded: what did not answer in time says 'timeout'. */
function setOnEach(redis: Redis[], key: string, timeoutMs: number): Promise<string[]> {
  return Promise.all(
    redis.map((r, i) =>
      Promise.race([
        r.set(`${key}:${i}`, 'written').then(
          () => 'ok',
          (error: Error) => error.message,
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs)),
      ]),
    ),
  );
}

describe('clients behind Sentinel', () => {
  it('follow a SIGKILLed primary to the promoted replica, and none gives up, even in a busy process', async () => {
    const { target, primary, replica } = await startSentinelSet();
    const followers = Array.from({ length: 20 }, () => client(target));
    followers.push(...followers.slice(0, 5).map((f) => watched(f.duplicate())));
    await Promise.all(followers.map((f) => f.ping()));

    await primary.kill();
    // A trial process trains in long synchronous stretches: reconnections and the sentinels'
    // announcement land in the same turns of its event loop. ioredis's own failoverDetector
    // ended a third of such clients for good ("Connection is closed.").
    const busy = setInterval(() => {
      const until = Date.now() + 150;
      while (Date.now() < until);
    }, 160);
    const answers = await setOnEach(followers, 'after-kill', 20_000).finally(() =>
      clearInterval(busy),
    );
    expect(answers).toEqual(followers.map(() => 'ok'));
    expect(followers.filter((f) => f.status === 'end')).toHaveLength(0);
    const promoted = new Redis({ port: replica.port, host: '127.0.0.1' });
    try {
      expect(await promoted.info('replication')).toMatch(/^role:master$/m);
      expect(await promoted.get('after-kill:0')).toBe('written');
    } finally {
      promoted.disconnect();
    }
  });

  it('leave a primary that stops answering once the sentinels announce the new one', async () => {
    const { target, primary, replica } = await startSentinelSet();
    const first = client(target);
    const second = watched(first.duplicate());
    await Promise.all([first.ping(), second.ping()]);

    // Frozen, as a host that vanished: its sockets stay open and nothing answers or resets them.
    process.kill(primary.pid!, 'SIGSTOP');
    const answers = await setOnEach([first, second], 'after-freeze', 20_000);
    expect(answers).toEqual(['ok', 'ok']);
    for (const redis of [first, second]) expect(redis.stream.remotePort).toBe(replica.port);
  });

  it('close their subscriptions to the sentinels with the last client', async () => {
    const { target, sentinels } = await startSentinelSet();
    const redis = [client(target), client(target)];
    await Promise.all(redis.map((r) => r.ping()));
    const sentinel = new Redis({ port: sentinels[0]!.port, host: '127.0.0.1' });
    const subscribers = async () =>
      ((await sentinel.call('CLIENT', 'LIST')) as string)
        .split('\n')
        .filter((line) => / cmd=subscribe /.test(line)).length;
    try {
      // One subscription per process, not one per client.
      expect(await subscribers()).toBe(1);
      await Promise.all(redis.map((r) => closeRedis(r)));
      await until(async () => (await subscribers()) === 0, 5_000);
    } finally {
      sentinel.disconnect();
    }
  });
});
