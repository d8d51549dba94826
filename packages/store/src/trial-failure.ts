import type { TrialFailure } from './trial-record.js';

/**
 * Why a trial failed, in two kinds. `environment`: where it ran (the dataset unreachable or
 * missing, a file-system error, Redis full or read-only, a process that ran out of memory or
 * died); resubmitting the sweep retries it. `trial`: the trial itself cannot run as given (an
 * invalid job or configuration); it fails once, explained, and only an explicit retry runs it
 * again. Anything not known to be the trial's fault is the environment's: retrying is the
 * cheap guess.
 */
export type FailureClass = 'environment' | 'trial';

/** Stable codes (of the packages' typed errors) that mean the trial itself is at fault. */
const TRIAL_CODES: ReadonlySet<string> = new Set([
  'INVALID_TRAIN_CONFIG', // trainer: the configuration is invalid
  'INVALID_OPTION', // crater-data: a preparation option out of range
  'INVALID_JOB', // worker: a job whose payload is not a valid trial
]);

const DATASET_FIX =
  'set CRATER_DATA_DIR to a copy of the crater dataset, or CRATER_DATA_URL to a mirror, where the workers run';

/** What to do about a failure, by code, where one is known. */
const FIXES: Readonly<Record<string, string>> = {
  DOWNLOAD_FAILED: DATASET_FIX,
  DATASET_FILE_MISSING: DATASET_FIX,
  CHECKSUM_MISMATCH: DATASET_FIX,
  DATASET_FORMAT: DATASET_FIX,
  REDIS_FULL: "free memory in Redis or raise its maxmemory (it refuses writes under 'noeviction')",
  REDIS_READONLY: 'point REDIS_URL at a Redis primary that accepts writes',
  ENOSPC: 'free disk space where the workers keep their cache (SEEDSWEEP_CACHE_DIR)',
  EACCES: 'let the workers write SEEDSWEEP_CACHE_DIR and CHECKPOINT_DIR',
  EROFS: 'let the workers write SEEDSWEEP_CACHE_DIR and CHECKPOINT_DIR',
  ENOMEM:
    'give the workers more memory (WORKER_MEMORY) or train fewer trials at once (WORKER_CONCURRENCY)',
  ENGINE_UNAVAILABLE:
    "run the workers where the sweep's engine is installed (tfjs: @tensorflow/tfjs-backend-wasm), or set SEEDSWEEP_ENGINE=auto",
  DATASET_MISMATCH: 'run workers of the same seedsweep version as the API',
  TRAINER_MISMATCH: 'run workers of the same seedsweep version as the API',
};

const TRIAL_FIX =
  "the trial cannot run as given: correct the sweep; 'seedsweep retry <id>' runs it again as it is";

export function failureClassOf(code: string | null | undefined): FailureClass {
  return typeof code === 'string' && TRIAL_CODES.has(code) ? 'trial' : 'environment';
}

/**
 * The error's stable code: its `code` (the packages' typed errors, Node's errno codes), else its
 * name when that says more than `Error` (a trial process that died is a plain Error: no code).
 */
export function failureCodeOf(error: unknown): string | null {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  return typeof name === 'string' && name !== '' && name !== 'Error' ? name : null;
}

/** A message as one line of at most 300 characters: what a failure shows as its reason. */
export function oneLineReason(message: string): string {
  const line = message.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line || 'no reason given';
}

/** A stored failure with its class, reason and fix, also for records written before classes. */
export interface DescribedFailure {
  failureClass: FailureClass;
  code: string | null;
  reason: string;
  /** What to do about it, where that is known. */
  fix: string | null;
}

export function describeFailure(failure: TrialFailure): DescribedFailure {
  const failureClass = failure.failureClass ?? failureClassOf(failure.code);
  const fix = (failure.code !== null && FIXES[failure.code]) || null;
  return {
    failureClass,
    code: failure.code,
    reason: failure.reason ?? oneLineReason(failure.message),
    fix: fix ?? (failureClass === 'trial' ? TRIAL_FIX : null),
  };
}

/** Redis's refusal of a write (the first word of its error reply is its code), if it is one. */
export function redisRefusalCode(error: unknown): 'REDIS_FULL' | 'REDIS_READONLY' | null {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return null;
  const code = /^([A-Z]+)\s/.exec(message)?.[1];
  if (code === 'OOM') return 'REDIS_FULL';
  if (code === 'READONLY') return 'REDIS_READONLY';
  return null;
}
