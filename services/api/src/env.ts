import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  EnvError,
  logEnvShape,
  parseEnvironment,
  redisEnvShape,
  serviceSettingsOf,
  type ServiceSettings,
} from '@seedsweep/service-runtime';
import { apiKeysFromFile, apiKeysFromList, type ApiKeyParse } from './auth/api-key-entries.js';
import type { AuthOptions } from './auth/auth-options.js';
import { DEFAULT_KEY_QUOTA, type KeyQuota } from './auth/key-quota.js';

/** A quota's default: a number from 0 (unlimited). */
function quota(fallback: number, options: { integer: boolean }) {
  const number = z.coerce.number().min(0).max(1_000_000_000);
  return (options.integer ? number.int() : number).default(fallback);
}

export const envSchema = z.object({
  ...redisEnvShape,
  /** Port the API listens on. */
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** 0.0.0.0 in containers; loopback by default so a workstation does not expose the API. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Largest sweep accepted, in unique trials. */
  MAX_TRIALS: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  /** Largest sweep definition accepted, in bytes. */
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  ...logEnvShape,
  /**
   * Comma-separated `KEY`, `write:KEY` or `read:KEY` entries, each optionally followed by
   * settings separated by spaces: `name=`, `maxQueuedTrials=`, `maxCoreHours=`, `maxWorkers=`
   * (0: unlimited), `high=allow` (see docs/operations.md, quotas and priorities).
   */
  API_KEYS: z.string().optional(),
  /** A file of the same entries, one a line (a mounted secret). */
  API_KEYS_FILE: z.string().optional(),
  /** `off` runs without API keys; never off unless said so. Off, there are no quotas either. */
  AUTH: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  /**
   * Per API key: the most trials its live sweeps may have unfinished, the sweep submitted
   * included, for keys that do not set `maxQueuedTrials=`; 0: unlimited.
   */
  QUOTA_MAX_QUEUED_TRIALS: quota(DEFAULT_KEY_QUOTA.maxQueuedTrials, { integer: true }),
  /**
   * Per API key: the most estimated core-hours (the dry run's upper estimate) its unfinished
   * trials may need, for keys that do not set `maxCoreHours=`; 0: unlimited.
   */
  QUOTA_MAX_CORE_HOURS: quota(DEFAULT_KEY_QUOTA.maxCoreHours, { integer: false }),
  /**
   * Per API key: the most of its trials in training at once, over all workers, for keys that do
   * not set `maxWorkers=`; 0: unlimited.
   */
  QUOTA_MAX_WORKERS: quota(DEFAULT_KEY_QUOTA.maxWorkers, { integer: true }),
  /** Requests a minute per API key (or per client address without one); 0 turns it off. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(1200),
});

export interface ApiEnv extends ServiceSettings {
  port: number;
  host: string;
  maxTrials: number;
  maxBodyBytes: number;
  auth: AuthOptions;
  /** Quotas of the keys whose entries do not set their own; unused with AUTH=off. */
  quotaDefaults: KeyQuota;
  /** 0: no rate limit. */
  rateLimitPerMinute: number;
}

export { EnvError };

/** Parsed once, in main.ts. An empty value (`PORT=`) means unset. */
export function parseEnv(env: NodeJS.ProcessEnv): ApiEnv {
  const e = parseEnvironment(envSchema, env);
  return {
    ...serviceSettingsOf(e, env),
    port: e.PORT,
    host: e.HOST,
    maxTrials: e.MAX_TRIALS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    auth: authOf(e),
    quotaDefaults: {
      maxQueuedTrials: e.QUOTA_MAX_QUEUED_TRIALS,
      maxCoreHours: e.QUOTA_MAX_CORE_HOURS,
      maxWorkers: e.QUOTA_MAX_WORKERS,
    },
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
  };
}

function authOf(e: z.infer<typeof envSchema>): AuthOptions {
  const given = [e.API_KEYS && 'API_KEYS', e.API_KEYS_FILE && 'API_KEYS_FILE'].filter(Boolean);
  if (e.AUTH === 'off') {
    if (given.length > 0) {
      throw new EnvError(`AUTH=off contradicts ${given.join(' and ')}: unset one or the other`);
    }
    return { mode: 'off' };
  }
  if (given.length === 2) throw new EnvError('set API_KEYS or API_KEYS_FILE, not both');
  let parsed: ApiKeyParse;
  if (e.API_KEYS !== undefined) parsed = apiKeysFromList(e.API_KEYS);
  else if (e.API_KEYS_FILE !== undefined) parsed = apiKeysFromFile(readKeysFile(e.API_KEYS_FILE));
  else {
    throw new EnvError(
      'no API keys: set API_KEYS or API_KEYS_FILE, or AUTH=off to run without authentication',
    );
  }
  if (!parsed.ok) throw new EnvError(parsed.problem);
  return { mode: 'keys', keys: parsed.entries };
}

function readKeysFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new EnvError(`API_KEYS_FILE: cannot read ${file} (${code})`);
  }
}
