import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@seedsweep/redis-fixture';
import { RedisServer } from '@seedsweep/redis-server';
import { closeRedis, connectRedis, RedisOutageLog } from '../src/index.js';

interface Line {
  level: number;
  msg: string;
}

function capturedLog(): { log: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: PrivateRedis | undefined;
afterEach(async () => {
  await redis?.close();
  redis = undefined;
});

describe('a Redis outage, seen from a service with several connections', () => {
  it('is one warning however many reconnection attempts fail, and one line when Redis is back', async () => {
    redis = await startPrivateRedis();
    const { log, lines } = capturedLog();
    const outages = new RedisOutageLog(log, { quietMs: 500 });
    const target = { kind: 'url' as const, url: redis.url };
    const options = { maxRetriesPerRequest: null, retryStrategy: () => 50 };
    const clients = [connectRedis(target, options), connectRedis(target, options)];
    clients.forEach((client, i) => outages.watch(client, `client ${i}`));
    let errors = 0;
    clients.forEach((client) => client.on('error', () => (errors += 1)));
    await Promise.all(clients.map((client) => client.ping()));

    const port = redis.server.port;
    await redis.server.kill();
    await sleep(1_500);
    expect(errors).toBeGreaterThan(10);
    expect(outages.down).toBe(true);
    const down = lines.filter((line) => line.msg.startsWith('redis unreachable'));
    expect(down).toHaveLength(1);
    expect(down[0]!.level).toBe(40);

    const again = await RedisServer.start({ dir: redis.server.dir, port });
    await Promise.all(clients.map((client) => client.ping()));
    await sleep(200);
    expect(outages.down).toBe(false);
    expect(lines.filter((line) => line.msg === 'redis reachable again')).toHaveLength(1);
    expect(lines.filter((line) => line.msg.startsWith('redis unreachable'))).toHaveLength(1);
    await Promise.all(clients.map((client) => closeRedis(client)));
    await again.kill();
  });

  it('logs an error that is not a lost connection as it comes', () => {
    const { log, lines } = capturedLog();
    const outages = new RedisOutageLog(log);
    outages.report(new Error('ERR unknown command'), 'queue');
    outages.report(new Error('ERR unknown command'), 'queue');
    expect(lines.map((line) => line.msg)).toEqual(['redis client error', 'redis client error']);
    expect(outages.down).toBe(false);
  });

  it('counts a primary no sentinel can lead to as the outage it is, not an error per attempt', () => {
    const { log, lines } = capturedLog();
    const outages = new RedisOutageLog(log);
    const sentinelsTried = () =>
      new Error(
        'All sentinels are unreachable. Retrying from scratch after 10ms. Last error: connect ECONNREFUSED',
      );
    outages.report(sentinelsTried(), 'commands');
    outages.report(sentinelsTried(), 'commands');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'redis unreachable (no sentinel named a reachable primary): retrying; logged once until it is back',
    });
    expect(outages.down).toBe(true);
  });
});

describe('closing a client', () => {
  it('ends a client whose Redis is gone, within its bound', async () => {
    redis = await startPrivateRedis();
    const client = connectRedis({ kind: 'url', url: redis.url }, { maxRetriesPerRequest: null });
    client.on('error', () => {});
    await client.ping();
    await redis.server.kill();
    await sleep(100);
    expect(client.status).not.toBe('ready');
    const started = Date.now();
    await closeRedis(client, 500);
    expect(Date.now() - started).toBeLessThan(1_500);
    // No attempt is left scheduled: a Redis back on the port is not reconnected to.
    const again = await RedisServer.start({ dir: redis.server.dir, port: redis.server.port });
    await sleep(500);
    expect(['end', 'reconnecting', 'close']).toContain(client.status);
    await again.kill();
  });

  it('ends a client that never reached its Redis', async () => {
    const client = connectRedis(
      { kind: 'url', url: 'redis://127.0.0.1:1' },
      { maxRetriesPerRequest: null },
    );
    client.on('error', () => {});
    await sleep(200);
    const started = Date.now();
    await closeRedis(client, 500);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(client.status).not.toBe('ready');
  });

  it('sends QUIT to a Redis that answers', async () => {
    redis = await startPrivateRedis();
    const client = connectRedis({ kind: 'url', url: redis.url });
    await client.set('k', 'v');
    await closeRedis(client);
    expect(client.status).toBe('end');
  });
});
