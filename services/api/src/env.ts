import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { apiKeysFromFile, apiKeysFromList, type ApiKeyParse } from './auth/api-key-entries.js';
import type { AuthOptions } from './auth/auth-options.js';

export const envSchema = z.object({
  /** Redis to connect to; credentials in the URL (`redis://user:password@host:6379`), `rediss://` for TLS. */
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Port the API listens on. */
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** 0.0.0.0 in containers; loopback by default so a workstation does not expose the API. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Prefix of every Redis key (results, sweeps and BullMQ's); one prefix is one deployment. */
  SEEDSWEEP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, underscore and dash only')
    .default('seedsweep'),
  /** Largest sweep accepted, in unique trials. */
  MAX_TRIALS: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  /** Largest sweep definition accepted, in bytes. */
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** pino log level; logs are JSON lines on stdout. The API's lines carry request ids, also sent as `x-request-id`. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Comma-separated `KEY`, `write:KEY` or `read:KEY` entries. */
  API_KEYS: z.string().optional(),
  /** A file of the same entries, one a line (a mounted secret). */
  API_KEYS_FILE: z.string().optional(),
  /** `off` runs without API keys; never off unless said so. */
  AUTH: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  /** Requests a minute per API key (or per client address without one); 0 turns it off. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(1200),
});

export interface ApiEnv {
  redisUrl: string;
  port: number;
  host: string;
  prefix: string;
  maxTrials: number;
  maxBodyBytes: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  auth: AuthOptions;
  /** 0: no rate limit. */
  rateLimitPerMinute: number;
}

export class EnvError extends Error {
  readonly code = 'INVALID_ENVIRONMENT';
}

/** Parsed once, in main.ts. An empty value (`PORT=`) means unset. */
export function parseEnv(env: NodeJS.ProcessEnv): ApiEnv {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    host: e.HOST,
    prefix: e.SEEDSWEEP_PREFIX,
    maxTrials: e.MAX_TRIALS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    logLevel: e.LOG_LEVEL,
    auth: authOf(e),
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
