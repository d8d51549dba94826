import { z } from 'zod';
import { EnvError } from './env-error.js';
import { redisTargetOf, type RedisTarget } from './redis-target.js';

/**
 * The variables every service reads the same way. Each service spreads these into its own
 * `envSchema` (`z.object({ ...redisEnvShape, ...logEnvShape, OWN_VARIABLE: ... })`);
 * scripts/env-reference.mjs follows the spreads to document them once per role.
 */
export const redisEnvShape = {
  /** Redis to connect to; credentials in the URL (`redis://user:password@host:6379`), `rediss://` for TLS. */
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /**
   * Redis Sentinel instead of REDIS_URL: comma-separated `host:port` of the sentinels. The
   * services ask them for the primary and follow it through a failover.
   */
  REDIS_SENTINELS: z.string().optional(),
  /** With REDIS_SENTINELS: the name the sentinels monitor the primary under. */
  REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
  /** With REDIS_SENTINELS: the ACL user of the primary and its replicas (unset: the default user); without, ignored. */
  REDIS_USERNAME: z.string().min(1).optional(),
  /** With REDIS_SENTINELS: the password of the primary and its replicas; without, ignored (REDIS_URL carries it). */
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** With REDIS_SENTINELS: the sentinels' own password, when they require one. */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /** Prefix of every Redis key (results, sweeps and BullMQ's); one prefix is one deployment. */
  SEEDSWEEP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, underscore and dash only')
    .default('seedsweep'),
};

export const logEnvShape = {
  /** pino log level; logs are JSON lines on stdout. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

/** For the services without an API of their own (worker, aggregator). */
export const healthEnvShape = {
  /** Port of /healthz and /readyz for container health checks and probes; 0: none. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  /** Address the health endpoints listen on. */
  HEALTH_HOST: z.string().min(1).default('0.0.0.0'),
};

export type LogLevel = z.infer<typeof logEnvShape.LOG_LEVEL>;

export interface ParseEnvironmentOptions {
  /** A message when a variable that no longer means anything is still set; null otherwise. */
  retired?: (set: Record<string, string>) => string | null;
}

/**
 * Parses a service's environment once, at start-up. `VAR=` in a compose file or a shell means
 * "not set", as for most tools; the first problem is an EnvError naming the variable.
 */
export function parseEnvironment<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv,
  options: ParseEnvironmentOptions = {},
): z.infer<S> {
  const set = setVariables(env);
  const retired = options.retired?.(set);
  if (retired) throw new EnvError(retired);
  const parsed = schema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(`${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** The shared settings, parsed: where Redis is and which deployment this is. */
export interface ServiceSettings {
  redis: RedisTarget;
  prefix: string;
  logLevel: LogLevel;
}

type RedisEnv = z.infer<z.ZodObject<typeof redisEnvShape>>;
type LogEnv = z.infer<z.ZodObject<typeof logEnvShape>>;

/** From a parsed environment that spread `redisEnvShape` and `logEnvShape`. */
export function serviceSettingsOf(
  parsed: RedisEnv & LogEnv,
  env: NodeJS.ProcessEnv,
): ServiceSettings {
  return {
    redis: redisTargetOf(parsed, 'REDIS_URL' in setVariables(env)),
    prefix: parsed.SEEDSWEEP_PREFIX,
    logLevel: parsed.LOG_LEVEL,
  };
}

/** HEALTH_PORT 0 means no health endpoints. */
export function healthOf(parsed: {
  HEALTH_PORT: number;
  HEALTH_HOST: string;
}): { port: number; host: string } | null {
  return parsed.HEALTH_PORT > 0 ? { port: parsed.HEALTH_PORT, host: parsed.HEALTH_HOST } : null;
}

function setVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== '' && entry[1] !== undefined,
    ),
  );
}
