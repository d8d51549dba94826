/**
 * The sandboxed processor: BullMQ runs this file in a child process per concurrent trial, so the
 * CPU-bound training never blocks the parent's event loop, where lock renewal and stalled-job
 * checks run. A child handles one job at a time and is reused for the next.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { SandboxedJob } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import {
  trialJobId,
  trialJobRedisKey,
  type TrialJobData,
  type TrialJobResult,
  type TrialProgress,
} from '@seedsweep/queue';
import { SweepStore } from '@seedsweep/store';
import { parseEnv } from './env.js';
import { CheckpointDirectory } from './checkpoint-directory.js';
import { RegionData } from './region-data.js';
import { TrialRunner } from './trial-runner.js';

let runner: TrialRunner | undefined;

function trialRunner(): TrialRunner {
  if (runner) return runner;
  const env = parseEnv(process.env);
  const log = pino({ name: 'trial', level: env.logLevel }).child({ worker: env.workerName });
  lowerPriority(env.trialNice);
  if (env.trialScheduling === 'idle') scheduleIdle(log);
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
  runner = new TrialRunner({
    store: new SweepStore({ redis, prefix: env.prefix }),
    regions: new RegionData(env),
    workerName: env.workerName,
    log,
    checkpoints: new CheckpointDirectory(env.checkpointDir, env.checkpointMaxBytes),
    jobExists: async (key) =>
      (await redis.exists(trialJobRedisKey(env.prefix, trialJobId(key)))) === 1,
  });
  return runner;
}

/** Niceness only rises without privileges: a process reused for the next trial stays as it is. */
function lowerPriority(nice: number): void {
  if (os.getPriority() < nice) os.setPriority(nice);
}

/**
 * Moves this process to SCHED_IDLE, which needs no privileges. Node has no call for it; chrt
 * (util-linux, in every Debian image) makes the system call. Where that fails (not Linux, no
 * chrt), the trial still runs, niced only.
 */
function scheduleIdle(log: { warn(obj: object, msg: string): void }): void {
  try {
    execFileSync('chrt', ['--all-tasks', '--idle', '--pid', '0', String(process.pid)], {
      stdio: 'ignore',
    });
  } catch (error) {
    log.warn(
      { err: error },
      'trial process runs niced only: chrt could not set SCHED_IDLE (TRIAL_SCHEDULING=idle)',
    );
  }
}

export default async function processTrial(
  job: SandboxedJob<TrialJobData, TrialJobResult>,
  token?: string,
  signal?: AbortSignal,
): Promise<TrialJobResult> {
  return trialRunner().run(
    {
      data: job.data,
      attemptsMade: job.attemptsMade,
      updateProgress: (progress: TrialProgress) => job.updateProgress(progress),
      moveToDelayed: (timestamp: number) => job.moveToDelayed(timestamp, token),
    },
    signal,
  );
}
