import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bullPrefix, TRIAL_QUEUE, TrialEnqueuer, trialJobId } from '@seedsweep/queue';
import {
  parseSweepText,
  planSweep,
  trialKey,
  type SweepDefinition,
  type Trial,
} from '@seedsweep/sweep-spec';
import { childProcesses } from '../child-processes.js';
import { recomputedGrid } from '../recomputed-grid.js';
import { LocalStack } from './local-stack.js';
import { readEvents, type ServerEvent } from './sse.js';

let stack: LocalStack;

beforeAll(async () => {
  stack = await LocalStack.start(inject('redisUrl'));
});
afterAll(async () => {
  await stack?.stop();
});

const tiny = (name: string, taus = '[1e-3, 1e-9]') => `
name: ${name}
regions: [East]
seeds: {from: 0, to: 1}
randomout:
  tau: ${taus}
  activePercent: [50, 100]
training:
  epochs: 2
`;

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.baseUrl}/v1/sweeps`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml', ...headers },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function get(path: string) {
  const response = await fetch(`${stack.baseUrl}${path}`);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text: await response.text(),
  };
}

/** This process's autogroup line, if the kernel has autogroups. */
function ownAutogroup(): string | null {
  return existsSync('/proc/self/autogroup') ? readFileSync('/proc/self/autogroup', 'utf8') : null;
}
const autogroupBefore = ownAutogroup();

/** Node processes this process started and that still run (BullMQ keeps its sandboxes). */
function childNodeProcesses() {
  return childProcesses(process.pid).filter((p) => p.name.startsWith('node'));
}

/** Follows a sweep's events until the server sends `end`. */
function untilEnd(id: string, onEvent?: (event: ServerEvent) => void | Promise<void>) {
  return readEvents(`${stack.baseUrl}/v1/sweeps/${id}/events`, (e) => e.event === 'end', onEvent);
}

/**
 * Stores a sweep as the API would, without enqueueing it: the test puts on the queue what it
 * wants to see fail.
 */
async function storeSweep(
  id: string,
  definition: SweepDefinition,
  trainerVersion: string,
  trials: Trial[],
): Promise<string> {
  await stack.store.createSweep(
    {
      id,
      name: definition.name,
      createdAt: new Date().toISOString(),
      definition,
      trainerVersion,
      trials: trials.length,
      reused: 0,
      enqueued: trials.length,
    },
    trials,
  );
  return id;
}

/** Resolves with the aggregator's grid of `id` once it counts `done` results. */
function aggregatedGrid(id: string, done: number) {
  return new Promise<unknown>((resolve) => {
    const check = (stored: { sweepId: string; grid: { trials: { done: number } } }) => {
      if (stored.sweepId === id && stored.grid.trials.done === done) {
        stack.aggregator?.off('updated', check);
        resolve(stored.grid);
      }
    };
    stack.aggregator!.on('updated', check);
    // It may have drawn the final grid already.
    void stack.store
      .getGrid<{ trials: { done: number } }>(id)
      .then((stored) => stored && check(stored));
  });
}

describe('a sweep, end to end', () => {
  it('trains every trial once, reports progress, and ends in the grid a recomputation gives', async () => {
    const created = await post(tiny('tiny'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ trials: 10, reused: 0, enqueued: 10 });
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/v1/sweeps/${id}`);

    const finalGrid = aggregatedGrid(id, 10);
    const events = await untilEnd(id);
    // Trials that finished before the stream opened are counted in its first status instead.
    const first = events[0]?.data as { counts: { done: number } };
    const trials = events.filter((e) => e.event === 'trial');
    expect(trials).toHaveLength(10 - first.counts.done);
    expect(new Set(trials.map((e) => (e.data as { key: string }).key)).size).toBe(trials.length);
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    // Labelled as people read trials, not by their 64-character keys.
    for (const e of progress)
      expect((e.data as { label: string }).label).toMatch(/^East seed \d+ /);
    expect(events.at(-1)?.data).toEqual({ state: 'done' });

    const status = JSON.parse((await get(`/v1/sweeps/${id}`)).text);
    expect(status).toMatchObject({
      state: 'done',
      counts: { done: 10, queued: 0, running: 0, failed: 0 },
    });
    expect(status.etaSeconds).toBe(0);

    const grid = await finalGrid;
    expect(grid).toEqual(await recomputedGrid(stack.store, id));
    const gridUrl = `${stack.baseUrl}/v1/sweeps/${id}/grid`;
    const response = await fetch(gridUrl);
    const served = (await response.json()) as { grid: unknown };
    expect(served.grid).toEqual(grid);
    // Pollers that send the tag back get 304 and no body while the grid is unchanged.
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const unchanged = await fetch(gridUrl, { headers: { 'if-none-match': etag } });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
    const stale = await fetch(gridUrl, { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
    const cell = served.grid.groups[0].cells[0][0];
    expect(cell).toMatchObject({ tau: 0.001, activePercent: 50, n: 2, done: 2 });

    const csv = await get(`/v1/sweeps/${id}/trials?format=csv`);
    expect(csv.type).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines).toHaveLength(11);
    expect(lines.slice(1).every((line) => line.includes(',done,0.'))).toBe(true);

    const gridSvg = await get(`/v1/sweeps/${id}/grid.svg`);
    expect(gridSvg.type).toContain('image/svg+xml');
    expect(gridSvg.text).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const seedsSvg = await get(`/v1/sweeps/${id}/seeds.svg?region=East&tau=1e-9&p=100`);
    expect(seedsSvg.type).toContain('image/svg+xml');
    expect(seedsSvg.text).toContain('1e-9');
    expect((await get(`/v1/sweeps/${id}/seeds.svg?region=East&tau=0.5&p=100`)).status).toBe(404);

    // Nothing is trained twice: the same sweep again reuses everything...
    const again = await post(tiny('tiny again'));
    expect(again.body).toMatchObject({ trials: 10, reused: 10, reusedResults: 10, enqueued: 0 });
    // ...and an overlapping one enqueues only its new cells.
    const wider = await post(tiny('wider', '[1e-3, 1e-9, 1e-6]'));
    expect(wider.body).toMatchObject({ trials: 14, reused: 10, enqueued: 4 });
    await untilEnd(wider.body.id as string);
    expect((await stack.store.counters()).results).toBe(14);

    // The trial processes lowered their priority (TRIAL_NICE, default 10) and run under
    // SCHED_IDLE (TRIAL_SCHEDULING, default idle); this one did neither.
    const trialProcesses = childNodeProcesses();
    expect(trialProcesses.length).toBeGreaterThan(0);
    const expected = Math.max(10, os.getPriority());
    expect(trialProcesses.map((p) => [p.nice, p.policy])).toEqual(
      trialProcesses.map(() => [expected, 5]),
    );
    const self = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    expect(Number(self.slice(self.lastIndexOf(')') + 2).split(' ')[38])).toBe(0);
    // Each leads a session of its own, whose autogroup (on kernels that have them) is at nice
    // 19: SCHED_IDLE alone would rank it only within this process's session.
    for (const trial of trialProcesses) {
      expect(trial.session).toBe(trial.pid);
      if (trial.autogroup !== null) expect(trial.autogroup).toMatch(/ nice 19$/);
    }
    // ...and this process's autogroup, shared with whatever started the tests, is as it was.
    expect(ownAutogroup()).toBe(autogroupBefore);
  });

  it('cancels: trials another live sweep needs are kept, the rest removed or stopped', async () => {
    const long = `
name: long
regions: [East]
seeds: {from: 10, to: 13}
randomout: {tau: [1e-9], activePercent: [50]}
training: {epochs: 60}
`;
    const first = await post(long);
    const second = await post(long.replace('name: long', 'name: long twin'));
    expect(second.body).toMatchObject({ trials: 8, alreadyQueued: 8, enqueued: 0 });
    const firstId = first.body.id as string;
    const secondId = second.body.id as string;

    // Cancel the first once training is under way: its twin still needs every trial.
    await readEvents(`${stack.baseUrl}/v1/sweeps/${firstId}/events`, (e) => e.event === 'progress');
    const keptAll = await fetch(`${stack.baseUrl}/v1/sweeps/${firstId}`, { method: 'DELETE' });
    expect(await keptAll.json()).toMatchObject({
      state: 'cancelled',
      alreadyCancelled: false,
      cancellation: { removed: 0, stopped: 0, kept: 8 },
    });

    const queueEvents = new QueueEvents(TRIAL_QUEUE, {
      connection: stack.redis.duplicate(),
      prefix: bullPrefix(stack.prefix),
    });
    await queueEvents.waitUntilReady();
    const failed = new Map<string, string>();
    queueEvents.on('failed', ({ jobId, failedReason }) => failed.set(jobId, failedReason));
    try {
      const response = await fetch(`${stack.baseUrl}/v1/sweeps/${secondId}`, { method: 'DELETE' });
      const cancelled = (await response.json()) as {
        state: string;
        cancellation: Record<string, number>;
      };
      expect(cancelled.state).toBe('cancelled');
      const { removed, stopped, kept } = cancelled.cancellation;
      expect(kept).toBe(0);
      expect(stopped).toBeGreaterThanOrEqual(1); // at most two train at once (concurrency 2)
      expect(stopped).toBeLessThanOrEqual(2);
      expect(removed + stopped).toBe(8);

      // The stopped trials report back as failed (cancelled, not retried), and write nothing.
      const keys = await stack.store.sweepTrialKeys(secondId);
      const jobIds = new Set(keys.map(trialJobId));
      await new Promise<void>((resolve) => {
        const check = () => {
          if ([...failed.keys()].filter((id) => jobIds.has(id)).length >= stopped) resolve();
        };
        queueEvents.on('failed', check);
        check();
      });
      for (const [jobId, reason] of failed)
        if (jobIds.has(jobId)) expect(reason).toMatch(/^cancelled/);
      const states = await stack.store.getStates(keys);
      expect(states.every((s) => s.summary === null && s.failure === null)).toBe(true);
      const queued = await stack.app.seedsweep.queue.getJobCountByTypes(
        'waiting',
        'prioritized',
        'active',
        'delayed',
      );
      expect(queued).toBe(0);
    } finally {
      await queueEvents.close();
    }
    const again = await fetch(`${stack.baseUrl}/v1/sweeps/${secondId}`, { method: 'DELETE' });
    expect(await again.json()).toMatchObject({ alreadyCancelled: true });
  });

  it('loses nothing when the aggregator restarts mid-sweep, and rebuilding twice gives the same grid', async () => {
    await stack.stopAggregator();
    const created = await post(
      tiny('restart', '[1e-4]').replace('{from: 0, to: 1}', '{from: 20, to: 22}'),
    );
    const id = created.body.id as string;
    let restarted: Promise<unknown> | undefined;
    await untilEnd(id, (event) => {
      // Back up after the first result, while the rest are still training.
      if (event.event === 'trial' && !restarted) restarted = stack.startAggregator();
    });
    await restarted;
    const total = created.body.trials as number;
    const grid = await aggregatedGrid(id, total);
    expect(grid).toEqual(await recomputedGrid(stack.store, id));
    const rebuilt = await stack.aggregator!.rebuild(id);
    expect(rebuilt?.grid).toEqual(grid);
  });

  it('records a trial that cannot run as failed, and a sweep whose rest failed ends failed', async () => {
    // A trial for another trainer version: no retry can fix it, so it fails at once for good.
    const definition = parseSweepText(
      tiny('doomed', '[1e-3]').replace('{from: 0, to: 1}', '[40]'),
      'yaml',
    );
    const plan = planSweep(definition, { trainerVersion: '0' });
    const trials = plan.trials.map((t) => {
      const spec = { ...t.spec, trainerVersion: '0' };
      return { key: trialKey(spec), spec };
    });
    const id = await storeSweep('sw-0-0000000001', definition, '0', trials);
    // Enqueue once the stream is open, so that every failure reaches it as an event.
    let enqueued: Promise<unknown> | undefined;
    const events = await untilEnd(id, (event) => {
      if (event.event === 'status' && !enqueued) {
        enqueued = new TrialEnqueuer(stack.app.seedsweep.queue, stack.store, stack.redis).enqueue(
          trials,
        );
      }
    });
    await enqueued;
    const failed = events.filter((e) => e.event === 'trial');
    expect(failed.map((e) => (e.data as { state: string }).state)).toEqual(
      trials.map(() => 'failed'),
    );
    expect(events.at(-1)?.data).toEqual({ state: 'failed' });
    const status = JSON.parse((await get(`/v1/sweeps/${id}`)).text);
    expect(status).toMatchObject({ state: 'failed', counts: { failed: trials.length, done: 0 } });
    const [state] = await stack.store.getStates([trials[0]!.key]);
    // Workers of another version: the environment's failure, run again on resubmission.
    expect(state?.failure).toMatchObject({
      worker: 'e2e-worker',
      attempts: 1,
      code: 'TRAINER_MISMATCH',
      failureClass: 'environment',
    });
    expect(state?.failure?.message).toContain('trainer version 0');
    expect(failed[0]?.data).toMatchObject({
      failureClass: 'environment',
      code: 'TRAINER_MISMATCH',
      reason: expect.stringContaining('trainer version 0'),
      fix: 'run workers of the same seedsweep version as the API',
    });
  });

  it('fails a job written by hand with a payload off the schema at once, without retries, and the sweep says so', async () => {
    const definition = parseSweepText(
      tiny('forged', '[1e-3]').replace('{from: 0, to: 1}', '[41]'),
      'yaml',
    );
    const { trials } = planSweep(definition, { trainerVersion: 'x' });
    const baseline = trials[0]!;
    const id = await storeSweep('sw-0-0000000002', definition, 'x', [baseline]);
    let added: Promise<unknown> | undefined;
    const events = await untilEnd(id, (event) => {
      if (event.event === 'status' && !added) {
        // Not what the enqueuer writes: the spec is a number, the key not a content key.
        added = stack.app.seedsweep.queue.add('train', { key: 'forged', spec: 42 } as never, {
          jobId: trialJobId(baseline.key),
        });
      }
    });
    await added;
    expect(events.at(-1)?.data).toEqual({ state: 'failed' });
    const job = await stack.app.seedsweep.queue.getJob(trialJobId(baseline.key));
    expect(job?.attemptsMade).toBe(1);
    expect(await job?.getState()).toBe('failed');
    const [state] = await stack.store.getStates([baseline.key]);
    // Invalid wherever it runs: the trial's own failure, run again only on request.
    expect(state?.failure).toMatchObject({
      attempts: 1,
      code: 'INVALID_JOB',
      failureClass: 'trial',
    });
    expect(state?.failure?.message).toMatch(/^invalid job data: key: must be a 64-character hex/);
    expect(JSON.parse((await get(`/v1/sweeps/${id}`)).text)).toMatchObject({
      state: 'failed',
      counts: { failed: 1 },
    });
  });
});
