import { z } from 'zod';

export const envSchema = z.object({
  /** Redis to connect to; credentials in the URL (`redis://user:password@host:6379`), `rediss://` for TLS. */
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key (results, sweeps and BullMQ's); one prefix is one deployment. */
  SEEDSWEEP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, underscore and dash only')
    .default('seedsweep'),
  /** Results arriving within this window update a sweep's grid once. */
  AGGREGATOR_DEBOUNCE_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /**
   * How often every live sweep is checked for trials that have neither a result nor a job (what
   * a Redis crash can leave behind); also done at start-up and whenever Redis comes back.
   */
  RECONCILE_SECONDS: z.coerce.number().min(1).max(86_400).default(30),
  /** A sweep still being submitted after this long lost its submitter; the reconciler finishes it. */
  SUBMISSION_GRACE_SECONDS: z.coerce.number().min(1).max(86_400).default(120),
  /** Port of /healthz and /readyz for container health checks and probes; 0: none. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  /** Address the health endpoints listen on. */
  HEALTH_HOST: z.string().min(1).default('0.0.0.0'),
  /** pino log level; logs are JSON lines on stdout. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface AggregatorEnv {
  redisUrl: string;
  prefix: string;
  debounceMs: number;
  reconcileMs: number;
  submissionGraceMs: number;
  health: { port: number; host: string } | null;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class EnvError extends Error {
  readonly code = 'INVALID_ENVIRONMENT';
}

/** Parsed once, in main.ts. An empty value means unset. */
export function parseEnv(env: NodeJS.ProcessEnv): AggregatorEnv {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    redisUrl: e.REDIS_URL,
    prefix: e.SEEDSWEEP_PREFIX,
    debounceMs: e.AGGREGATOR_DEBOUNCE_MS,
    reconcileMs: e.RECONCILE_SECONDS * 1000,
    submissionGraceMs: e.SUBMISSION_GRACE_SECONDS * 1000,
    health: e.HEALTH_PORT > 0 ? { port: e.HEALTH_PORT, host: e.HEALTH_HOST } : null,
    logLevel: e.LOG_LEVEL,
  };
}
