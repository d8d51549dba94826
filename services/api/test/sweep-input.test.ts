import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { buildApp } from '../src/app.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('api');
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  app = await buildApp({
    redis,
    prefix,
    maxTrials: 1_000,
    maxBodyBytes: 16 * 1024,
    logger: false,
    auth: { mode: 'off' },
  });
  // BullMQ writes its queue's metadata key once connected; count keys only after that.
  await app.seedsweep.queue.waitUntilReady();
});
afterAll(async () => {
  await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const good = `name: ok
regions: [East]
seeds: [0, 1]
randomout: {tau: [1e-8], activePercent: [60]}
training: {epochs: 1}
`;

function post(
  body: string,
  contentType = 'application/yaml',
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    headers: { 'content-type': contentType, ...headers },
    payload: body,
  });
}

async function keysUnderPrefix(): Promise<number> {
  return (await redis.keys(`${prefix}:*`)).length;
}

function expectProblem(response: Awaited<ReturnType<typeof post>>, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  const problem = response.json();
  expect(problem).toMatchObject({
    status,
    code,
    instance: expect.any(String),
    title: expect.any(String),
  });
  expect(problem.type).toMatch(/^urn:seedsweep:problem:/);
  return problem;
}

describe('bad sweep definitions get a problem+json naming what is wrong, and write nothing', () => {
  it('a YAML syntax error names its line', async () => {
    const before = await keysUnderPrefix();
    const problem = expectProblem(await post('name: x\nregions: [East\n'), 400, 'MALFORMED_BODY');
    expect(problem.detail).toMatch(/line \d+/);
    expect(await keysUnderPrefix()).toBe(before);
  });

  it('an unknown field and a bad value are both named', async () => {
    const response = await post(
      good.replace('training: {epochs: 1}', 'training: {epochs: 0}\nbogus: 1'),
    );
    const problem = expectProblem(response, 422, 'INVALID_SWEEP');
    const paths = problem.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['training.epochs']));
    expect(problem.detail).toContain('bogus');
    // Each at its line and column, as `seedsweep plan` shows them (and the dashboard's editor).
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: 'training.epochs', message: expect.any(String), line: 5, column: 20 },
        { path: 'bogus', message: expect.any(String), line: 6, column: 8 },
      ]),
    );
  });

  it('JSON is held to the same rules', async () => {
    const problem = expectProblem(
      await post(
        '{"name": "x", "regions": ["Mars"], "seeds": [0], "randomout": {"tau": [0], "activePercent": [1]}}',
        'application/json',
      ),
      422,
      'INVALID_SWEEP',
    );
    expect(problem.errors[0].path).toBe('regions.0');
  });

  it('a sweep over the maximum is refused before anything is written, naming the product', async () => {
    const before = await keysUnderPrefix();
    const problem = expectProblem(
      await post(good.replace('seeds: [0, 1]', 'seeds: {from: 0, to: 999999}')),
      422,
      'SWEEP_TOO_LARGE',
    );
    expect(problem).toMatchObject({ trials: 2_000_000, maxTrials: 1_000 });
    expect(problem.detail).toContain('seeds 1000000');
    expect(await keysUnderPrefix()).toBe(before);
  });

  it('other media types, empty and oversized bodies are refused', async () => {
    expectProblem(await post(good, 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await post('   '), 400, 'MALFORMED_BODY');
    expectProblem(await post(`${good}# ${'x'.repeat(20 * 1024)}\n`), 413, 'BODY_TOO_LARGE');
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same body and refuses another body', async () => {
    const key = { 'idempotency-key': `k-${prefix}` };
    const first = await post(good, 'application/yaml', key);
    expect(first.statusCode).toBe(201);
    const replay = await post(good, 'application/yaml', key);
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(first.json().id);
    expect((await app.inject({ url: '/v1/sweeps' })).json().total).toBe(1);
    expectProblem(
      await post(good.replace('name: ok', 'name: other'), 'application/yaml', key),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('refuses a malformed key before writing anything; a dry run ignores the key', async () => {
    const before = await keysUnderPrefix();
    for (const bad of ['has space', 'x'.repeat(201), '']) {
      const problem = expectProblem(
        await post(good.replace('name: ok', 'name: bad-key'), 'application/yaml', {
          'idempotency-key': bad,
        }),
        400,
        'INVALID_REQUEST',
      );
      expect(problem.detail).toBe('Idempotency-Key must be 1-200 visible ASCII characters');
    }
    const dryRun = await app.inject({
      method: 'POST',
      url: '/v1/sweeps?dryRun=true',
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'has space' },
      payload: good,
    });
    expect(dryRun.statusCode).toBe(200);
    expect(await keysUnderPrefix()).toBe(before);
  });
});

describe('reading sweeps', () => {
  it('an unknown sweep is a 404, a malformed id a 400 naming the parameter', async () => {
    expectProblem(await app.inject({ url: '/v1/sweeps/sw-0-0000000000' }), 404, 'SWEEP_NOT_FOUND');
    const problem = expectProblem(
      await app.inject({ url: '/v1/sweeps/nope/grid' }),
      400,
      'INVALID_REQUEST',
    );
    expect(problem.detail).toContain('id');
    expectProblem(await app.inject({ url: '/v2/whatever' }), 404, 'ROUTE_NOT_FOUND');
  });

  it('trials refuse an Accept they cannot serve', async () => {
    const id = (await post(good.replace('name: ok', 'name: accept'))).json().id;
    const response = await app.inject({
      url: `/v1/sweeps/${id}/trials`,
      headers: { accept: 'image/png' },
    });
    expectProblem(response, 406, 'NOT_ACCEPTABLE');
  });
});

describe('operations', () => {
  it('serves health, readiness, metrics, the OpenAPI document and bull-board', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).json().status).toBe('ready');
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/seedsweep_jobs\{state="waiting"\} \d+/);
    expect(metrics).toContain('seedsweep_epochs_per_second');
    const openapi = (await app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/v1/sweeps',
        '/v1/sweeps/{id}',
        '/v1/sweeps/{id}/grid',
        '/v1/sweeps/{id}/events',
      ]),
    );
    expect(openapi.paths['/v1/sweeps'].post.requestBody).toBeDefined();
    const status =
      openapi.paths['/v1/sweeps/{id}'].get.responses['200'].content['application/json'];
    expect(Object.keys(status.schema.properties)).toEqual(
      expect.arrayContaining(['state', 'counts', 'etaSeconds', 'running', 'definition', 'links']),
    );
    expect(
      openapi.paths['/v1/sweeps'].post.responses['4XX'] ??
        openapi.paths['/v1/sweeps'].post.responses['4xx'],
    ).toBeDefined();
    const board = await app.inject({ url: '/admin/queues' });
    expect(board.statusCode).toBe(200);
    expect(board.headers['content-type']).toContain('text/html');
  });

  it('is not ready when Redis does not answer', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: null,
      lazyConnect: true,
      retryStrategy: () => 1000,
    });
    dead.on('error', () => {});
    const offline = await buildApp({
      redis: dead,
      prefix,
      maxTrials: 10,
      maxBodyBytes: 1024,
      logger: false,
      auth: { mode: 'off' },
    });
    try {
      expectProblem(await offline.inject({ url: '/readyz' }), 503, 'REDIS_UNAVAILABLE');
    } finally {
      await offline.close().catch(() => {});
      dead.disconnect();
    }
  });
});

describe('shutdown', () => {
  it('ends open event streams, so closing the app never waits for a sweep to finish', async () => {
    const local = await buildApp({
      redis,
      prefix,
      maxTrials: 10,
      maxBodyBytes: 4096,
      logger: false,
      auth: { mode: 'off' },
    });
    await local.listen({ port: 0, host: '127.0.0.1' });
    const { port } = local.server.address() as { port: number };
    const created = await local.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { 'content-type': 'application/yaml' },
      payload: good.replace('name: ok', 'name: open stream'),
    });
    // No worker runs here: the sweep stays queued and its stream stays open.
    const response = await fetch(`http://127.0.0.1:${port}/v1/sweeps/${created.json().id}/events`);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: status');
    await local.close();
    let ended = false;
    while (!ended) ended = (await reader.read()).done;
    expect(ended).toBe(true);
  });
});
