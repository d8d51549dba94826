import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { buildApp } from '../src/app.js';
import { expectProblem } from './problem-expectations.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('api-auth');
const WRITE_KEY = 'write-key-0123456789abcdef';
const READ_KEY = 'read.key_0123456789~abcdef+/=';
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  app = await buildApp({
    redis,
    prefix,
    maxTrials: 100,
    maxBodyBytes: 16 * 1024,
    logger: false,
    auth: {
      mode: 'keys',
      keys: [
        { key: WRITE_KEY, role: 'write' },
        { key: READ_KEY, role: 'read' },
      ],
    },
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

/**
 * The routes anyone may call, written out here rather than taken from the plugin, so that a
 * plugin that opened more than these would fail this test.
 */
const OPEN = [/^\/healthz$/, /^\/readyz$/, /^\/docs$/, /^\/docs\//, /^\/$/, /^\/assets\//];
const isOpen = (url: string) => OPEN.some((pattern) => pattern.test(url));
const isRead = (method: string) => method === 'GET' || method === 'HEAD';

/** Every registered route but the open ones, with its parameters filled in. */
function guardedRoutes() {
  return app.registeredRoutes
    .filter((route) => !isOpen(route.url))
    .map((route) => ({
      method: route.method,
      url: route.url.replace(/:\w+/g, 'x').replace(/\*/g, 'x'),
      route: `${route.method} ${route.url}`,
    }));
}

function call(method: string, url: string, headers: Record<string, string> = {}) {
  return app.inject({ method: method as 'GET', url, headers });
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('every route but /healthz, /readyz and /docs needs an API key', () => {
  it('has the routes this test means to cover (it walks whatever the app registers)', () => {
    const routes = guardedRoutes().map((r) => r.route);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /metrics',
        'POST /v1/sweeps',
        'GET /v1/sweeps',
        'DELETE /v1/sweeps/:id',
        'GET /v1/sweeps/:id/events',
        'GET /v1/sweeps/:id/records',
        'POST /v1/records',
        'GET /admin/queues',
        'GET /admin/queues/api/queues',
        'PUT /admin/queues/api/queues/:queueName/clean/:queueStatus',
      ]),
    );
    expect(routes.length).toBeGreaterThan(50);
  });

  it('answers 401 with a Bearer challenge on every route without a key', async () => {
    for (const { method, url, route } of guardedRoutes()) {
      const response = await call(method, url);
      expect(response.statusCode, route).toBe(401);
      expect(response.headers['www-authenticate'], route).toMatch(/^Bearer\b/);
      if (method !== 'HEAD') expectProblem(response, 401, 'API_KEY_REQUIRED');
    }
  });

  it('answers 401 on every route with a wrong key, in either header', async () => {
    for (const { method, url, route } of guardedRoutes()) {
      for (const headers of [
        bearer('wrong-key-0123456789abcdef'),
        { 'x-api-key': `${WRITE_KEY}x` },
        { authorization: `Basic ${Buffer.from(`u:${WRITE_KEY}`).toString('base64')}` },
      ]) {
        const response = await call(method, url, headers);
        expect(response.statusCode, `${route} ${Object.keys(headers)[0]}`).toBe(401);
        expect(response.headers['www-authenticate'], route).toMatch(/^Bearer\b.*invalid_token/);
        if (method !== 'HEAD') expectProblem(response, 401, 'API_KEY_INVALID');
      }
    }
  });

  it('answers 403 to a read-only key on every route that is not GET or HEAD', async () => {
    const mutating = guardedRoutes().filter((r) => !isRead(r.method));
    expect(mutating.map((r) => r.method)).toEqual(
      expect.arrayContaining(['POST', 'DELETE', 'PUT', 'PATCH']),
    );
    for (const { method, url, route } of mutating) {
      const response = await call(method, url, bearer(READ_KEY));
      expect(response.statusCode, route).toBe(403);
      expectProblem(response, 403, 'API_KEY_READ_ONLY');
    }
  });

  it('lets a read-only key through on every GET and HEAD route, and a read-write key everywhere', async () => {
    for (const { method, url, route } of guardedRoutes()) {
      if (isRead(method)) {
        const read = await call(method, url, { 'x-api-key': READ_KEY });
        expect([401, 403], `${route} read key`).not.toContain(read.statusCode);
      }
      const write = await call(method, url, bearer(WRITE_KEY));
      expect([401, 403], `${route} write key`).not.toContain(write.statusCode);
    }
    // bull-board's "pause all" ran with the read-write key just now.
    await app.seedsweep.queue.resume();
  });

  it('leaves the probes and the API description open', async () => {
    expect((await call('GET', '/healthz')).statusCode).toBe(200);
    expect((await call('GET', '/readyz')).statusCode).toBe(200);
    const openapi = await call('GET', '/docs/json');
    expect(openapi.statusCode).toBe(200);
    expect(openapi.json().components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
    expect([200, 302]).toContain((await call('GET', '/docs')).statusCode);
  });

  it("leaves the dashboard's page and bundle open (they hold no data), and tells a key its role", async () => {
    const page = await call('GET', '/');
    expect(page.statusCode).toBe(200);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    expect((await call('GET', script!)).statusCode).toBe(200);
    expectProblem(await call('GET', '/v1/session'), 401, 'API_KEY_REQUIRED');
    expectProblem(await call('GET', '/v1/session', bearer(`${READ_KEY}x`)), 401, 'API_KEY_INVALID');
    expect((await call('GET', '/v1/session', bearer(READ_KEY))).json()).toEqual({
      auth: 'on',
      role: 'read',
    });
    expect((await call('GET', '/v1/session', bearer(WRITE_KEY))).json()).toEqual({
      auth: 'on',
      role: 'write',
    });
  });

  it('asks for a key on unknown routes and on paths that only look open', async () => {
    expectProblem(await call('GET', '/v2/nothing'), 401, 'API_KEY_REQUIRED');
    expectProblem(await call('GET', '/v2/nothing', bearer(READ_KEY)), 404, 'ROUTE_NOT_FOUND');
    for (const url of ['/docs/../v1/sweeps', '/docs/%2e%2e/v1/sweeps', '/healthz/../v1/sweeps']) {
      const response = await call('GET', url);
      expect(response.statusCode, url).toBe(401);
      expect(response.body, url).not.toContain('"sweeps"');
    }
  });
});

describe('what a key can do', () => {
  const sweep = `name: auth
regions: [East]
seeds: [0]
randomout: {tau: [0.1], activePercent: [50]}
training: {epochs: 1}
`;

  it('a read-write key submits and cancels; a read-only key reads and changes nothing', async () => {
    const refused = await app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { 'content-type': 'application/yaml', ...bearer(READ_KEY) },
      payload: sweep,
    });
    expectProblem(refused, 403, 'API_KEY_READ_ONLY');
    expect(await app.seedsweep.store.countSweeps()).toBe(0);

    const created = await app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { 'content-type': 'application/yaml', ...bearer(WRITE_KEY) },
      payload: sweep,
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();

    const list = await call('GET', '/v1/sweeps', { 'x-api-key': READ_KEY });
    expect(list.statusCode).toBe(200);
    expect(list.json().sweeps.map((s: { id: string }) => s.id)).toEqual([id]);
    expect((await call('GET', `/v1/sweeps/${id}`, bearer(READ_KEY))).json().state).toBe('queued');
    expect((await call('GET', '/metrics', bearer(READ_KEY))).body).toContain('seedsweep_jobs');

    expectProblem(
      await call('DELETE', `/v1/sweeps/${id}`, bearer(READ_KEY)),
      403,
      'API_KEY_READ_ONLY',
    );
    expect((await app.seedsweep.store.getSweep(id))?.lifecycle).toBe('active');
    const cancelled = await call('DELETE', `/v1/sweeps/${id}`, bearer(WRITE_KEY));
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().state).toBe('cancelled');
  });

  it('a read-only key may look at bull-board but not retry, clean or pause through it', async () => {
    const queues = await call('GET', '/admin/queues/api/queues', bearer(READ_KEY));
    expect(queues.statusCode).toBe(200);
    expectProblem(
      await call('PUT', '/admin/queues/api/queues/pause', bearer(READ_KEY)),
      403,
      'API_KEY_READ_ONLY',
    );
    expect(await app.seedsweep.queue.isPaused()).toBe(false);
  });
});
