import os from 'node:os';
import { z } from 'zod';
import { defaultCacheRoot } from '@seedsweep/crater-data';
import { EnvError, parseEnvironment } from '@seedsweep/service-runtime';
import {
  KERNELS_ENGINE_CHOICES,
  retiredEngineVariables,
  type KernelsEngineChoice,
} from '@seedsweep/trainer/config';

export const envSchema = z.object({
  /** A local copy of the crater dataset; unset: the pinned download into the cache. */
  CRATER_DATA_DIR: z.string().min(1).optional(),
  /** A mirror of the pinned dataset commit (same paths); default: GitHub at that commit. */
  CRATER_DATA_URL: z.url().optional(),
  /**
   * The engine of `train` and `bench trainer`, and of the workers `start` and `run` start:
   * `native`, `wasm` or `auto` (native where `pnpm build` compiled it). The same results.
   */
  SEEDSWEEP_ENGINE: z.enum(KERNELS_ENGINE_CHOICES).default('auto'),
  /** Root of seedsweep's caches (downloads, prepared tensors); default: XDG cache dir. */
  SEEDSWEEP_CACHE_DIR: z.string().min(1).optional(),
  /** Base of the default cache directory (`$XDG_CACHE_HOME/seedsweep`, else `~/.cache/seedsweep`). */
  XDG_CACHE_HOME: z.string().optional(),
  /** Python interpreter with torch for `bench trainer`; default: /usr/bin/python3, python3. */
  SEEDSWEEP_TORCH_PYTHON: z.string().min(1).optional(),
  /** Any non-empty value: print stack traces with errors. */
  SEEDSWEEP_DEBUG: z.string().optional(),
  /** The seedsweep API that submit, status, grid, export, import and cancel talk to. */
  SEEDSWEEP_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('http://127.0.0.1:8080'),
  /** An API key of that API, sent as a Bearer token. */
  SEEDSWEEP_API_KEY: z
    .string()
    .regex(/^[A-Za-z0-9._~+/=-]+$/, 'must be an API key: letters, digits and . _ ~ + / = -')
    .optional(),
  /** For `start` and `run`: the Redis to use; unset, a redis-server from the PATH is started. */
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .optional(),
  /** For `start`: the API's port. */
  PORT: z.coerce.number().int().min(1).max(65_535).default(8080),
  /** For `start` and `run`: how many worker processes to run. */
  WORKERS: z.coerce.number().int().min(1).max(256).default(1),
});

export interface CliEnv {
  dataDir: string | undefined;
  dataUrl: string | undefined;
  engine: KernelsEngineChoice;
  cacheRoot: string;
  torchPython: string | undefined;
  debug: boolean;
  /** Base URL of the API, without a trailing slash. */
  apiUrl: string;
  /** SEEDSWEEP_API_KEY: sent with every request to the API when set. */
  apiKey: string | undefined;
  redisUrl: string | undefined;
  port: number;
  workers: number;
  /** The environment itself, for helpers that take one (crater-data's defaultCacheDir). */
  raw: NodeJS.ProcessEnv;
}

/** Parses the CLI's environment once, at start-up; a bad value is a one-line error. */
export function parseEnv(env: NodeJS.ProcessEnv): CliEnv {
  const e = parseEnvironment(envSchema, env, { retired: retiredEngineVariables });
  return {
    dataDir: e.CRATER_DATA_DIR,
    dataUrl: e.CRATER_DATA_URL,
    engine: e.SEEDSWEEP_ENGINE,
    cacheRoot: e.SEEDSWEEP_CACHE_DIR ?? defaultCacheRoot(e.XDG_CACHE_HOME, os.homedir()),
    torchPython: e.SEEDSWEEP_TORCH_PYTHON,
    debug: Boolean(e.SEEDSWEEP_DEBUG),
    apiUrl: e.SEEDSWEEP_URL.replace(/\/+$/, ''),
    apiKey: e.SEEDSWEEP_API_KEY,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    workers: e.WORKERS,
    raw: env,
  };
}

export { EnvError };
