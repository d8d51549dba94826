import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { failureClassOf, type TrialFailure } from '@seedsweep/store';
import { parseSweepDefinition, planSweep } from '@seedsweep/sweep-spec';
import { buildApp } from '../src/app.js';
import { expectProblem } from './problem-expectations.js';

/**
 * Failed trials as the API shows and retries them: failures written into the store as a worker
 * writes them (nothing is trained), then read back as statuses, trial rows, CSV and events, and
 * run again by a resubmission (the environment's) or by POST /v1/sweeps/:id/retry (all).
 */

const WRITE_KEY = 'retry-write-key-0123456789';
const READ_KEY = 'retry-read-key-0123456789';
const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('retry');
let app: Awaited<ReturnType<typeof buildApp>>;
let baseUrl: string;

const definition = {
  name: 'retry',
  regions: ['East'],
  seeds: { from: 0, to: 1 },
  randomout: { tau: [1e-3], activePercent: [50] },
  training: { epochs: [1] },
};
const trials = planSweep(parseSweepDefinition(definition)).trials;
const DOWNLOAD =
  'download of http://127.0.0.1:9/East/tile.pgm failed after 3 attempt(s): fetch failed (connect ECONNREFUSED 127.0.0.1:9)';

function failure(key: string, code: string, message: string): TrialFailure {
  return {
    key,
    message,
    code,
    failureClass: failureClassOf(code),
    reason: message,
    attempts: 3,
    worker: 'test:1',
    failedAt: '2026-01-01T00:00:00.000Z',
  };
}

beforeAll(async () => {
  app = await buildApp({
    redis,
    prefix,
    maxTrials: 1_000,
    maxBodyBytes: 64 * 1024,
    logger: false,
    auth: {
      mode: 'keys',
      keys: [
        { key: WRITE_KEY, role: 'write' },
        { key: READ_KEY, role: 'read' },
      ],
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const auth = (key = WRITE_KEY) => ({ authorization: `Bearer ${key}` });

async function submit() {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    headers: { 'content-type': 'application/json', ...auth() },
    payload: JSON.stringify(definition),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string; enqueued: number; retried: number; failed: number }>();
}

async function get<T>(url: string): Promise<T> {
  const response = await app.inject({ url, headers: auth(READ_KEY) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}

/** The `trial` events of a sweep's stream until `count` arrived (read over real HTTP). */
async function trialEvents(id: string, count: number, onOpen: () => Promise<void>) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/v1/sweeps/${id}/events`, {
    headers: auth(READ_KEY),
    signal: controller.signal,
  });
  const events: Record<string, unknown>[] = [];
  let buffer = '';
  let opened = false;
  try {
    for await (const chunk of response.body!) {
      buffer += Buffer.from(chunk as Uint8Array).toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type === 'status' && !opened) {
          opened = true;
          await onOpen();
        }
        if (type === 'trial' && data) events.push(JSON.parse(data) as Record<string, unknown>);
        if (events.length === count) return events;
      }
    }
    return events;
  } finally {
    controller.abort();
  }
}

describe('failed trials', () => {
  it('carry their class, reason and fix in statuses, rows, CSV and events; a resubmission retries those of the environment, POST /retry the rest', async () => {
    const { id } = await submit();
    const { store, queue } = app.seedsweep;
    // No worker here: the trials leave the queue and fail as workers record failures.
    await queue.drain(true);
    const events = await trialEvents(id, 4, async () => {
      for (const trial of trials.slice(0, 3)) {
        await store.writeFailure(failure(trial.key, 'DOWNLOAD_FAILED', DOWNLOAD));
      }
      await store.writeFailure(
        failure(
          trials[3]!.key,
          'INVALID_TRAIN_CONFIG',
          'invalid training configuration: epochs: too big',
        ),
      );
    });
    expect(events[0]).toMatchObject({
      key: trials[0]!.key,
      state: 'failed',
      failureClass: 'environment',
      code: 'DOWNLOAD_FAILED',
      reason: DOWNLOAD,
      fix: expect.stringContaining('CRATER_DATA_URL'),
    });
    expect(events[3]).toMatchObject({ failureClass: 'trial', code: 'INVALID_TRAIN_CONFIG' });

    const status = await get<{ state: string; failures: unknown[] }>(`/v1/sweeps/${id}`);
    expect(status.state).toBe('failed');
    expect(status.failures).toEqual([
      {
        failureClass: 'environment',
        code: 'DOWNLOAD_FAILED',
        reason: DOWNLOAD,
        fix: 'set CRATER_DATA_DIR to a copy of the crater dataset, or CRATER_DATA_URL to a mirror, where the workers run',
        count: 3,
      },
      {
        failureClass: 'trial',
        code: 'INVALID_TRAIN_CONFIG',
        reason: 'invalid training configuration: epochs: too big',
        fix: expect.stringContaining('seedsweep retry'),
        count: 1,
      },
    ]);
    const page = await get<{ trials: Record<string, unknown>[] }>(`/v1/sweeps/${id}/trials`);
    expect(page.trials[0]).toMatchObject({
      state: 'failed',
      failure: DOWNLOAD,
      failureClass: 'environment',
      failureReason: DOWNLOAD,
      failureFix: expect.stringContaining('CRATER_DATA_DIR'),
    });
    expect(page.trials[3]).toMatchObject({ failureClass: 'trial' });
    const csv = await app.inject({
      url: `/v1/sweeps/${id}/trials`,
      headers: { ...auth(READ_KEY), accept: 'text/csv' },
    });
    const [header, first] = csv.body.split('\r\n');
    expect(header).toMatch(/,failure,derivedFrom,failureClass,failureReason,failureFix$/);
    expect(first).toContain(`,environment,${DOWNLOAD},"set CRATER_DATA_DIR`);

    // Submitted again: the environment's failures run again, the trial's own stays failed.
    const again = await submit();
    expect(again).toMatchObject({ enqueued: 3, retried: 3, failed: 1 });
    expect(await queue.getJobCountByTypes('waiting', 'prioritized')).toBe(3);
    const after = await get<{ counts: Record<string, number>; failures: { count: number }[] }>(
      `/v1/sweeps/${id}`,
    );
    expect(after.counts).toMatchObject({ queued: 3, failed: 1 });
    expect(after.failures).toEqual([expect.objectContaining({ failureClass: 'trial', count: 1 })]);

    // An explicit retry: a write key's, and it runs the trial's own failure too.
    const readOnly = await app.inject({
      method: 'POST',
      url: `/v1/sweeps/${id}/retry`,
      headers: auth(READ_KEY),
    });
    expectProblem(readOnly, 403, 'API_KEY_READ_ONLY');
    const retry = await app.inject({
      method: 'POST',
      url: `/v1/sweeps/${id}/retry`,
      headers: auth(),
    });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toMatchObject({
      id,
      state: 'queued',
      counts: { queued: 4, failed: 0 },
      failures: [],
      retry: { retried: 1, enqueued: 1 },
    });
    expect(await queue.getJobCountByTypes('waiting', 'prioritized')).toBe(4);
    // Nothing was deleted: each trial keeps its last failure.
    const last = await redis.hget(store.keys.trial(trials[3]!.key), 'lastFailure');
    expect(JSON.parse(last!)).toMatchObject({ code: 'INVALID_TRAIN_CONFIG' });

    // Again: nothing left to retry.
    const twice = await app.inject({
      method: 'POST',
      url: `/v1/sweeps/${id}/retry`,
      headers: auth(),
    });
    expect(twice.json()).toMatchObject({ retry: { retried: 0, enqueued: 0 } });
  });

  it('refuses an unknown or cancelled sweep with a problem', async () => {
    expectProblem(
      await app.inject({
        method: 'POST',
        url: '/v1/sweeps/sw-1-0000000000/retry',
        headers: auth(),
      }),
      404,
      'SWEEP_NOT_FOUND',
    );
    const { id } = await submit();
    await app.inject({ method: 'DELETE', url: `/v1/sweeps/${id}`, headers: auth() });
    const cancelled = await app.inject({
      method: 'POST',
      url: `/v1/sweeps/${id}/retry`,
      headers: auth(),
    });
    expectProblem(cancelled, 409, 'SWEEP_CANCELLED');
  });

  it('is documented in the OpenAPI description', async () => {
    const spec = await get<{ paths: Record<string, Record<string, unknown>> }>('/docs/json');
    expect(spec.paths['/v1/sweeps/{id}/retry']?.post).toMatchObject({
      summary: expect.stringContaining('failed trials'),
    });
  });
});
