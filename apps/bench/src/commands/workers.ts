import { integerFlag } from '@seedsweep/command-line';
import {
  runWorkersBenchmark,
  type WorkersBenchOptions,
  type WorkersBenchReport,
} from '../workers-bench.js';
import { benchCommand, type Benchmark } from './bench-command.js';

const help = `Usage: seedsweep bench workers [options]

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

export const workersBenchmark: Benchmark<WorkersBenchOptions, WorkersBenchReport> = {
  help,
  flags: {
    seeds: { type: 'string' },
    epochs: { type: 'string' },
    rounds: { type: 'string' },
  },
  options: (values) => ({
    seeds: integerFlag(values, 'seeds'),
    epochs: integerFlag(values, 'epochs'),
    rounds: integerFlag(values, 'rounds'),
  }),
  run: runWorkersBenchmark,
  text: workersText,
};

export const workersCommand = benchCommand(workersBenchmark);

function workersText(report: WorkersBenchReport, out: (line: string) => void): void {
  const mb = (bytes: number | null) =>
    bytes === null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  for (const run of report.runs) {
    out(
      `${run.workers} worker(s)   ${run.trialsPerHour.toFixed(0)} trials/h  (${run.trials} trials in ${run.seconds.toFixed(1)} s, ${run.meanTrainingSeconds.toFixed(2)} s of training each; peak RSS: trial process ${mb(run.peakTrialRssBytes)}, worker ${mb(run.peakServiceRssBytes)})`,
    );
  }
  out(`engine        ${[...new Set(report.runs.flatMap((r) => r.engines))].join(', ')}`);
  const perRound = report.roundScaling.map((x) => `${x.toFixed(2)}x`).join(', ');
  out(
    `scaling       ${report.scaling.toFixed(2)}x with 2 workers on ${report.cores} cores (rounds: ${perRound})`,
  );
}
