import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { IdempotencyKeys } from '@seedsweep/store';
import { buildApp } from '../src/app.js';
import { requestFingerprint } from '../src/sweep-submitter.js';
import { expectProblem, keysUnder } from './problem-expectations.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('api-hostile');
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  // The limits main.ts applies by default: 100,000 trials, 1 MiB bodies.
  app = await buildApp({
    redis,
    prefix,
    maxTrials: 100_000,
    maxBodyBytes: 1024 * 1024,
    logger: false,
    auth: { mode: 'off' },
    idempotencyWaitMs: 10_000,
  });
  await app.seedsweep.queue.waitUntilReady();
  // The first request compiles the route: time the refusals, not that.
  await post('{}', 'json');
});
afterAll(async () => {
  await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

type Format = 'yaml' | 'json';
const TYPES: Record<Format, string> = { yaml: 'application/yaml', json: 'application/json' };

function post(body: string, format: Format = 'yaml', headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    headers: { 'content-type': TYPES[format], ...headers },
    payload: body,
  });
}

async function jobCount(): Promise<number> {
  const counts = await app.seedsweep.queue.getJobCounts();
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/**
 * Sends a hostile body and checks the refusal: its status and code, that it came quickly, that
 * nothing under the prefix changed and nothing was enqueued, and that Object.prototype is clean.
 */
async function refused(
  body: string,
  format: Format,
  status: number,
  code: string,
  headers: Record<string, string> = {},
) {
  const keysBefore = await keysUnder(redis, prefix);
  const jobsBefore = await jobCount();
  const started = performance.now();
  const response = await post(body, format, headers);
  const elapsedMs = performance.now() - started;
  const problem = expectProblem(response, status, code);
  expect(elapsedMs, `${code} took ${elapsedMs} ms`).toBeLessThan(500);
  expect(await keysUnder(redis, prefix)).toEqual(keysBefore);
  expect(await jobCount()).toBe(jobsBefore);
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  return { problem, elapsedMs };
}

const paths = (problem: { errors?: { path: string }[] }) =>
  (problem.errors ?? []).map((e) => e.path);

/** A valid sweep with one field replaced (YAML). */
const yamlSweep = (
  fields: Partial<Record<'seeds' | 'randomout' | 'training', string>>,
) => `name: hostile
regions: [East]
seeds: ${fields.seeds ?? '[0, 1]'}
randomout: ${fields.randomout ?? '{tau: [0.1], activePercent: [50]}'}
training: ${fields.training ?? '{epochs: 1}'}
`;

/** The same as JSON text, one field's JSON replaced verbatim (for literals JSON.stringify cannot write). */
const jsonSweep = (fields: Partial<Record<'seeds' | 'randomout' | 'training', string>>) =>
  `{"name": "hostile", "regions": ["East"], "seeds": ${fields.seeds ?? '[0, 1]'}, ` +
  `"randomout": ${fields.randomout ?? '{"tau": [0.1], "activePercent": [50]}'}, ` +
  `"training": ${fields.training ?? '{"epochs": 1}'}}`;

describe('sweeps too large to plan', () => {
  it('refuses 10^7 trials in milliseconds, naming the product, writing nothing', async () => {
    const { problem, elapsedMs } = await refused(
      yamlSweep({ seeds: '{from: 0, to: 4999999}' }),
      'yaml',
      422,
      'SWEEP_TOO_LARGE',
    );
    console.log(`10^7 trials refused in ${elapsedMs.toFixed(1)} ms`);
    expect(problem).toMatchObject({ trials: 10_000_000, maxTrials: 100_000 });
    expect(problem.detail).toContain('seeds 5000000');
  });

  it('refuses a range as wide as the seeds go, and a million seeds as a range', async () => {
    const widest = await refused(
      jsonSweep({ seeds: `{"from": 0, "to": ${Number.MAX_SAFE_INTEGER}}` }),
      'json',
      422,
      'SWEEP_TOO_LARGE',
    );
    expect(widest.problem.trials).toBeGreaterThan(1e15);
    const million = await refused(
      yamlSweep({ seeds: '{from: 0, to: 999999}' }),
      'yaml',
      422,
      'SWEEP_TOO_LARGE',
    );
    expect(million.problem.trials).toBe(2_000_000);
  });

  it('refuses a million seeds as a list as a body over the limit', async () => {
    const seeds = `[${Array.from({ length: 1_000_000 }, (_, i) => i).join(',')}]`;
    const keysBefore = await keysUnder(redis, prefix);
    const response = await post(jsonSweep({ seeds }), 'json');
    expectProblem(response, 413, 'BODY_TOO_LARGE');
    expect(await keysUnder(redis, prefix)).toEqual(keysBefore);
    expect(await jobCount()).toBe(0);
  });
});

describe('numbers that are not numbers, or out of range', () => {
  it.each([
    [
      'a NaN literal in JSON',
      400,
      'MALFORMED_BODY',
      '(body)',
      'json',
      jsonSweep({ randomout: '{"tau": [NaN], "activePercent": [50]}' }),
    ],
    [
      '"Infinity" as a string',
      422,
      'INVALID_SWEEP',
      'randomout.tau.0',
      'json',
      jsonSweep({ randomout: '{"tau": ["Infinity"], "activePercent": [50]}' }),
    ],
    [
      '1e309, which JSON.parse makes Infinity',
      422,
      'INVALID_SWEEP',
      'randomout.tau.0',
      'json',
      jsonSweep({ randomout: '{"tau": [1e309], "activePercent": [50]}' }),
    ],
    [
      'YAML .nan',
      422,
      'INVALID_SWEEP',
      'randomout.tau.0',
      'yaml',
      yamlSweep({ randomout: '{tau: [.nan], activePercent: [50]}' }),
    ],
    [
      'YAML .inf',
      422,
      'INVALID_SWEEP',
      'training.learningRate',
      'yaml',
      yamlSweep({ training: '{epochs: 1, learningRate: .inf}' }),
    ],
    [
      'YAML -.inf as P',
      422,
      'INVALID_SWEEP',
      'randomout.activePercent.0',
      'yaml',
      yamlSweep({ randomout: '{tau: [0.1], activePercent: [-.inf]}' }),
    ],
    ['a negative seed', 422, 'INVALID_SWEEP', 'seeds.1', 'yaml', yamlSweep({ seeds: '[0, -1]' })],
    ['a fractional seed', 422, 'INVALID_SWEEP', 'seeds.0', 'json', jsonSweep({ seeds: '[0.5]' })],
    [
      'a negative range',
      422,
      'INVALID_SWEEP',
      'seeds.from',
      'yaml',
      yamlSweep({ seeds: '{from: -5, to: 3}' }),
    ],
    [
      'a seed beyond 2^53',
      422,
      'INVALID_SWEEP',
      'seeds.0',
      'json',
      jsonSweep({ seeds: '[9007199254740993]' }),
    ],
    [
      'P over 100',
      422,
      'INVALID_SWEEP',
      'randomout.activePercent.0',
      'yaml',
      yamlSweep({ randomout: '{tau: [0.1], activePercent: [100.5]}' }),
    ],
    [
      'P under 0',
      422,
      'INVALID_SWEEP',
      'randomout.activePercent.0',
      'json',
      jsonSweep({ randomout: '{"tau": [0.1], "activePercent": [-1]}' }),
    ],
    [
      'a negative tau',
      422,
      'INVALID_SWEEP',
      'randomout.tau.1',
      'yaml',
      yamlSweep({ randomout: '{tau: [0.1, -0.1], activePercent: [50]}' }),
    ],
    [
      'a duplicate seed',
      422,
      'INVALID_SWEEP',
      'seeds.2',
      'yaml',
      yamlSweep({ seeds: '[0, 1, 0]' }),
    ],
  ] as const)('%s: %i %s naming %s', async (_label, status, code, path, format, body) => {
    const { problem } = await refused(body, format, status, code);
    if (path === '(body)') {
      expect(problem.errors?.[0]?.path).toBe('(body)');
      expect(problem.detail).toMatch(/line 1, column \d+/);
    } else {
      expect(paths(problem)).toContain(path);
    }
    if (path === 'seeds.2') expect(problem.detail).toMatch(/duplicate value 0 \(also at index 0\)/);
  });

  it('refuses with an Idempotency-Key too, without claiming the key', async () => {
    const body = yamlSweep({ seeds: '[-1]' });
    await refused(body, 'yaml', 422, 'INVALID_SWEEP', { 'idempotency-key': 'hostile-invalid' });
    expect(await redis.exists(app.seedsweep.store.keys.idempotency('hostile-invalid'))).toBe(0);
  });
});

describe('documents built to hurt the parser', () => {
  const billionLaughs = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
    'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
    'name: laughs',
    'regions: [East]',
    'seeds: *i',
    'randomout: {tau: [0.1], activePercent: [50]}',
  ].join('\n');

  it.each([
    ['malformed YAML', 'name: x\nregions: [East\nseeds: {from: 0', 'yaml', /line \d+, column \d+/],
    ['malformed JSON', '{"name": "x", "regions": ["East"', 'json', /line 1, column \d+/],
    ['a billion laughs (an alias bomb)', billionLaughs, 'yaml', /alias/i],
    [
      'a !!js/function tag',
      yamlSweep({}).replace('name: hostile', 'name: !!js/function "function () { return 1 }"'),
      'yaml',
      /tag/i,
    ],
    ['a custom tag', yamlSweep({ seeds: '!custom [0, 1]' }), 'yaml', /tag/i],
    ['a YAML 1.1 tag', yamlSweep({ seeds: '!!set {0, 1}' }), 'yaml', /tag/i],
    ['two documents', `${yamlSweep({})}---\n${yamlSweep({})}`, 'yaml', /one YAML document/],
  ] as const)('refuses %s with 400 and no internals', async (_label, body, format, detail) => {
    const { problem } = await refused(body, format, 400, 'MALFORMED_BODY');
    expect(problem.detail).toMatch(detail);
  });

  it('takes a merge key for an ordinary, unknown field (the core schema has no merges)', async () => {
    const body = yamlSweep({ training: '{<<: {epochs: 1}}' });
    const { problem } = await refused(body, 'yaml', 422, 'INVALID_SWEEP');
    expect(paths(problem)).toContain('training.<<');
  });

  it.each([
    [
      '__proto__ at the top (JSON)',
      jsonSweep({}).replace('{"name"', '{"__proto__": {"polluted": "yes"}, "name"'),
      'json',
      '__proto__',
    ],
    [
      '__proto__ nested (JSON)',
      jsonSweep({ training: '{"epochs": 1, "__proto__": {"polluted": "yes"}}' }),
      'json',
      'training.__proto__',
    ],
    [
      '__proto__ at the top (YAML)',
      `__proto__: {polluted: yes}\n${yamlSweep({})}`,
      'yaml',
      '__proto__',
    ],
    [
      '__proto__ nested (YAML)',
      yamlSweep({ randomout: '{tau: [0.1], activePercent: [50], __proto__: {polluted: yes}}' }),
      'yaml',
      'randomout.__proto__',
    ],
    [
      'constructor.prototype (JSON)',
      jsonSweep({}).replace(
        '{"name"',
        '{"constructor": {"prototype": {"polluted": "yes"}}, "name"',
      ),
      'json',
      'constructor',
    ],
    [
      'constructor.prototype (YAML)',
      `constructor: {prototype: {polluted: yes}}\n${yamlSweep({})}`,
      'yaml',
      'constructor',
    ],
    [
      'prototype (YAML)',
      yamlSweep({ training: '{epochs: 1, prototype: {polluted: yes}}' }),
      'yaml',
      'training.prototype',
    ],
  ] as const)(
    'refuses %s as an unknown field, polluting nothing',
    async (_label, body, format, path) => {
      const { problem } = await refused(body, format, 422, 'INVALID_SWEEP');
      expect(paths(problem)).toContain(path);
    },
  );
});

describe('Idempotency-Key under concurrency', () => {
  const sweep = (name: string) => yamlSweep({}).replace('name: hostile', `name: ${name}`);

  it('100 concurrent POSTs with one key and body make one sweep, and all name it', async () => {
    const sweepsBefore = await app.seedsweep.store.countSweeps();
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        post(sweep('concurrent'), 'yaml', { 'idempotency-key': 'hostile-concurrent' }),
      ),
    );
    const elapsedMs = performance.now() - started;
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(99);
    const ids = new Set(responses.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    for (const response of responses.filter((r) => r.statusCode === 200)) {
      expect(response.headers['idempotent-replayed']).toBe('true');
    }
    expect(await app.seedsweep.store.countSweeps()).toBe(sweepsBefore + 1);
    const [id] = ids;
    expect((await app.seedsweep.store.getSweep(id))?.name).toBe('concurrent');
    console.log(
      `100 concurrent POSTs, one Idempotency-Key: ${statuses.filter((s) => s === 201).length} × 201, ` +
        `${statuses.filter((s) => s === 200).length} × 200 replayed, 1 sweep, in ${elapsedMs.toFixed(0)} ms`,
    );

    const reused = await post(sweep('another body'), 'yaml', {
      'idempotency-key': 'hostile-concurrent',
    });
    expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await app.seedsweep.store.countSweeps()).toBe(sweepsBefore + 1);
  });

  describe('a request that finds the key taken waits for the first one', () => {
    const idempotency = () => new IdempotencyKeys(redis, app.seedsweep.store.keys);
    const body = sweep('waiting');
    const fingerprint = requestFingerprint('yaml', body);

    it('and replays its response once it completes', async () => {
      await idempotency().claim('hostile-wait-1', fingerprint);
      const answer = post(body, 'yaml', { 'idempotency-key': 'hostile-wait-1' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const first = {
        id: 'sw-0-0123456789',
        name: 'waiting',
        trials: 4,
        reused: 0,
        reusedResults: 0,
        alreadyQueued: 0,
        enqueued: 4,
        createdAt: '2026-01-01T00:00:00.000Z',
      };
      await idempotency().complete('hostile-wait-1', fingerprint, first);
      const response = await answer;
      expect(response.statusCode).toBe(200);
      expect(response.headers['idempotent-replayed']).toBe('true');
      expect(response.json()).toMatchObject(first);
    });

    it('and runs the request itself if the first one failed and let go of the key', async () => {
      await idempotency().claim('hostile-wait-2', fingerprint);
      const answer = post(body, 'yaml', { 'idempotency-key': 'hostile-wait-2' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await idempotency().release('hostile-wait-2');
      const response = await answer;
      expect(response.statusCode).toBe(201);
      expect(response.json().name).toBe('waiting');
    });

    it('and answers 409 if the first one does not finish in time', async () => {
      const impatient = await buildApp({
        redis,
        prefix,
        maxTrials: 100,
        maxBodyBytes: 16 * 1024,
        logger: false,
        auth: { mode: 'off' },
        idempotencyWaitMs: 300,
      });
      try {
        await idempotency().claim('hostile-wait-3', fingerprint);
        const started = performance.now();
        const response = await impatient.inject({
          method: 'POST',
          url: '/v1/sweeps',
          headers: { 'content-type': 'application/yaml', 'idempotency-key': 'hostile-wait-3' },
          payload: body,
        });
        expect(performance.now() - started).toBeGreaterThanOrEqual(300);
        expectProblem(response, 409, 'IDEMPOTENCY_IN_PROGRESS');
        expect(response.headers['retry-after']).toBe('5');
      } finally {
        await impatient.close();
      }
    });
  });
});
