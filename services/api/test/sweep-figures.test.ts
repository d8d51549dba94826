import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { buildSweepGrid } from '@seedsweep/stats';
import { buildApp } from '../src/app.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('api-figures');
let app: Awaited<ReturnType<typeof buildApp>>;
let id: string;

const sweep = `name: figures
regions: [East]
seeds: [0, 1]
randomout: {tau: [1e-8], activePercent: [60]}
training: {epochs: 1}
`;

const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

/** Width and height of an SVG, from its root element. */
function svgSize(svg: string): [number, number] {
  const root = /^<svg\s[^>]*?\bwidth="(\d+)" height="(\d+)"/.exec(svg);
  return [Number(root?.[1]), Number(root?.[2])];
}

beforeAll(async () => {
  app = await buildApp({
    redis,
    prefix,
    maxTrials: 1_000,
    maxBodyBytes: 16 * 1024,
    logger: false,
    auth: { mode: 'off' },
  });
  await app.seedsweep.queue.waitUntilReady();
  const submitted = await app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    headers: { 'content-type': 'application/yaml' },
    payload: sweep,
  });
  id = submitted.json().id;
});
afterAll(async () => {
  await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe('figures as PNG beside SVG', () => {
  it('grid.png is a 503 before the aggregator has drawn a grid, as grid.svg is', async () => {
    for (const format of ['svg', 'png']) {
      const response = await app.inject({ url: `/v1/sweeps/${id}/grid.${format}` });
      expect(response.statusCode).toBe(503);
      expect(response.json().code).toBe('GRID_NOT_READY');
    }
  });

  it('serves grid.png and seeds.png, each the SVG beside it at twice the size', async () => {
    const { reader, store } = app.seedsweep;
    const plan = reader.plan(await reader.sweep(id));
    const grid = buildSweepGrid(plan, () => undefined);
    await store.saveGrid({ sweepId: id, updatedAt: new Date().toISOString(), grid });
    for (const figure of ['grid', 'seeds']) {
      const query = figure === 'seeds' ? '?region=East&tau=1e-8&p=60' : '';
      const svg = await app.inject({ url: `/v1/sweeps/${id}/${figure}.svg${query}` });
      expect(svg.statusCode, svg.body).toBe(200);
      expect(svg.headers['content-type']).toContain('image/svg+xml');
      const png = await app.inject({ url: `/v1/sweeps/${id}/${figure}.png${query}` });
      expect(png.statusCode, png.body).toBe(200);
      expect(png.headers['content-type']).toBe('image/png');
      expect(png.rawPayload.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(pngSize(png.rawPayload)).toEqual(svgSize(svg.body).map((n) => 2 * n));
    }
  });

  it("checks seeds.png's query as seeds.svg's", async () => {
    const response = await app.inject({ url: `/v1/sweeps/${id}/seeds.png?region=East&tau=x&p=60` });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('INVALID_REQUEST');
  });

  it('lists both in the OpenAPI document', async () => {
    const paths = Object.keys((await app.inject({ url: '/docs/json' })).json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/sweeps/{id}/grid.svg',
        '/v1/sweeps/{id}/grid.png',
        '/v1/sweeps/{id}/seeds.svg',
        '/v1/sweeps/{id}/seeds.png',
      ]),
    );
  });
});
