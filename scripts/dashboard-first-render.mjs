// How long the dashboard takes to first show a 2,100-trial sweep: its heatmaps (40 cells) and
// its trials table, from navigation start, in Debian's Chromium against the built API on a
// redis-server of its own. A benchmark, not a test: `pnpm build`, then
// `node scripts/dashboard-first-render.mjs [runs]`. Also prints the bundle's gzipped size.
/* global fetch, sessionStorage, document, performance -- Node 20's fetch; the rest run in the page */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { chromium } from 'playwright-core';
import { deleteKeys, startTestRedis, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore } from '@seedsweep/store';
import { buildApp } from '../services/api/dist/app.js';
import { GridAggregator } from '../services/aggregator/dist/grid-aggregator.js';

const runs = Number(process.argv[2] ?? 5);
const KEY = 'first-render-bench-key-0123456789';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// regions 2 x seeds 50 x (1 baseline + tau 5 x P 4) = 2,100 trials.
const SWEEP = `name: first-render-2100
regions: [East, West]
seeds: {from: 0, to: 49}
randomout: {tau: [1e-2, 1e-4, 1e-6, 1e-8, 1e-10], activePercent: [30, 60, 90, 100]}
training: {epochs: 30}
`;

const assets = path.join(root, 'packages/dashboard/dist/web/assets');
for (const name of readdirSync(assets)) {
  const body = readFileSync(path.join(assets, name));
  console.log(`${name}: ${body.length} bytes, ${gzipSync(body, { level: 9 }).length} gzipped`);
}

const redisServer = await startTestRedis({ docker: false });
const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
const prefix = uniquePrefix('bench-dashboard');
const store = new SweepStore({ redis, prefix });
const app = await buildApp({
  redis,
  prefix,
  maxTrials: 100_000,
  maxBodyBytes: 1024 * 1024,
  logger: false,
  auth: { mode: 'keys', keys: [{ key: KEY, role: 'write' }] },
});
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${app.server.address().port}`;
const auth = { authorization: `Bearer ${KEY}` };
let browser;
try {
  const created = await fetch(`${base}/v1/sweeps`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/yaml' },
    body: SWEEP,
  });
  const { id, trials } = await created.json();
  const page = await (
    await fetch(`${base}/v1/sweeps/${id}/trials?limit=100000`, { headers: auth })
  ).json();
  // Results as a worker would store them (no training): accuracies that vary by seed and cell.
  const records = page.trials.map((t, i) => {
    const baseline = 0.8 + ((t.seed * 37) % 11) / 100;
    const gain = t.baseline ? 0 : (((t.seed + i) % 7) - 3) / 200;
    return {
      key: t.key,
      testAccuracy: t.seed % 10 === 0 ? 0.62 : baseline + gain,
      majorityRate: 0.6,
      testCount: 611,
      trainLoss: [0.5, 0.4],
      epochsRun: 30,
      diverged: false,
      divergedAtEpoch: null,
      reinitializations: { total: t.baseline ? 0 : i % 4, conv1: 0, conv2: 0, perEpoch: [] },
      minAbsCgn: [1e-3, 1e-4],
      weightsHash: 'bench',
      engine: 'wasm',
      versions: {},
      durationMs: 15_000,
      worker: 'bench:1',
      attempt: 1,
      finishedAt: new Date().toISOString(),
      ...(!t.baseline && t.tau < 1e-6 && { derivedFrom: 'its-baseline' }),
    };
  });
  await store.importResults(records);
  const reader = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const aggregator = new GridAggregator({
    store,
    reader,
    log: { info() {}, warn() {}, error() {}, debug() {} },
    debounceMs: 0,
    blockMs: 200,
  });
  await aggregator.start();
  await aggregator.close();
  reader.disconnect();
  console.log(`sweep ${id}: ${trials} trials, ${records.length} results`);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const times = [];
  for (let run = 0; run < runs; run++) {
    // A new context each time: nothing cached, signed in as a tab that has the key.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript((key) => sessionStorage.setItem('seedsweep.apiKey', key), KEY);
    const tab = await context.newPage();
    await tab.goto(`${base}/#/sweeps/${id}`, { waitUntil: 'commit' });
    const heatmaps = await tab.waitForFunction(
      () => document.querySelectorAll('[data-cell]').length === 40 && performance.now(),
      null,
      { polling: 'raf', timeout: 60_000 },
    );
    const table = await tab.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid=trials-table] tbody tr').length > 0 &&
        performance.now(),
      null,
      { polling: 'raf', timeout: 60_000 },
    );
    const time = { heatmaps: await heatmaps.jsonValue(), table: await table.jsonValue() };
    times.push(time);
    console.log(
      `run ${run + 1}: heatmaps at ${time.heatmaps.toFixed(0)} ms, trials table at ${time.table.toFixed(0)} ms`,
    );
    await context.close();
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(
    `median of ${runs}: heatmaps ${median(times.map((t) => t.heatmaps)).toFixed(0)} ms, ` +
      `first render complete (heatmaps and trials) ${median(times.map((t) => Math.max(t.heatmaps, t.table))).toFixed(0)} ms`,
  );
} finally {
  await browser?.close();
  await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await redisServer.stop();
}
