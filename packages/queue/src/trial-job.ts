import { z } from 'zod';
import type { Trial, TrialSpec } from '@seedsweep/sweep-spec';

/** The one queue of the job catalogue: a job trains one trial. */
export const TRIAL_QUEUE = 'trials';
export const TRIAL_JOB_NAME = 'train';

/** What a trial job carries: the spec, and its content key so the worker can check one against the other. */
export interface TrialJobData {
  key: string;
  spec: TrialSpec;
  /**
   * The API key (by name) whose sweep put the trial on the queue: the worker holds one of that
   * key's workers while it trains it (maxWorkers). Absent without authentication, and on jobs
   * added before quotas. A trial shared by sweeps of several keys carries the first one's.
   */
  owner?: string;
}

/** Progress a worker reports after every epoch, through job.updateProgress. */
export interface TrialProgress {
  epoch: number;
  epochs: number;
  trainLoss: number | null;
  reinitializations: number;
}

/** The worker's return value: small, because the result itself is in the store. */
export interface TrialJobResult {
  key: string;
  /** False when another delivery of the same trial wrote the result first. */
  written: boolean;
  /** True when the result existed before this delivery started, so nothing was trained. */
  skipped: boolean;
  testAccuracy: number;
}

/** BullMQ job ids cannot contain ':'; a content key is hex, so a prefix keeps them readable. */
export function trialJobId(key: string): string {
  return `t-${key}`;
}

/** The trial key a job id names, or null for an id that is not a trial job's. */
export function trialKeyOfJobId(jobId: string | undefined): string | null {
  const match = /^t-([0-9a-f]{64})$/.exec(jobId ?? '');
  return match ? match[1]! : null;
}

export function trialJobData(trial: Trial, owner?: string | null): TrialJobData {
  return { key: trial.key, spec: trial.spec, ...(owner && { owner }) };
}

/** An API key's name (or, unnamed, its id): what the API accepts in `name=`, safe in a Redis key. */
export const OWNER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export const trialJobDataShape = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-character hex content key'),
  spec: z.record(z.string(), z.unknown()),
  owner: z
    .string()
    .regex(OWNER_NAME, 'must be an API key name: 1-64 letters, digits, ., _ or -')
    .optional(),
});
