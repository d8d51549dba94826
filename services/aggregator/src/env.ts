import { z } from 'zod';
import {
  healthEnvShape,
  healthOf,
  logEnvShape,
  parseEnvironment,
  redisEnvShape,
  serviceSettingsOf,
  type ServiceSettings,
} from '@seedsweep/service-runtime';

export const envSchema = z.object({
  ...redisEnvShape,
  /** Results arriving within this window update a sweep's grid once. */
  AGGREGATOR_DEBOUNCE_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /**
   * How often every live sweep is checked for trials that have neither a result nor a job (what
   * a Redis crash can leave behind); also done at start-up and whenever Redis comes back.
   */
  RECONCILE_SECONDS: z.coerce.number().min(1).max(86_400).default(30),
  /** A sweep still being submitted after this long lost its submitter; the reconciler finishes it. */
  SUBMISSION_GRACE_SECONDS: z.coerce.number().min(1).max(86_400).default(120),
  ...healthEnvShape,
  ...logEnvShape,
});

export interface AggregatorEnv extends ServiceSettings {
  debounceMs: number;
  reconcileMs: number;
  submissionGraceMs: number;
  health: { port: number; host: string } | null;
}

/** Parsed once, in main.ts. An empty value means unset. */
export function parseEnv(env: NodeJS.ProcessEnv): AggregatorEnv {
  const e = parseEnvironment(envSchema, env);
  return {
    ...serviceSettingsOf(e, env),
    debounceMs: e.AGGREGATOR_DEBOUNCE_MS,
    reconcileMs: e.RECONCILE_SECONDS * 1000,
    submissionGraceMs: e.SUBMISSION_GRACE_SECONDS * 1000,
    health: healthOf(e),
  };
}
