import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@seedsweep/redis-fixture';
import { closeRedis, connectRedis } from '../src/index.js';

const servers: PrivateRedis[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('a client at a URL', () => {
  it('resends a write its server refused as a replica once the server is a primary again', async () => {
    const [server, other] = await Promise.all([startPrivateRedis(), startPrivateRedis()]);
    servers.push(server, other);
    const client = connectRedis(
      { kind: 'url', url: server.url },
      { maxRetriesPerRequest: null, retryStrategy: () => 50 },
    );
    client.on('error', () => {});
    const admin = new Redis(server.url);
    try {
      await client.ping();
      // As a managed Redis's endpoint does in a failover: the server it reaches is demoted, then
      // (here: the same address) a primary answers again.
      await admin.replicaof('127.0.0.1', String(other.server.port));
      const written = client.set('key', 'value');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await admin.replicaof('NO', 'ONE');
      await expect(written).resolves.toBe('OK');
      expect(await admin.get('key')).toBe('value');
    } finally {
      admin.disconnect();
      await closeRedis(client);
    }
  });
});
