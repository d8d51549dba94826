import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'bullmq';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bullPrefix, TRIAL_QUEUE, TrialEnqueuer } from '@seedsweep/queue';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { parseSweepText, planSweep, trialKey } from '@seedsweep/sweep-spec';
import { buildApp } from '../../services/api/dist/app.js';
import { LocalStack } from './local-stack.js';

/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against a real
 * stack: API with keys, worker, aggregator, Redis. Its screenshots go to .cache/screenshots, so
 * a test run leaves the checkout as it was; `pnpm docs:screenshots` runs it with
 * DASHBOARD_SCREENSHOTS=docs/images to refresh docs/images/dashboard-*.png.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const IMAGES = path.resolve(ROOT, process.env.DASHBOARD_SCREENSHOTS ?? '.cache/screenshots');
const WRITE_KEY = 'dashboard-write-key-0123456789';
const READ_KEY = 'dashboard-read-key-0123456789';
/** How long the page may take to show what the API knows: it polls every 2-3 s. */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

let stack: LocalStack;
let browser: Browser;
/** Every URL any page of this file asked for: none may carry a key. */
const requested: string[] = [];
/** What the pages' consoles said of a broken CSP rule, and any uncaught error. */
const consoleProblems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  stack = await LocalStack.start(inject('redisUrl'), {
    concurrency: 2,
    auth: {
      mode: 'keys',
      keys: [
        { key: WRITE_KEY, role: 'write' },
        { key: READ_KEY, role: 'read' },
      ],
    },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(IMAGES, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newPage(
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('request', (request) => requested.push(request.url()));
  page.on('console', (message) => {
    const text = message.text();
    // Refused requests (a sign-in's 401, a dry run's 422) are logged too: they are answers.
    if (/Content.Security.Policy|Refused to/i.test(text)) consoleProblems.push(text);
  });
  page.on('pageerror', (error) => consoleProblems.push(error.message));
  return { context, page };
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(stack.baseUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Sweeps' }).waitFor();
}

/** Submits a sweep through the API with the read-write key. */
async function submit(body: string): Promise<string> {
  const response = await fetch(`${stack.baseUrl}/v1/sweeps`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml', authorization: `Bearer ${WRITE_KEY}` },
    body,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function apiStatus(id: string, key = WRITE_KEY) {
  const response = await fetch(`${stack.baseUrl}/v1/sweeps/${id}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return (await response.json()) as { state: string; counts: { running: number } };
}

/** Two seeds, tau 0.1 (fires, so its cells train and gain) and 1e-8 (derived): 10 trials. */
const TINY = `name: dashboard-tiny
regions: [East]
seeds: {from: 0, to: 1}
randomout:
  tau: [0.1, 1e-8]
  activePercent: [30, 60]
training:
  epochs: 2
`;

describe('the dashboard', () => {
  it('is served with a strict Content-Security-Policy and refuses a wrong key at sign-in', async () => {
    const response = await fetch(stack.baseUrl);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    // Every script is a file of this API: none inline, none from elsewhere.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc="\/assets\/)/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);

    const { context, page } = await newPage();
    await page.goto(stack.baseUrl);
    await page.getByLabel('API key').fill('not-a-key-of-this-api-0123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => page.getByTestId('sign-in-error').textContent()).toContain(
      'not one of this API',
    );
    expect(await page.getByRole('heading', { name: 'Sweeps' }).count()).toBe(0);
    await page.screenshot({ path: path.join(IMAGES, 'dashboard-sign-in.png') });
    await context.close();
  });

  // It trains 10 trials, slower while other test files train too: more than the default time.
  it('submits a sweep from the page, and its heatmap cells fill in as trials finish', async () => {
    const { context, page } = await newPage();
    await signIn(page, WRITE_KEY);
    await page.getByRole('link', { name: 'Submit' }).click();

    // A file chosen from disk is read into the editor and checked.
    const editor = page.getByTestId('sweep-text');
    await page.getByLabel('Sweep file').setInputFiles({
      name: 'tiny.yaml',
      mimeType: 'application/yaml',
      buffer: Buffer.from(TINY),
    });
    await eventually(() => editor.inputValue()).toBe(TINY);
    await eventually(() => page.getByTestId('plan-trials').textContent()).toBe('10');

    // A mistake is shown at its line by the dry run; the submit button stays off.
    await editor.fill(TINY.replace('epochs: 2', 'epochs: 2\n  lerningRate: 0.1'));
    await eventually(() => page.getByTestId('problems').textContent()).toContain('line 9');
    await eventually(() => page.getByTestId('problems').textContent()).toContain('lerningRate');
    expect(await page.getByRole('button', { name: 'Submit sweep' }).isDisabled()).toBe(true);

    await editor.fill(TINY);
    await eventually(() => page.getByTestId('plan-trials').textContent()).toBe('10');
    await page.screenshot({ path: path.join(IMAGES, 'dashboard-submit.png') });
    await page.getByRole('button', { name: 'Submit sweep' }).click();
    await page.waitForURL(/#\/sweeps\/sw-/);
    const id = /#\/sweeps\/(.+)$/.exec(page.url())![1]!;
    await page.getByTestId('heatmaps').waitFor();

    // Each cell's n, read off the DOM every 100 ms until the sweep is done: every cell must be
    // seen before its pairs were in, and end with both seeds.
    const cells = page.locator('[data-cell]');
    expect(await cells.count()).toBe(4);
    const seen = new Map<string, Set<string>>();
    const deadline = Date.now() + 240_000;
    for (;;) {
      const ns = await cells.evaluateAll((buttons) =>
        buttons.map((b) => [b.getAttribute('data-cell')!, b.getAttribute('data-n')!] as const),
      );
      for (const [cell, n] of ns) seen.set(cell, (seen.get(cell) ?? new Set()).add(n));
      const state = await page.getByTestId('sweep-state').textContent();
      if (state === 'done' && ns.every(([, n]) => n === '2')) break;
      if (Date.now() > deadline) throw new Error(`cells never filled: ${JSON.stringify(ns)}`);
      await page.waitForTimeout(100);
    }
    for (const [cell, values] of seen) {
      expect(values.has('2'), cell).toBe(true);
      expect(values.size, `${cell} changed on the page`).toBeGreaterThan(1);
    }
    // Each cell has the colour of the same cell in grid.svg: one scale, from packages/figures.
    const svg = await (
      await fetch(`${stack.baseUrl}/v1/sweeps/${id}/grid.svg`, {
        headers: { authorization: `Bearer ${WRITE_KEY}` },
      })
    ).text();
    const svgFills = new Map(
      [
        ...svg.matchAll(
          /<rect class="cell[^"]*"[^>]*fill="([^"]+)"[^>]*><title>τ=([^,]+), P=(\d+)%/g,
        ),
      ].map(([, fill, tau, p]) => [`${tau} ${p}`, fill!.replace(/\s/g, '')]),
    );
    const pageFills = await cells.evaluateAll((buttons) =>
      buttons.map((b) => {
        const [, tau, p] = /τ ([^,]+), P (\d+)%/.exec(b.getAttribute('aria-label')!)!;
        return [`${tau} ${p}`, getComputedStyle(b).backgroundColor.replace(/\s/g, '')] as const;
      }),
    );
    expect(svgFills.size).toBe(4);
    expect(new Map(pageFills)).toEqual(svgFills);
    // The trials table follows too: every trial done, with its accuracy.
    await eventually(() =>
      page.locator('[data-testid=trials-table] tbody tr[data-state=done]').count(),
    ).toBe(10);

    // A cell: its statistics and its seeds plot, the API's own seeds.svg.
    const cell = page.locator('[data-cell^="East|0.1|30"]');
    const gain = await cell.locator('.gain').textContent();
    await cell.click();
    const details = page.getByTestId('cell-details');
    await details.waitFor();
    expect(await cell.getAttribute('aria-pressed')).toBe('true');
    expect(await details.locator('[data-stat=n]').textContent()).toBe('2');
    expect(await details.locator('[data-stat=meanGain]').textContent()).toBe(`${gain} pp`);
    // The keyboard moves between cells as the figure lays them out (tau 1e-8 is below 0.1).
    await cell.press('ArrowDown');
    await page.keyboard.press('Enter');
    await eventually(() => page.locator('#cell-title').textContent()).toContain('1e-8, P 30%');
    await page.locator('[data-cell^="East|0.1|30"]').press('Enter');
    await eventually(() => page.locator('#cell-title').textContent()).toContain('1e-1, P 30%');
    const plot = page.getByTestId('seeds-plot');
    await plot.waitFor();
    await eventually(() =>
      plot.evaluate((img) => (img as HTMLImageElement).naturalWidth),
    ).toBeGreaterThan(100);
    expect(await plot.getAttribute('src')).toMatch(/^blob:/);
    await page.screenshot({ path: path.join(IMAGES, 'dashboard-sweep.png'), fullPage: true });

    // The list shows it done, newest first.
    await page.getByRole('link', { name: 'Sweeps' }).click();
    const row = page.locator(`tr[data-sweep="${id}"]`);
    await eventually(() => row.locator('.state').textContent()).toBe('done');
    // Its derived trials (tau 1e-8 never fires in 2 epochs) are counted as the API counts them.
    const rows = (await (
      await fetch(`${stack.baseUrl}/v1/sweeps/${id}/trials`, {
        headers: { authorization: `Bearer ${WRITE_KEY}` },
      })
    ).json()) as { trials: { derivedFrom: string | null }[] };
    const derived = rows.trials.filter((t) => t.derivedFrom !== null).length;
    expect(derived).toBeGreaterThan(0);
    expect(await row.locator('[data-col=derived]').textContent()).toBe(String(derived));
    await page.screenshot({ path: path.join(IMAGES, 'dashboard-sweeps.png') });
    await context.close();

    // At phone width the same page is one column.
    const phone = await newPage({ width: 390, height: 844 });
    await signIn(phone.page, WRITE_KEY);
    await phone.page.goto(`${stack.baseUrl}/#/sweeps/${id}`);
    await phone.page.locator('[data-cell^="East|0.1|30"]').click();
    await phone.page.getByTestId('seeds-plot').waitFor();
    await phone.page.screenshot({ path: path.join(IMAGES, 'dashboard-phone.png') });
    await phone.context.close();
  }, 300_000);

  it('shows a read-only key no cancel button (the API refuses it too), and cancels with a read-write key', async () => {
    const id = await submit(
      TINY.replace('dashboard-tiny', 'dashboard-long')
        .replace('epochs: 2', 'epochs: 40')
        .replace('to: 1', 'to: 5'),
    );

    const reader = await newPage();
    await signIn(reader.page, READ_KEY);
    // The key stays with the tab (sessionStorage): a reload keeps it, another tab signs in itself.
    await reader.page.reload();
    await reader.page.getByRole('heading', { name: 'Sweeps' }).waitFor();
    const otherTab = await reader.context.newPage();
    await otherTab.goto(stack.baseUrl);
    await otherTab.getByLabel('API key').waitFor();
    await otherTab.close();
    await reader.page.goto(`${stack.baseUrl}/#/sweeps/${id}`);
    await reader.page.getByTestId('sweep-state').waitFor();
    await reader.page.getByTestId('heatmaps').waitFor();
    expect(await reader.page.getByRole('button', { name: /cancel/i }).count()).toBe(0);
    expect(await reader.page.getByRole('link', { name: 'Submit' }).count()).toBe(0);
    const refused = await fetch(`${stack.baseUrl}/v1/sweeps/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${READ_KEY}` },
    });
    expect(refused.status).toBe(403);
    await reader.context.close();

    const writer = await newPage();
    await signIn(writer.page, WRITE_KEY);
    await writer.page.goto(`${stack.baseUrl}/#/sweeps/${id}`);
    // Running trials show their epochs as they train.
    await writer.page.getByTestId('running').waitFor({ timeout: 60_000 });
    await writer.page
      .getByTestId('running')
      .getByText(/epoch \d+\/40/)
      .first()
      .waitFor({ timeout: 60_000 });
    await writer.page.screenshot({ path: path.join(IMAGES, 'dashboard-running.png') });
    await writer.page.getByRole('button', { name: 'Cancel sweep' }).click();
    await writer.page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await eventually(() => writer.page.getByTestId('sweep-state').textContent()).toBe('cancelled');
    expect((await apiStatus(id)).state).toBe('cancelled');
    expect(await writer.page.getByRole('button', { name: 'Cancel sweep' }).count()).toBe(0);
    await writer.context.close();
  }, 240_000);

  it('lists failed trials by their reason, and retries them', async () => {
    // Trials for another trainer version: every attempt fails at once (TRAINER_MISMATCH).
    const definition = parseSweepText(
      `name: dashboard-doomed
regions: [East]
seeds: [40, 41]
randomout: {tau: [1e-3], activePercent: [50]}
training: {epochs: 2}
`,
      'yaml',
    );
    const trials = planSweep(definition, { trainerVersion: '0' }).trials.map((t) => {
      const spec = { ...t.spec, trainerVersion: '0' };
      return { key: trialKey(spec), spec };
    });
    const id = 'sw-0-00000000d1';
    await stack.store.createSweep(
      {
        id,
        name: definition.name,
        createdAt: new Date().toISOString(),
        definition,
        trainerVersion: '0',
        trials: trials.length,
        reused: 0,
        enqueued: trials.length,
      },
      trials,
    );
    await new TrialEnqueuer(stack.app.seedsweep.queue, stack.store, stack.redis).enqueue(trials);
    await eventually(async () => (await apiStatus(id)).state).toBe('failed');

    const { context, page } = await newPage();
    await signIn(page, WRITE_KEY);
    await page.goto(`${stack.baseUrl}/#/sweeps/${id}`);
    await eventually(() => page.getByTestId('sweep-state').textContent()).toBe('failed');
    // Each reason once, with its count and fix; and as a filter of the trials.
    await eventually(() => page.locator('.failures li').first().textContent()).toContain(
      `${trials.length} × `,
    );
    const filter = page.getByTestId('filter-failure');
    const reasons = await filter.locator('option').allTextContents();
    expect(reasons).toHaveLength(2); // "any" and the one reason
    expect(reasons[1]).toContain('trainer version 0');
    await filter.selectOption({ index: 1 });
    const shown = page.locator('[data-testid=trials-table] tbody tr');
    await eventually(() => shown.count()).toBe(trials.length);
    expect(
      await page.locator('[data-testid=trials-table] tbody tr[data-state=failed]').count(),
    ).toBe(trials.length);
    await page.getByTestId('filter-state').selectOption('done');
    await eventually(() => shown.count()).toBe(0);
    await page.getByTestId('filter-state').selectOption('failed');
    await page.screenshot({ path: path.join(IMAGES, 'dashboard-failed.png'), fullPage: true });

    await page.getByRole('button', { name: `Retry ${trials.length} failed` }).click();
    await eventually(() => page.getByRole('status').textContent()).toBe(
      `Retrying ${trials.length} failed trials.`,
    );
    // They fail again (the version is still wrong), each attempt once more.
    await eventually(async () => (await apiStatus(id)).state).toBe('failed');
    await context.close();
  });

  it('needs no sign-in with AUTH=off', async () => {
    const open = await buildApp({
      redis: stack.redis,
      prefix: stack.prefix,
      maxTrials: 1_000,
      maxBodyBytes: 64 * 1024,
      logger: false,
      auth: { mode: 'off' },
    });
    await open.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = open.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const { context, page } = await newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.getByRole('heading', { name: 'Sweeps' }).waitFor();
      expect(await page.getByLabel('API key').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
      await eventually(() => page.locator('tr[data-sweep]').count()).toBe(3);
      await context.close();
    } finally {
      await open.close();
    }
  });

  it("shows each live sweep's share of the workers, its place in the queue and its priority", async () => {
    // An API of its own with no worker: jobs are taken as a worker takes them (the lowest
    // priority first), so the queue's state is known at each step. 10-epoch East trials are 1 s
    // of work each (0.5 s + 10 x 0.05 s), two steps of priority (half-seconds).
    const prefix = uniquePrefix('e2e-share');
    const open = await buildApp({
      redis: stack.redis,
      prefix,
      maxTrials: 1_000,
      maxBodyBytes: 64 * 1024,
      logger: false,
      auth: { mode: 'off' },
    });
    await open.listen({ port: 0, host: '127.0.0.1' });
    const taker = new Worker(TRIAL_QUEUE, undefined, {
      connection: stack.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: bullPrefix(prefix),
      autorun: false,
    });
    try {
      const address = open.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const submitTo = async (name: string, from: number, priority: string) => {
        const response = await fetch(`${base}/v1/sweeps`, {
          method: 'POST',
          headers: { 'content-type': 'application/yaml' },
          body: `name: ${name}\nregions: [East]\nseeds: {from: ${from}, to: ${from + 1}}\nrandomout: {tau: [1e-3], activePercent: [50]}\ntraining: {epochs: 10}\npriority: ${priority}\n`,
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { id: string }).id;
      };
      // 4 trials each of 1 s of work: the normal sweep's priorities 1, 3, 5, 7, the high one's
      // 1, 1, 2, 2 (its work counts at a quarter).
      const normal = await submitTo('share-normal', 0, 'normal');
      const high = await submitTo('share-high', 10, 'high');

      const { context, page } = await newPage();
      await page.goto(base);
      const cell = (id: string, col: string) =>
        page.locator(`tr[data-sweep="${id}"] [data-col=${col}]`);
      await eventually(() => cell(normal, 'ahead').textContent()).toBe('next');
      expect(await cell(high, 'ahead').textContent()).toBe('1 ahead');
      expect(await cell(normal, 'share').textContent()).toBe('none running');
      expect(await cell(high, 'priority').textContent()).toBe('high');

      // The normal sweep's first trial, then the high one's: one each of two running. The high
      // sweep's three others (priorities 1 and 2) are before the normal sweep's second (3).
      for (const token of ['first', 'second']) {
        expect(await taker.getNextJob(token, { block: false })).toBeDefined();
      }
      await eventually(() => cell(normal, 'share').textContent()).toBe('1 of 2 (50%)');
      expect(await cell(high, 'share').textContent()).toBe('1 of 2 (50%)');
      expect(await cell(normal, 'ahead').textContent()).toBe('3 ahead');
      expect(await cell(high, 'ahead').textContent()).toBe('next');

      await page.goto(`${base}/#/sweeps/${normal}`);
      const summary = page.getByTestId('fair-share');
      await summary.waitFor();
      expect(await summary.getByTestId('share').textContent()).toBe('1 of 2 (50%)');
      expect(await summary.getByTestId('ahead').textContent()).toBe('3 ahead');
      expect(await summary.getByTestId('priority').textContent()).toBe('normal');
      expect(await summary.textContent()).toContain('jobs of other sweeps before its next trial');
      await page.screenshot({ path: path.join(IMAGES, 'dashboard-share.png') });
      await context.close();
    } finally {
      await taker.close();
      await open.close();
      await deleteKeys(stack.redis, prefix);
    }
  });

  it('put no key in any URL and broke no rule of its CSP', () => {
    expect(requested.length).toBeGreaterThan(20);
    for (const url of requested) {
      expect(url).not.toContain(WRITE_KEY);
      expect(url).not.toContain(READ_KEY);
    }
    expect(consoleProblems).toEqual([]);
  });
});
