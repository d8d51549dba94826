import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { TRIAL_QUEUE, type TrialJobData, type TrialJobResult } from './trial-job.js';

export type TrialQueue = Queue<TrialJobData, TrialJobResult>;

/**
 * Retries cover a worker that crashed or was cut off; results live in the store, so completed
 * jobs are dropped at once and failed ones are kept a week for bull-board.
 */
export const TRIAL_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 60 * 60, count: 10_000 },
};

/** BullMQ keys live under the store's prefix, so one prefix holds a whole deployment. */
export function bullPrefix(storePrefix: string): string {
  return `${storePrefix}:bull`;
}

export interface TrialQueueOptions {
  connection: ConnectionOptions;
  /** The store's key prefix. */
  prefix: string;
}

export function createTrialQueue(options: TrialQueueOptions): TrialQueue {
  return new Queue<TrialJobData, TrialJobResult>(TRIAL_QUEUE, {
    connection: options.connection,
    prefix: bullPrefix(options.prefix),
    defaultJobOptions: TRIAL_JOB_OPTIONS,
  });
}

/**
 * The Redis key of a trial's job hash (BullMQ's `<prefix>:<queue>:<job id>`), for a process that
 * only needs to know whether the job exists and holds no Queue (a sandboxed trial process).
 */
export function trialJobRedisKey(storePrefix: string, jobId: string): string {
  return `${bullPrefix(storePrefix)}:${TRIAL_QUEUE}:${jobId}`;
}
