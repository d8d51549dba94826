import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { BACKEND_CHOICES } from '@seedsweep/trainer';

const envSchema = z.object({
  /** A local copy of the crater dataset; unset: the pinned download into the cache. */
  CRATER_DATA_DIR: z.string().min(1).optional(),
  /** A mirror of the pinned dataset commit (same paths); default: GitHub at that commit. */
  CRATER_DATA_URL: z.url().optional(),
  TRAINER_BACKEND: z.enum(BACKEND_CHOICES as [string, ...string[]]).default('auto'),
  /** Root of seedsweep's caches (downloads, prepared tensors); default: XDG cache dir. */
  SEEDSWEEP_CACHE_DIR: z.string().min(1).optional(),
  XDG_CACHE_HOME: z.string().optional(),
  /** Python interpreter with torch for `bench trainer`; default: /usr/bin/python3, python3. */
  SEEDSWEEP_TORCH_PYTHON: z.string().min(1).optional(),
  /** Any non-empty value: print stack traces with errors. */
  SEEDSWEEP_DEBUG: z.string().optional(),
});

export interface CliEnv {
  dataDir: string | undefined;
  dataUrl: string | undefined;
  backend: (typeof BACKEND_CHOICES)[number];
  cacheRoot: string;
  torchPython: string | undefined;
  debug: boolean;
  /** The environment itself, for helpers that take one (crater-data's defaultCacheDir). */
  raw: NodeJS.ProcessEnv;
}

/** Parses the CLI's environment once, at start-up; a bad value is a one-line error. */
export function parseEnv(env: NodeJS.ProcessEnv): CliEnv {
  // `VAR=` in a shell or an env file means "not set", as for most tools.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const xdg = e.XDG_CACHE_HOME && path.isAbsolute(e.XDG_CACHE_HOME) ? e.XDG_CACHE_HOME : undefined;
  return {
    dataDir: e.CRATER_DATA_DIR,
    dataUrl: e.CRATER_DATA_URL,
    backend: e.TRAINER_BACKEND as CliEnv['backend'],
    cacheRoot:
      e.SEEDSWEEP_CACHE_DIR ?? path.join(xdg ?? path.join(os.homedir(), '.cache'), 'seedsweep'),
    torchPython: e.SEEDSWEEP_TORCH_PYTHON,
    debug: Boolean(e.SEEDSWEEP_DEBUG),
    raw: env,
  };
}

export class EnvError extends Error {
  readonly code = 'INVALID_ENVIRONMENT';
}
