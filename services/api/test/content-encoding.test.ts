import { randomBytes } from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { buildApp } from '../src/app.js';
import { expectProblem, keysUnder } from './problem-expectations.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('api-gzip');
const MAX_BODY = 1024 * 1024;
const KEY = 'gzip-test-key-0123456789';
let app: Awaited<ReturnType<typeof buildApp>>;
let baseUrl: string;

beforeAll(async () => {
  app = await buildApp({
    redis,
    prefix,
    maxTrials: 100,
    maxBodyBytes: MAX_BODY,
    logger: false,
    auth: { mode: 'keys', keys: [{ key: KEY, role: 'write' }] },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  await app.seedsweep.queue.waitUntilReady();
});
afterAll(async () => {
  await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const sweep = (name: string) => `name: ${name}
regions: [East]
seeds: [0, 1]
randomout: {tau: [0.1], activePercent: [50]}
training: {epochs: 1}
`;

function post(payload: Buffer | string, headers: Record<string, string>, key: string | null = KEY) {
  return app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    headers: {
      'content-type': 'application/yaml',
      ...(key && { authorization: `Bearer ${key}` }),
      ...headers,
    },
    payload,
  });
}

/** A POST over a real socket, so the body arrives as a stream with its Content-Length. */
function postOverHttp(
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ statusCode: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${baseUrl}/v1/sweeps`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/yaml',
          'content-length': String(body.length),
          authorization: `Bearer ${KEY}`,
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            statusCode: response.statusCode!,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    // The server answers before reading the whole body; the socket may close under the write.
    request.on('error', reject);
    request.end(body);
  });
}

const asAnswer = (r: Awaited<ReturnType<typeof postOverHttp>>) => ({
  ...r,
  json: () => JSON.parse(r.body) as unknown,
});

describe('compressed request bodies', () => {
  it('accepts a gzipped YAML sweep and a deflated JSON one, as if sent plain', async () => {
    const gzipped = zlib.gzipSync(sweep('gzipped'));
    const created = await post(gzipped, { 'content-encoding': 'gzip' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'gzipped', trials: 4 });

    const json = JSON.stringify({
      name: 'deflated',
      regions: ['East'],
      seeds: [0],
      randomout: { tau: [0.1], activePercent: [50] },
      training: { epochs: 1 },
    });
    const deflated = await post(zlib.deflateSync(json), {
      'content-encoding': 'deflate',
      'content-type': 'application/json',
    });
    expect(deflated.statusCode, deflated.body).toBe(201);
    expect(deflated.json().name).toBe('deflated');

    // Over a socket too: Content-Length counts the compressed bytes, not the sweep's.
    const overHttp = await postOverHttp(zlib.gzipSync(sweep('over http')), {
      'content-encoding': 'GZip',
    });
    expect(overHttp.statusCode, overHttp.body).toBe(201);
  });

  it('refuses a gzip bomb with 413 at the limit, in bounded memory and time, writing nothing', async () => {
    const bombSize = 50 * 1024 * 1024;
    const bomb = zlib.gzipSync(Buffer.alloc(bombSize), { level: 9 });
    expect(bomb.length).toBeLessThan(MAX_BODY / 10);
    const keysBefore = await keysUnder(redis, prefix);
    globalThis.gc?.();
    const before = process.memoryUsage();
    const started = performance.now();
    const response = await postOverHttp(bomb, { 'content-encoding': 'gzip' });
    const elapsedMs = performance.now() - started;
    const after = process.memoryUsage();

    const problem = expectProblem(asAnswer(response), 413, 'BODY_TOO_LARGE');
    expect(problem.detail).toContain(`decompresses to more than ${MAX_BODY} bytes`);
    expect(elapsedMs).toBeLessThan(1_000);
    const rssGrowth = after.rss - before.rss;
    const heapGrowth =
      after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    console.log(
      `gzip bomb: ${bomb.length} bytes inflating to ${bombSize}: 413 in ${elapsedMs.toFixed(0)} ms, ` +
        `rss +${(rssGrowth / 2 ** 20).toFixed(1)} MiB, heap+buffers +${(heapGrowth / 2 ** 20).toFixed(1)} MiB`,
    );
    // The whole bomb inflated would be 50 MiB; at most the 1 MiB limit (and zlib's window) is held.
    expect(rssGrowth).toBeLessThan(bombSize / 5);
    expect(heapGrowth).toBeLessThan(bombSize / 5);
    expect(await keysUnder(redis, prefix)).toEqual(keysBefore);
  });

  it('decompresses nothing for a request without a valid key', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024));
    const started = performance.now();
    const response = await post(bomb, { 'content-encoding': 'gzip' }, null);
    expectProblem(response, 401, 'API_KEY_REQUIRED');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses a compressed body that is over the limit before it is even inflated', async () => {
    const incompressible = zlib.gzipSync(randomBytes(MAX_BODY + 1024));
    expect(incompressible.length).toBeGreaterThan(MAX_BODY);
    expectProblem(
      await post(incompressible, { 'content-encoding': 'gzip' }),
      413,
      'BODY_TOO_LARGE',
    );
  });

  it('refuses encodings it does not know with 415, and corrupt streams with 400, writing nothing', async () => {
    const keysBefore = await keysUnder(redis, prefix);
    const gzipped = zlib.gzipSync(sweep('corrupt'));
    for (const encoding of ['br', 'compress', 'zstd', 'gzip, br']) {
      const problem = expectProblem(
        await post(zlib.brotliCompressSync(sweep('br')), { 'content-encoding': encoding }),
        415,
        'UNSUPPORTED_CONTENT_ENCODING',
      );
      expect(problem.detail).toContain(encoding);
    }
    const corrupt = [
      Buffer.from('definitely not gzip'),
      gzipped.subarray(0, gzipped.length - 12), // cut short
      Buffer.concat([gzipped.subarray(0, 20), Buffer.alloc(16, 0xff), gzipped.subarray(36)]),
    ];
    for (const body of corrupt) {
      const problem = expectProblem(
        await post(body, { 'content-encoding': 'gzip' }),
        400,
        'MALFORMED_BODY',
      );
      expect(problem.detail).toMatch(/not valid gzip data/);
    }
    expectProblem(
      await post(Buffer.from('plain text, not deflate'), { 'content-encoding': 'deflate' }),
      400,
      'MALFORMED_BODY',
    );
    expect(await keysUnder(redis, prefix)).toEqual(keysBefore);
  });
});
