import { z } from 'zod';

const envSchema = z.object({
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** 0.0.0.0 in containers; loopback by default so a workstation does not expose the API. */
  HOST: z.string().min(1).default('127.0.0.1'),
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ApiEnv {
  redisUrl: string;
  port: number;
  host: string;
  prefix: string;
  maxTrials: number;
  maxBodyBytes: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
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
  };
}
