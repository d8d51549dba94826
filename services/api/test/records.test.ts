import { gunzipSync, gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import type { TrialRecord } from '@seedsweep/store';
import { parseSweepDefinition, planSweep, type Trial } from '@seedsweep/sweep-spec';
import { buildApp } from '../src/app.js';
import { expectProblem, keysUnder } from './problem-expectations.js';

/**
 * Records files between two deployments (two key prefixes on the test Redis), with results
 * written straight into the first one's store: nothing is trained.
 */

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefixes: string[] = [];
const apps: Awaited<ReturnType<typeof buildApp>>[] = [];

async function deployment() {
  const prefix = uniquePrefix('records');
  prefixes.push(prefix);
  const app = await buildApp({
    redis,
    prefix,
    maxTrials: 1_000,
    maxBodyBytes: 64 * 1024,
    logger: false,
    auth: { mode: 'off' },
  });
  await app.seedsweep.queue.waitUntilReady();
  apps.push(app);
  return { app, prefix, store: app.seedsweep.store };
}

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const prefix of prefixes) await deleteKeys(redis, prefix);
  redis.disconnect();
});

const definition = {
  name: 'records',
  regions: ['East'],
  seeds: { from: 0, to: 1 },
  randomout: { tau: [1e-3], activePercent: [50] },
  training: { epochs: [2] },
};
const trials: Trial[] = planSweep(parseSweepDefinition(definition)).trials;

function record(trial: Trial, i: number): TrialRecord {
  return {
    key: trial.key,
    testAccuracy: 0.8 + i / 100,
    majorityRate: 0.625,
    testCount: 611,
    trainLoss: [0.6, 0.5],
    epochsRun: 2,
    diverged: false,
    divergedAtEpoch: null,
    reinitializations: { total: 0, conv1: 0, conv2: 0, perEpoch: [] },
    minAbsCgn: [0.01, 0.02],
    weightsHash: `w${i}`,
    engine: 'wasm',
    versions: { trainer: trials[0]!.spec.trainerVersion },
    durationMs: 1000 + i,
    worker: 'elsewhere:1',
    attempt: 1,
    finishedAt: '2026-01-01T00:00:00.000Z',
    ...(trial.spec.train.randomout && { derivedFrom: trials[0]!.key }),
  };
}

function submit(app: Awaited<ReturnType<typeof buildApp>>, body: unknown) {
  return app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

function importRecords(
  app: Awaited<ReturnType<typeof buildApp>>,
  body: Buffer,
  contentType = 'application/gzip',
) {
  return app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: { 'content-type': contentType },
    payload: body,
  });
}

async function exportRecords(app: Awaited<ReturnType<typeof buildApp>>, id: string) {
  const response = await app.inject({ method: 'GET', url: `/v1/sweeps/${id}/records` });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toBe('application/gzip');
  expect(response.headers['content-disposition']).toBe(
    `attachment; filename="${id}-records.jsonl.gz"`,
  );
  return response.rawPayload;
}

function linesOf(file: Buffer): string[] {
  return gunzipSync(file).toString('utf8').split('\n').slice(0, -1);
}

/* eslint-disable @typescript-eslint/no-explicit-any -- reaching into parsed lines to tamper with them */
/** A copy of `file` with `edit` applied to the parsed line `index` (0 is the header). */
function edited(file: Buffer, index: number, edit: (line: Record<string, any>) => void): Buffer {
  const lines = linesOf(file);
  const line = JSON.parse(lines[index]!) as Record<string, any>;
  edit(line);
  lines[index] = JSON.stringify(line);
  return gzipSync(lines.join('\n') + '\n');
}

describe('records files', () => {
  let source: Awaited<ReturnType<typeof deployment>>;
  let sourceId: string;
  let file: Buffer;

  beforeAll(async () => {
    source = await deployment();
    const submitted = await submit(source.app, definition);
    expect(submitted.statusCode).toBe(201);
    sourceId = submitted.json().id;
    // Three results and a failure: the failure is no result and stays out of the file.
    for (const [i, trial] of trials.slice(0, 3).entries()) {
      await source.store.writeResult(record(trial, i));
    }
    await source.store.writeFailure({
      key: trials[3]!.key,
      message: 'boom',
      code: null,
      attempts: 3,
      worker: 'w',
      failedAt: '2026-01-01T00:00:00.000Z',
    });
    file = await exportRecords(source.app, sourceId);
  });

  it('are the header and a canonical line per result, the same bytes every time', async () => {
    expect(await exportRecords(source.app, sourceId)).toEqual(file);
    // gzip with no mtime, no name and the OS byte fixed.
    expect([...file.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    const lines = linesOf(file);
    expect(lines).toHaveLength(4);
    const header = JSON.parse(lines[0]!);
    expect(header).toEqual({
      format: 'seedsweep-records',
      version: 1,
      sweep: {
        id: sourceId,
        name: 'records',
        trainerVersion: trials[0]!.spec.trainerVersion,
        definition: JSON.parse(JSON.stringify(parseSweepDefinition(definition))),
      },
    });
    expect(Object.keys(header)).toEqual(['format', 'sweep', 'version']);
    for (const [i, text] of lines.slice(1).entries()) {
      const line = JSON.parse(text);
      expect(Object.keys(line)).toEqual(['key', 'record', 'recordSha256', 'spec']);
      expect(line.key).toBe(trials[i]!.key);
      expect(line.spec).toEqual(trials[i]!.spec);
      expect(line.record).toEqual(record(trials[i]!, i));
    }
  });

  it('round-trip through another deployment: every result reused, the same records out', async () => {
    const target = await deployment();
    const imported = await importRecords(target.app, file);
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toEqual({
      imported: 3,
      alreadyPresent: 0,
      refused: [],
      trainerVersion: trials[0]!.spec.trainerVersion,
    });
    // As the CLI does next: the header's definition, submitted as a sweep.
    const header = JSON.parse(linesOf(file)[0]!);
    const submitted = await submit(target.app, header.sweep.definition);
    expect(submitted.json()).toMatchObject({ trials: 4, reusedResults: 3, enqueued: 1 });
    const id = submitted.json().id;

    const status = await target.app.inject({ method: 'GET', url: `/v1/sweeps/${id}` });
    expect(status.json().counts).toMatchObject({ done: 3 });
    expect(await target.store.counters()).toMatchObject({
      results: 3,
      importedResults: 3,
      trainingMs: 0,
      duplicateResults: 0,
    });
    const events = await target.store.readEvents('0-0');
    expect(events.filter((e) => e.type === 'result').map((e) => e.key)).toEqual(
      trials.slice(0, 3).map((t) => t.key),
    );

    const again = linesOf(await exportRecords(target.app, id));
    expect(again.slice(1)).toEqual(linesOf(file).slice(1));
    expect(JSON.parse(again[0]!)).toEqual({ ...header, sweep: { ...header.sweep, id } });

    const twice = await importRecords(target.app, file);
    expect(twice.json()).toMatchObject({ imported: 0, alreadyPresent: 3, refused: [] });
    expect((await target.store.counters()).results).toBe(3);
  });

  it('refuse a line whose record or spec was changed, and import the rest', async () => {
    const target = await deployment();
    let tampered = edited(file, 1, (line) => (line.record.testAccuracy = 0.99));
    tampered = edited(tampered, 2, (line) => (line.spec.train.learningRate = 0.05));
    tampered = edited(tampered, 3, (line) => (line.record.key = trials[0]!.key));
    const response = await importRecords(target.app, tampered);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ imported: 0, alreadyPresent: 0 });
    expect(body.refused).toEqual([
      {
        line: 2,
        key: trials[0]!.key,
        reason: 'RECORD_ALTERED',
        detail: 'the record does not match its recordSha256: it was changed after export',
      },
      {
        line: 3,
        key: trials[1]!.key,
        reason: 'KEY_MISMATCH',
        detail: expect.stringMatching(/^the key is not its spec's \([0-9a-f]{64}\)/),
      },
      {
        line: 4,
        key: trials[2]!.key,
        reason: 'RECORD_KEY_MISMATCH',
        detail: `the record is of trial "${trials[0]!.key}", not of this key`,
      },
    ]);
    expect(await target.store.resultsPresent(trials.map((t) => t.key))).toEqual([
      false,
      false,
      false,
      false,
    ]);

    const oneBad = await importRecords(
      target.app,
      edited(file, 2, (line) => (line.record.testAccuracy = 0.5)),
    );
    expect(oneBad.json()).toMatchObject({ imported: 2, refused: [{ line: 3 }] });
    expect(await target.store.resultsPresent(trials.map((t) => t.key))).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('refuse a spec that is its own hash but no spec a worker runs', async () => {
    const target = await deployment();
    const { createHash } = await import('node:crypto');
    const { canonicalJson } = await import('@seedsweep/sweep-spec');
    const sha = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');
    const bogus = edited(file, 1, (line) => {
      line.spec.numerics = 'abacus';
      line.key = sha(line.spec);
      line.record.key = line.key;
      line.recordSha256 = sha(line.record);
    });
    const body = (await importRecords(target.app, bogus)).json();
    expect(body.refused).toEqual([
      expect.objectContaining({
        line: 2,
        reason: 'INVALID_SPEC',
        detail: expect.stringMatching(/^spec\.numerics: /),
      }),
    ]);
  });

  it('never overwrite a stored result', async () => {
    const target = await deployment();
    const stored = { ...record(trials[1]!, 1), testAccuracy: 0.5, worker: 'here:1' };
    await target.store.writeResult(stored);
    const body = (await importRecords(target.app, file)).json();
    expect(body).toMatchObject({ imported: 2, alreadyPresent: 1, refused: [] });
    expect(await target.store.getResult(trials[1]!.key)).toEqual(stored);
    expect((await target.store.counters()).duplicateResults).toBe(0);
  });

  it('that cannot be read get a problem naming what is wrong, and write nothing', async () => {
    const target = await deployment();
    const before = await keysUnder(redis, target.prefix);
    const lines = linesOf(file);
    const gz = (text: string) => gzipSync(text);

    expectProblem(
      await importRecords(target.app, Buffer.from(lines.join('\n'))),
      400,
      'MALFORMED_BODY',
    );
    expectProblem(
      await importRecords(target.app, file.subarray(0, file.length - 8)),
      400,
      'MALFORMED_BODY',
    );
    expectProblem(
      await importRecords(target.app, file, 'application/json'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectProblem(await importRecords(target.app, Buffer.alloc(0)), 400, 'MALFORMED_BODY');

    const notJson = expectProblem(
      await importRecords(target.app, gz([...lines.slice(0, 3), '{"key": '].join('\n'))),
      400,
      'MALFORMED_BODY',
    );
    expect(notJson.detail).toMatch(/^line 4: is not JSON/);
    expect(notJson).toMatchObject({
      line: 4,
      errors: [{ path: 'line 4', message: expect.stringMatching(/^is not JSON/) }],
    });

    const version = expectProblem(
      await importRecords(
        target.app,
        edited(file, 0, (header) => (header.version = 2)),
      ),
      422,
      'INVALID_RECORDS',
    );
    expect(version.detail).toBe('line 1, version: 2 is not a version this reads (1)');
    const format = expectProblem(
      await importRecords(target.app, gz(lines.slice(1).join('\n'))),
      422,
      'INVALID_RECORDS',
    );
    expect(format.detail).toBe('line 1, format: is missing: not a seedsweep-records header');
    const missing = expectProblem(
      await importRecords(
        target.app,
        edited(file, 3, (line) => delete line.spec),
      ),
      422,
      'INVALID_RECORDS',
    );
    expect(missing.detail).toMatch(/^line 4, spec: /);
    const definition = expectProblem(
      await importRecords(
        target.app,
        edited(file, 0, (header) => (header.sweep.definition.regions = ['Mars'])),
      ),
      422,
      'INVALID_RECORDS',
    );
    expect(definition.detail).toMatch(/^line 1, sweep\.definition\.regions\.0: /);

    expect(await keysUnder(redis, target.prefix)).toEqual(before);
  });

  it('of an unknown sweep are a 404', async () => {
    expectProblem(
      await source.app.inject({ method: 'GET', url: '/v1/sweeps/sw-zzzzzzzz-0123456789/records' }),
      404,
      'SWEEP_NOT_FOUND',
    );
  });
});
