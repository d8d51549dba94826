import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createTrialQueue, TrialEnqueuer } from '@seedsweep/queue';
import { SweepStore } from '@seedsweep/store';
import { parseSweepDefinition, planSweep } from '@seedsweep/sweep-spec';
import { TRAINER_VERSION } from '@seedsweep/trainer';
import type { CommandContext } from '../command.js';
import { integerFlag } from '../flags.js';
import { ProcessMemory } from '../process-memory.js';
import { BenchStack } from './bench-stack.js';

export const benchWorkersHelp = `Usage: seedsweep bench workers [options]

Trials per hour of 1 and of 2 worker processes (one trial at a time each) on a Redis and
services of its own, their ratio, and the peak memory (RSS) of a trial process and of a worker.
The trials are East baselines, put on the queue directly (no sweep, no API). The runs alternate
(1, 2, 1, 2, ...) and each count's runs are pooled, so that a machine whose speed drifts
favours neither.

  --seeds N      trials per run, one per seed (default 12)
  --epochs N     epochs per trial (default 30)
  --rounds N     runs of each worker count (default 2)
  --out F        also write the JSON to F
  --json         print only the JSON`;

interface WorkersRun {
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

export async function benchWorkers(args: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      seeds: { type: 'string' },
      epochs: { type: 'string' },
      rounds: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const seeds = integerFlag(values, 'seeds') ?? 12;
  // Long enough that a trial is training, not the queue's round trip, on the native engine.
  const epochs = integerFlag(values, 'epochs') ?? 30;
  const rounds = integerFlag(values, 'rounds') ?? 2;
  const quiet = values.json === true;
  const log = quiet ? () => {} : ctx.log;
  const measured: WorkersRun[][] = [];
  for (let round = 0; round < rounds; round++) {
    const pair: WorkersRun[] = [];
    for (const workers of [1, 2]) {
      // Other seeds each run: nothing of one run can be reused by another.
      const from = (round * 10 + workers) * 1_000_000;
      pair.push(await measure(ctx, log, workers, { from, to: from + seeds - 1 }, epochs));
    }
    measured.push(pair);
  }
  const runs = [1, 2].map((workers) =>
    pooled(measured.flat().filter((run) => run.workers === workers)),
  );
  const [one, two] = runs as [WorkersRun, WorkersRun];
  const report = {
    benchmark: 'workers',
    cores: os.availableParallelism(),
    epochs,
    rounds,
    runs,
    scaling: two.trialsPerHour / one.trialsPerHour,
    roundScaling: measured.map(([a, b]) => b!.trialsPerHour / a!.trialsPerHour),
    measuredAt: new Date().toISOString(),
  };
  if (values.out) await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
  if (quiet) {
    ctx.out(JSON.stringify(report));
    return;
  }
  const mb = (bytes: number | null) =>
    bytes === null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  for (const run of runs) {
    ctx.out(
      `${run.workers} worker(s)   ${run.trialsPerHour.toFixed(0)} trials/h  (${run.trials} trials in ${run.seconds.toFixed(1)} s, ${run.meanTrainingSeconds.toFixed(2)} s of training each; peak RSS: trial process ${mb(run.peakTrialRssBytes)}, worker ${mb(run.peakServiceRssBytes)})`,
    );
  }
  ctx.out(`engine        ${[...new Set(runs.flatMap((r) => r.engines))].join(', ')}`);
  const perRound = report.roundScaling.map((x) => `${x.toFixed(2)}x`).join(', ');
  ctx.out(
    `scaling       ${report.scaling.toFixed(2)}x with 2 workers on ${report.cores} cores (rounds: ${perRound})`,
  );
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
  ctx: CommandContext,
  log: (line: string) => void,
  workers: number,
  seeds: { from: number; to: number },
  epochs: number,
): Promise<WorkersRun> {
  const stack = await BenchStack.start({ ...ctx, log }, { name: 'workers', workers });
  const memory = new ProcessMemory();
  const sampler = setInterval(() => {
    const pids = stack.stack.services
      .processes()
      .filter((p) => p.name.startsWith('worker'))
      .map((p) => p.pid);
    void memory.sample(pids);
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
