/**
 * The sandboxed processor: BullMQ runs this file in a child process per concurrent trial, so the
 * CPU-bound training never blocks the parent's event loop, where lock renewal and stalled-job
 * checks run. A child handles one job at a time and is reused for the next.
 */
import os from 'node:os';
import type { SandboxedJob } from 'bullmq';
import { pino } from 'pino';
import {
  trialJobId,
  trialJobRedisKey,
  type TrialJobData,
  type TrialJobResult,
  type TrialProgress,
} from '@seedsweep/queue';
import { connectRedis, RedisOutageLog } from '@seedsweep/service-runtime';
import { SweepStore, WorkerHolds } from '@seedsweep/store';
import { parseEnv } from './env.js';
import { CheckpointDirectory } from './checkpoint-directory.js';
import { scheduleIdle } from './idle-scheduling.js';
import { RegionData } from './region-data.js';
import { TrialRunner } from './trial-runner.js';

let runner: Promise<TrialRunner> | undefined;

function trialRunner(): Promise<TrialRunner> {
  runner ??= createRunner();
  return runner;
}

async function createRunner(): Promise<TrialRunner> {
  const env = parseEnv(process.env);
  const log = pino({ name: 'trial', level: env.logLevel }).child({ worker: env.workerName });
  // The worker died without stopping this process (SIGKILL, the OOM killer): its trial runs
  // again elsewhere once its lock lapses, so this copy stops at its next epoch instead of
  // training on as an orphan.
  process.once('disconnect', () => {
    log.warn('the worker is gone: this trial process exits');
    process.exit(1);
  });
  lowerPriority(env.trialNice);
  if (env.trialScheduling === 'idle') await scheduleIdle(log);
  const redis = connectRedis(env.redis, { maxRetriesPerRequest: null });
  new RedisOutageLog(log).watch(redis, 'trial');
  const store = new SweepStore({ redis, prefix: env.prefix });
  return new TrialRunner({
    store,
    regions: new RegionData(env),
    workerName: env.workerName,
    engine: env.engine,
    log,
    checkpoints: new CheckpointDirectory(env.checkpointDir, env.checkpointMaxBytes),
    jobExists: async (key) =>
      (await redis.exists(trialJobRedisKey(env.prefix, trialJobId(key)))) === 1,
    holds: new WorkerHolds(redis, store.keys),
    // A dead worker's holds lapse as its jobs' locks do.
    holdTtlMs: env.lockDurationMs,
  });
}

/** Niceness only rises without privileges: a process reused for the next trial stays as it is. */
function lowerPriority(nice: number): void {
  if (os.getPriority() < nice) os.setPriority(nice);
}

export default async function processTrial(
  job: SandboxedJob<TrialJobData, TrialJobResult>,
  token?: string,
  signal?: AbortSignal,
): Promise<TrialJobResult> {
  return (await trialRunner()).run(
    {
      id: job.id,
      data: job.data,
      attemptsMade: job.attemptsMade,
      updateProgress: (progress: TrialProgress) => job.updateProgress(progress),
      moveToDelayed: (timestamp: number) => job.moveToDelayed(timestamp, token),
    },
    signal,
  );
}
