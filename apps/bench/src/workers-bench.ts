import os from 'node:os';
import { Redis } from 'ioredis';
import { createTrialQueue, TrialEnqueuer } from '@seedsweep/queue';
import { SweepStore } from '@seedsweep/store';
import { parseSweepDefinition, planSweep } from '@seedsweep/sweep-spec';
import { TRAINER_VERSION } from '@seedsweep/trainer';
import { BenchStack } from './bench-stack.js';
import type { BenchContext } from './context.js';
import { ProcessMemory } from './process-memory.js';

/** The flags of `seedsweep bench workers`. */
export interface WorkersBenchOptions {
  /** Trials per run, one per seed; default 12. */
  seeds?: number | undefined;
  /** Epochs per trial; default 30. */
  epochs?: number | undefined;
  /** Runs of each worker count; default 2. */
  rounds?: number | undefined;
}

export interface WorkersRun {
  workers: number;
  trials: number;
  /** From the first training's start to the last result. */
  seconds: number;
  trialsPerHour: number;
  /**
   * Mean training time of one trial: where it grows from one worker to two, the trainers slow
   * each other (shared caches, memory bandwidth); the rest of the gap is the queue's.
   */
  meanTrainingSeconds: number;
  peakTrialRssBytes: number | null;
  peakServiceRssBytes: number | null;
  /** The engines and code paths that trained the trials, as their results name them. */
  engines: string[];
}

/** `seedsweep bench workers --json`. */
export interface WorkersBenchReport {
  benchmark: 'workers';
  cores: number;
  epochs: number;
  rounds: number;
  /** One worker, then two: each count's runs pooled. */
  runs: WorkersRun[];
  /** Trials per hour of two workers over one's. */
  scaling: number;
  roundScaling: number[];
  measuredAt: string;
}

/**
 * Trials per hour of 1 and of 2 worker processes (one trial at a time each) on a deployment of
 * the benchmark's own, in alternating runs, and the peak RSS of a trial process and a worker.
 */
export async function runWorkersBenchmark(
  options: WorkersBenchOptions,
  ctx: BenchContext,
): Promise<WorkersBenchReport> {
  const seeds = options.seeds ?? 12;
  // Long enough that a trial is training, not the queue's round trip, on the native engine.
  const epochs = options.epochs ?? 30;
  const rounds = options.rounds ?? 2;
  const measured: WorkersRun[][] = [];
  for (let round = 0; round < rounds; round++) {
    const pair: WorkersRun[] = [];
    for (const workers of [1, 2]) {
      // Other seeds each run: nothing of one run can be reused by another.
      const from = (round * 10 + workers) * 1_000_000;
      pair.push(await measure(ctx, workers, { from, to: from + seeds - 1 }, epochs));
    }
    measured.push(pair);
  }
  const runs = [1, 2].map((workers) =>
    pooled(measured.flat().filter((run) => run.workers === workers)),
  );
  const [one, two] = runs as [WorkersRun, WorkersRun];
  return {
    benchmark: 'workers',
    cores: os.availableParallelism(),
    epochs,
    rounds,
    runs,
    scaling: two.trialsPerHour / one.trialsPerHour,
    roundScaling: measured.map(([a, b]) => b!.trialsPerHour / a!.trialsPerHour),
    measuredAt: new Date().toISOString(),
  };
}

/** One worker count's runs as one: their trials over their seconds, the highest peaks. */
function pooled(runs: WorkersRun[]): WorkersRun {
  const trials = runs.reduce((sum, r) => sum + r.trials, 0);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const peak = (of: (r: WorkersRun) => number | null) => {
    const values = runs.map(of).filter((v): v is number => v !== null);
    return values.length > 0 ? Math.max(...values) : null;
  };
  return {
    workers: runs[0]!.workers,
    trials,
    seconds,
    trialsPerHour: (trials / seconds) * 3600,
    meanTrainingSeconds:
      runs.reduce((sum, r) => sum + r.meanTrainingSeconds * r.trials, 0) / trials,
    peakTrialRssBytes: peak((r) => r.peakTrialRssBytes),
    peakServiceRssBytes: peak((r) => r.peakServiceRssBytes),
    engines: [...new Set(runs.flatMap((r) => r.engines))].sort(),
  };
}

async function measure(
  ctx: BenchContext,
  workers: number,
  seeds: { from: number; to: number },
  epochs: number,
): Promise<WorkersRun> {
  const log = ctx.log;
  const stack = await BenchStack.start(ctx, { name: 'workers', workers });
  const memory = new ProcessMemory();
  const sampler = setInterval(() => {
    void memory.sample(stack.deployment.workerPids());
  }, 250);
  const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  const store = new SweepStore({ redis });
  const queue = createTrialQueue({ connection: redis, prefix: store.keys.prefix });
  try {
    // Baselines only, put on the queue directly: a RandomOut trial would wait for its baseline,
    // and the wait, not the workers, would set the pace.
    const plan = planSweep(
      parseSweepDefinition({
        name: 'bench-workers',
        regions: ['East'],
        seeds,
        randomout: { tau: [1], activePercent: [100] },
        training: { epochs },
      }),
      { trainerVersion: TRAINER_VERSION },
    );
    const trials = plan.trials.filter((t) => t.spec.train.randomout === null);
    // Every worker connected before the first job: the measure is of workers working, not of
    // one of them starting while the other trains.
    while ((await queue.getWorkersCount()) < workers) {
      if (ctx.signal.aborted) throw new Error('interrupted');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    log(`bench workers: ${workers} worker(s), ${trials.length} trials of ${epochs} epochs`);
    await new TrialEnqueuer(queue, store, redis).enqueue(trials);
    const keys = trials.map((t) => t.key);
    let outcomes = await store.getOutcomes(keys);
    while (outcomes.some((o) => !o.result && !o.failure)) {
      if (ctx.signal.aborted) throw new Error('interrupted');
      await new Promise((resolve) => setTimeout(resolve, 250));
      outcomes = await store.getOutcomes(keys);
    }
    const spans = outcomes.flatMap(({ result }) => {
      if (!result) return [];
      const end = Date.parse(result.finishedAt);
      return [{ start: end - result.durationMs, end }];
    });
    const seconds =
      (Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start))) / 1000;
    return {
      workers,
      trials: spans.length,
      seconds,
      trialsPerHour: (spans.length / seconds) * 3600,
      meanTrainingSeconds:
        spans.reduce((sum, s) => sum + (s.end - s.start), 0) / spans.length / 1000,
      peakTrialRssBytes: memory.peak('trial'),
      peakServiceRssBytes: memory.peak('service'),
      engines: [
        ...new Set(
          outcomes.flatMap(({ result }) =>
            result ? [`${result.engine ?? result.backend} (${result.codePath ?? '?'})`] : [],
          ),
        ),
      ].sort(),
    };
  } finally {
    clearInterval(sampler);
    await queue.close();
    redis.disconnect();
    await stack.stop();
  }
}
