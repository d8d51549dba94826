import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { defaultCacheRoot } from '@seedsweep/crater-data';
import {
  healthEnvShape,
  healthOf,
  logEnvShape,
  parseEnvironment,
  redisEnvShape,
  serviceSettingsOf,
  type ServiceSettings,
} from '@seedsweep/service-runtime';
import {
  KERNELS_ENGINE_CHOICES,
  retiredEngineVariables,
  type KernelsEngineChoice,
} from '@seedsweep/trainer/config';

const count = (fallback: number) => z.coerce.number().int().min(1).max(1024).default(fallback);

export const envSchema = z.object({
  ...redisEnvShape,
  /** Trials trained at once, each in its own process. @default number of cores */
  WORKER_CONCURRENCY: count(os.availableParallelism()),
  /** After SIGTERM, how long running trials may take to finish before they are cut off. */
  WORKER_GRACE_SECONDS: z.coerce.number().min(0).max(86_400).default(120),
  /** Times a job may be found stalled (its worker gone) before it fails; above 1, see docs/operations.md. */
  WORKER_MAX_STALLED: z.coerce.number().int().min(2).max(100).default(3),
  /** How long a job's lock lasts without renewal: how soon a dead worker's trial runs elsewhere. */
  WORKER_LOCK_SECONDS: z.coerce.number().min(5).max(3600).default(30),
  /** Name in logs and in every result this worker writes. @default host:pid */
  WORKER_NAME: z.string().min(1).optional(),
  /** A local copy of the crater dataset; unset: the pinned download into the cache. */
  CRATER_DATA_DIR: z.string().min(1).optional(),
  /** A mirror of the pinned dataset commit (same paths); default: GitHub at that commit. */
  CRATER_DATA_URL: z.url().optional(),
  /** Root of seedsweep's caches (downloads, prepared tensors); default: XDG cache dir. */
  SEEDSWEEP_CACHE_DIR: z.string().min(1).optional(),
  /** Base of the default cache directory (`$XDG_CACHE_HOME/seedsweep`, else `~/.cache/seedsweep`). */
  XDG_CACHE_HOME: z.string().optional(),
  /**
   * Where baselines keep the states RandomOut trials resume from (megabytes each). Share it
   * between the workers of a deployment (a volume): a worker that cannot see a checkpoint trains
   * the trial from the start. @default <cache root>/checkpoints
   */
  CHECKPOINT_DIR: z.string().min(1).optional(),
  /** Checkpoints of a baseline are removed this long after it wrote its last; 0 keeps them. */
  CHECKPOINT_MAX_AGE_HOURS: z.coerce.number().min(0).max(87_600).default(72),
  /** Past this size the oldest baselines' checkpoints are removed (their trials then train in full). */
  CHECKPOINT_MAX_MB: z.coerce.number().min(1).max(100_000_000).default(2048),
  /**
   * Niceness of the trial processes (0-19). Training takes every cycle it gets; niced, it
   * leaves the worker's lock renewals, Redis and an API on the same host their turn.
   */
  TRIAL_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * `idle`: trial processes also run under Linux's SCHED_IDLE policy (set with util-linux's
   * chrt), each in a session of its own whose autogroup is at nice 19, so they get a core only
   * when nothing else on the host wants it: an API, Redis or a desktop beside the workers
   * answer as if no training ran, and a dedicated node loses nothing. `normal`: niceness only.
   */
  TRIAL_SCHEDULING: z.enum(['idle', 'normal']).default('idle'),
  /**
   * The engine that trains the sweeps' `kernels` trials: `native` (the addon `pnpm build`
   * compiles), `wasm`, or `auto`, native where it is built. They give the same results; native
   * is several times faster. Sweeps with `training.engine: tfjs` train on TensorFlow.js.
   */
  SEEDSWEEP_ENGINE: z.enum(KERNELS_ENGINE_CHOICES).default('auto'),
  ...healthEnvShape,
  ...logEnvShape,
});

export interface WorkerEnv extends ServiceSettings {
  concurrency: number;
  graceMs: number;
  maxStalledCount: number;
  lockDurationMs: number;
  workerName: string;
  dataDir: string | undefined;
  dataUrl: string | undefined;
  cacheRoot: string;
  checkpointDir: string;
  /** 0: never pruned. */
  checkpointMaxAgeMs: number;
  checkpointMaxBytes: number;
  trialNice: number;
  trialScheduling: 'idle' | 'normal';
  engine: KernelsEngineChoice;
  health: { port: number; host: string } | null;
}

/** Parsed once at start-up, in main.ts and in each sandboxed trial process. */
export function parseEnv(env: NodeJS.ProcessEnv): WorkerEnv {
  const e = parseEnvironment(envSchema, env, { retired: retiredEngineVariables });
  const cacheRoot = e.SEEDSWEEP_CACHE_DIR ?? defaultCacheRoot(e.XDG_CACHE_HOME, os.homedir());
  return {
    ...serviceSettingsOf(e, env),
    concurrency: e.WORKER_CONCURRENCY,
    graceMs: e.WORKER_GRACE_SECONDS * 1000,
    maxStalledCount: e.WORKER_MAX_STALLED,
    lockDurationMs: e.WORKER_LOCK_SECONDS * 1000,
    workerName: e.WORKER_NAME ?? `${os.hostname()}:${process.pid}`,
    dataDir: e.CRATER_DATA_DIR,
    dataUrl: e.CRATER_DATA_URL,
    cacheRoot,
    checkpointDir: e.CHECKPOINT_DIR ?? path.join(cacheRoot, 'checkpoints'),
    checkpointMaxAgeMs: e.CHECKPOINT_MAX_AGE_HOURS * 3_600_000,
    checkpointMaxBytes: e.CHECKPOINT_MAX_MB * 1024 * 1024,
    trialNice: e.TRIAL_NICE,
    trialScheduling: e.TRIAL_SCHEDULING,
    engine: e.SEEDSWEEP_ENGINE,
    health: healthOf(e),
  };
}
