import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../src/env.js';

const KEY_A = 'alpha-key-0123456789ABCDEF';
const KEY_B = 'bravo.key_0123456789~+/=';
const KEY_C = 'charlie-key-0123456789abcd';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-api-env-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function envError(env: NodeJS.ProcessEnv): EnvError {
  try {
    parseEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    expect((error as Error).message).not.toContain('\n');
    return error as EnvError;
  }
  throw new Error('parseEnv accepted the environment');
}

describe('API keys from the environment', () => {
  it('reads API_KEYS: bare and write: keys are read-write, read: keys read-only', () => {
    const env = parseEnv({ API_KEYS: ` ${KEY_A}, read:${KEY_B},write:${KEY_C},` });
    expect(env.auth).toEqual({
      mode: 'keys',
      keys: [
        { key: KEY_A, role: 'write' },
        { key: KEY_B, role: 'read' },
        { key: KEY_C, role: 'write' },
      ],
    });
  });

  it('reads API_KEYS_FILE, one entry a line, with blank lines and comments', async () => {
    const file = path.join(dir, 'keys');
    await writeFile(
      file,
      `# operators\n${KEY_A}\n\n   # dashboards, read only\nread:${KEY_B}   # grafana\r\n`,
    );
    expect(parseEnv({ API_KEYS_FILE: file }).auth).toEqual({
      mode: 'keys',
      keys: [
        { key: KEY_A, role: 'write' },
        { key: KEY_B, role: 'read' },
      ],
    });
  });

  it.each([
    [`${KEY_A},short-key`, /^API_KEYS entry 2: the key has 9 characters; a key needs at least 16$/],
    [
      `${KEY_A},read:has space in it 0123`,
      /^API_KEYS entry 2: setting 1 after the key is not one of name=, .* \(a key has no spaces\)$/,
    ],
    [`${KEY_A},read:has_a_#_in_it_0123`, /^API_KEYS entry 2: the key has a character other than/],
    [`admin:${KEY_A}`, /^API_KEYS entry 1: the only prefixes are read: and write:$/],
    [`${KEY_A},read:${KEY_A}`, /^API_KEYS entry 2: repeats the key of entry 1$/],
    [`${'k'.repeat(513)}`, /^API_KEYS entry 1: the key has 513 characters; at most 512/],
    [' , ', /^API_KEYS has no keys$/],
  ])('refuses API_KEYS=%j, naming the entry, never the key', (value, message) => {
    const error = envError({ API_KEYS: value });
    expect(error.message).toMatch(message);
    for (const part of value.split(/[,:]/)) {
      if (part.trim().length >= 4) expect(error.message).not.toContain(part.trim());
    }
  });

  it('refuses a bad line of API_KEYS_FILE by its number, and a file it cannot read', async () => {
    const file = path.join(dir, 'bad-keys');
    await writeFile(file, `# keys\n${KEY_A}\nread:not-a-comment#0123456789\n`);
    const bad = envError({ API_KEYS_FILE: file });
    expect(bad.message).toMatch(/^API_KEYS_FILE line 3: the key has a character other than/);
    expect(bad.message).not.toContain('not-a-comment');
    const missing = path.join(dir, 'missing');
    expect(envError({ API_KEYS_FILE: missing }).message).toBe(
      `API_KEYS_FILE: cannot read ${missing} (ENOENT)`,
    );
    await writeFile(path.join(dir, 'comments'), '# nothing but comments\n\n');
    expect(envError({ API_KEYS_FILE: path.join(dir, 'comments') }).message).toBe(
      'API_KEYS_FILE has no keys',
    );
  });

  it('refuses to start without keys unless AUTH=off says so', () => {
    expect(envError({}).message).toBe(
      'no API keys: set API_KEYS or API_KEYS_FILE, or AUTH=off to run without authentication',
    );
    expect(envError({ API_KEYS: '', API_KEYS_FILE: '' }).message).toMatch(/^no API keys/);
    expect(parseEnv({ AUTH: 'off' }).auth).toEqual({ mode: 'off' });
    expect(envError({ AUTH: 'off', API_KEYS: KEY_A }).message).toBe(
      'AUTH=off contradicts API_KEYS: unset one or the other',
    );
    expect(envError({ API_KEYS: KEY_A, API_KEYS_FILE: '/etc/keys' }).message).toBe(
      'set API_KEYS or API_KEYS_FILE, not both',
    );
    expect(envError({ AUTH: 'no' }).message).toBe('AUTH: must be on or off');
  });
});

describe('settings of API key entries', () => {
  it('reads name, quotas and high after the key, separated by spaces, in either source', async () => {
    const env = parseEnv({
      API_KEYS: `write:${KEY_A} name=alice maxQueuedTrials=20000 maxCoreHours=50.5 maxWorkers=4 high=allow, read:${KEY_B}  name=grafana,${KEY_C} maxWorkers=0 high=deny`,
    });
    expect(env.auth).toEqual({
      mode: 'keys',
      keys: [
        {
          key: KEY_A,
          role: 'write',
          name: 'alice',
          quota: { maxQueuedTrials: 20_000, maxCoreHours: 50.5, maxWorkers: 4 },
          mayUseHigh: true,
        },
        { key: KEY_B, role: 'read', name: 'grafana' },
        { key: KEY_C, role: 'write', quota: { maxWorkers: 0 }, mayUseHigh: false },
      ],
    });
    const file = path.join(dir, 'keys-with-settings');
    await writeFile(file, `${KEY_A}\tname=alice   maxWorkers=2   # two workers at most\n`);
    expect(parseEnv({ API_KEYS_FILE: file }).auth).toEqual({
      mode: 'keys',
      keys: [{ key: KEY_A, role: 'write', name: 'alice', quota: { maxWorkers: 2 } }],
    });
  });

  it.each([
    [
      `${KEY_A} maxWorkers=four`,
      /^API_KEYS entry 1: maxWorkers= must be a whole number of workers from 0 \(unlimited\) to 1,000,000$/,
    ],
    [
      `${KEY_A} maxQueuedTrials=1.5`,
      /^API_KEYS entry 1: maxQueuedTrials= must be a whole number of trials/,
    ],
    [
      `${KEY_A} maxCoreHours=-3`,
      /^API_KEYS entry 1: maxCoreHours= must be a number of core-hours from 0/,
    ],
    [`${KEY_A} maxCoreHours=`, /^API_KEYS entry 1: maxCoreHours= must be a number of core-hours/],
    [
      `${KEY_C},${KEY_A} name=al:ice`,
      /^API_KEYS entry 2: name= must be 1-64 letters, digits, \., _ or -$/,
    ],
    [`${KEY_A} high=yes`, /^API_KEYS entry 1: high= must be allow or deny$/],
    [`${KEY_A} maxWorkers=1 maxWorkers=2`, /^API_KEYS entry 1: maxWorkers= is set twice$/],
    [
      `read:${KEY_B} maxWorkers=2`,
      /^API_KEYS entry 1: maxWorkers= applies to read-write keys only/,
    ],
    [`read:${KEY_B} high=allow`, /^API_KEYS entry 1: high= applies to read-write keys only/],
    [
      `${KEY_A} name=alice,${KEY_C} name=alice`,
      /^API_KEYS entry 2: is named alice, as entry 1 is; names must differ$/,
    ],
  ])('refuses API_KEYS=%j, naming the entry and the setting, never the key', (value, message) => {
    const error = envError({ API_KEYS: value });
    expect(error.message).toMatch(message);
    for (const key of [KEY_A, KEY_B, KEY_C]) expect(error.message).not.toContain(key);
  });

  it('never quotes what follows a key unless it is a known setting: it may be a piece of a key', () => {
    // A key cut in two by a space, its second half ending in base64 padding.
    for (const value of [
      `${KEY_A} 0123456789abcdef`,
      `${KEY_A} Zm9vYmFyYmF6cXV4=`,
      `${KEY_A} Zm9v=YmFyYmF6cXV4`,
    ]) {
      const error = envError({ API_KEYS: value });
      expect(error.message).toMatch(/^API_KEYS entry 1: setting 1 after the key is not one of /);
      expect(error.message).not.toContain(value.split(' ')[1]!.split('=')[0]!);
    }
  });

  it('takes the deployment-wide quotas from QUOTA_MAX_*, by default 100,000 trials and 1,000 core-hours', () => {
    expect(parseEnv({ API_KEYS: KEY_A }).quotaDefaults).toEqual({
      maxQueuedTrials: 100_000,
      maxCoreHours: 1_000,
      maxWorkers: 0,
    });
    expect(
      parseEnv({
        API_KEYS: KEY_A,
        QUOTA_MAX_QUEUED_TRIALS: '0',
        QUOTA_MAX_CORE_HOURS: '2.5',
        QUOTA_MAX_WORKERS: '8',
      }).quotaDefaults,
    ).toEqual({ maxQueuedTrials: 0, maxCoreHours: 2.5, maxWorkers: 8 });
    expect(envError({ API_KEYS: KEY_A, QUOTA_MAX_WORKERS: '1.5' }).message).toMatch(
      /^QUOTA_MAX_WORKERS: /,
    );
    expect(envError({ API_KEYS: KEY_A, QUOTA_MAX_CORE_HOURS: '-1' }).message).toMatch(
      /^QUOTA_MAX_CORE_HOURS: /,
    );
  });
});

describe('the rate limit from the environment', () => {
  it('is 1200 a minute unless RATE_LIMIT_PER_MINUTE says otherwise; 0 is off', () => {
    expect(parseEnv({ AUTH: 'off' }).rateLimitPerMinute).toBe(1200);
    expect(parseEnv({ AUTH: 'off', RATE_LIMIT_PER_MINUTE: '0' }).rateLimitPerMinute).toBe(0);
    expect(parseEnv({ AUTH: 'off', RATE_LIMIT_PER_MINUTE: '60' }).rateLimitPerMinute).toBe(60);
    expect(envError({ AUTH: 'off', RATE_LIMIT_PER_MINUTE: '-1' }).message).toMatch(
      /^RATE_LIMIT_PER_MINUTE: /,
    );
  });
});
