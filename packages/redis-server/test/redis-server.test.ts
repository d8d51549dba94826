import { mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisServer, RedisServerError, SentinelServer } from '../src/index.js';

/** One RESP round trip, without a client library: this package has none. */
function command(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const payload = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.endsWith('\r\n')) {
        socket.end();
        resolve(reply.trim());
      }
    });
    socket.on('error', reject);
    socket.write(payload);
  });
}

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-redis-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('RedisServer', () => {
  it('starts on a free port, answers, and keeps writes across a crash with the AOF on', async () => {
    const dir = await tempDir();
    const first = await RedisServer.start({ dir, appendOnly: true });
    expect(await command(first.port, 'PING')).toBe('+PONG');
    expect(await command(first.port, 'SET', 'k', 'v')).toBe('+OK');
    // everysec fsync: give the background fsync its second before the crash.
    await command(first.port, 'BGREWRITEAOF');
    await new Promise((r) => setTimeout(r, 1500));
    await first.kill();
    expect(await readdir(dir)).toContain('appendonlydir');

    const second = await RedisServer.start({ dir, appendOnly: true });
    try {
      expect(await command(second.port, 'GET', 'k')).toBe('$1\r\nv');
    } finally {
      await second.stop();
    }
  });

  it('names a missing binary', async () => {
    const error = await RedisServer.start({
      dir: await tempDir(),
      bin: 'redis-server-that-does-not-exist',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisServerError);
    expect((error as RedisServerError).code).toBe('REDIS_SERVER_NOT_FOUND');
    expect((error as Error).message).toContain('redis-server-that-does-not-exist');
  });

  it('reports a server that exits at start-up, with its output', async () => {
    const dir = await tempDir();
    const running = await RedisServer.start({ dir });
    try {
      const error = await RedisServer.start({ dir, port: running.port }).catch((e: unknown) => e);
      expect((error as RedisServerError).code).toBe('REDIS_SERVER_START_FAILED');
      expect((error as RedisServerError).details.output).toMatch(/in use|bind/i);
    } finally {
      await running.stop();
    }
  });

  it('starts a sentinel that monitors the primary under its name', async () => {
    const dir = await tempDir();
    const primary = await RedisServer.start({ dir: path.join(dir, 'primary') });
    const sentinel = await SentinelServer.start({
      dir: path.join(dir, 'sentinel'),
      masterName: 'main',
      master: { host: '127.0.0.1', port: primary.port },
      quorum: 1,
    });
    try {
      const reply = await command(sentinel.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'main');
      expect(reply.split('\r\n')).toEqual([
        '*2',
        '$9',
        '127.0.0.1',
        expect.any(String),
        String(primary.port),
      ]);
    } finally {
      await sentinel.stop();
      await primary.stop();
    }
  });

  it('refuses a master name the sentinel configuration could not hold', async () => {
    await expect(
      SentinelServer.start({
        dir: await tempDir(),
        masterName: 'main primary',
        master: { host: '127.0.0.1', port: 6379 },
        quorum: 1,
      }),
    ).rejects.toThrow(/masterName/);
  });
});
