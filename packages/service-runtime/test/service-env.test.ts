import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  EnvError,
  logEnvShape,
  parseEnvironment,
  redisEnvShape,
  serviceSettingsOf,
} from '../src/index.js';

const schema = z.object({ ...redisEnvShape, ...logEnvShape, PORT: z.coerce.number().default(1) });

function settings(env: NodeJS.ProcessEnv) {
  return serviceSettingsOf(parseEnvironment(schema, env), env);
}

function errorOf(run: () => unknown): EnvError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).code).toBe('INVALID_ENVIRONMENT');
    return error as EnvError;
  }
  throw new Error('accepted');
}

describe('the shared part of a service environment', () => {
  it('defaults to the local Redis and treats VAR= as unset', () => {
    expect(settings({ REDIS_URL: '', LOG_LEVEL: '' })).toEqual({
      redis: { kind: 'url', url: 'redis://127.0.0.1:6379' },
      prefix: 'seedsweep',
      logLevel: 'info',
    });
  });

  it('names the variable of the first problem', () => {
    expect(errorOf(() => settings({ PORT: 'x' })).message).toMatch(/^PORT: /);
    expect(errorOf(() => settings({ SEEDSWEEP_PREFIX: 'a b' })).message).toBe(
      'SEEDSWEEP_PREFIX: letters, digits, dot, underscore and dash only',
    );
  });

  it('reports a retired variable before parsing', () => {
    const retired = (set: Record<string, string>) => (set.OLD ? 'OLD is gone: use NEW' : null);
    expect(errorOf(() => parseEnvironment(schema, { OLD: '1' }, { retired })).message).toBe(
      'OLD is gone: use NEW',
    );
  });

  it('reads Sentinel addresses, the primary’s name, the user and passwords', () => {
    expect(
      settings({
        REDIS_SENTINELS: 'sentinel-a:26379, 10.0.0.2:26380,[::1]:26381',
        REDIS_SENTINEL_MASTER: 'seedsweep',
        REDIS_USERNAME: 'u',
        REDIS_PASSWORD: 'p',
        REDIS_SENTINEL_PASSWORD: 's',
      }).redis,
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'seedsweep',
      username: 'u',
      password: 'p',
      sentinelPassword: 's',
    });
  });

  it('refuses Sentinel settings that contradict or lack each other', () => {
    expect(
      errorOf(() =>
        settings({
          REDIS_URL: 'redis://r:6379',
          REDIS_SENTINELS: 'a:1',
          REDIS_SENTINEL_MASTER: 'm',
        }),
      ).message,
    ).toBe('set REDIS_URL or REDIS_SENTINELS, not both');
    expect(errorOf(() => settings({ REDIS_SENTINELS: 'a:1' })).message).toMatch(
      /^REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS/,
    );
    expect(
      errorOf(() => settings({ REDIS_SENTINELS: 'a', REDIS_SENTINEL_MASTER: 'm' })).message,
    ).toBe('REDIS_SENTINELS: "a" is not host:port');
    expect(errorOf(() => settings({ REDIS_SENTINEL_MASTER: 'm' })).message).toBe(
      'REDIS_SENTINEL_MASTER: only read with REDIS_SENTINELS, which is not set',
    );
    // Common names, set for other tools (our .env.example sets REDIS_PASSWORD for compose's
    // Redis): ignored without sentinels, never a reason to refuse to start.
    expect(settings({ REDIS_USERNAME: 'u', REDIS_PASSWORD: 'p' }).redis).toEqual({
      kind: 'url',
      url: 'redis://127.0.0.1:6379',
    });
  });
});
