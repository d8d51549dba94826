import { integerFlag, numberFlag, UsageError } from '@seedsweep/command-line';
import {
  runFairnessBenchmark,
  type FairnessBenchOptions,
  type FairnessBenchReport,
  type LateSweepRun,
} from '../fairness-bench.js';
import { benchCommand, type Benchmark, type FlagValues } from './bench-command.js';

const help = `Usage: seedsweep bench fairness [options]

Several researchers on one deployment, each run on a Redis and services of its own:
(a) a large sweep, then a small one a moment later: how long the small one waits for its first
result and until it is done, with fair share (submitted through the API, with priorities) and
with FIFO (its trials put on the queue without priorities, as before fair share), for each
worker count; (b) three sweeps from two API keys (the API with AUTH on): key A submits two,
key B one; each key's share of the training time while all three are live.

  --large-seeds N    seeds of the large sweep, 2 trials each (default 40: 80 trials)
  --large-epochs N   epochs of its trials (default 6)
  --small-seeds N    seeds of the small sweep, 3 trials each (default 5: 15 trials)
  --small-epochs N   epochs of its trials (default 8)
  --delay S          seconds between the two submissions (default 2)
  --workers N,M      worker counts of (a) (default 1,2)
  --keys-seeds N     seeds of each sweep of (b), 2 trials each (default 10; 0 skips (b))
  --keys-epochs N    epochs of their trials (default 6)
  --keys-workers N   workers of (b) (default 2)
  --out F            also write the JSON to F
  --json             print only the JSON`;

export const fairnessBenchmark: Benchmark<FairnessBenchOptions, FairnessBenchReport> = {
  help,
  flags: {
    'large-seeds': { type: 'string' },
    'large-epochs': { type: 'string' },
    'small-seeds': { type: 'string' },
    'small-epochs': { type: 'string' },
    delay: { type: 'string' },
    workers: { type: 'string' },
    'keys-seeds': { type: 'string' },
    'keys-epochs': { type: 'string' },
    'keys-workers': { type: 'string' },
  },
  options: (values) => ({
    largeSeeds: positive(values, 'large-seeds'),
    largeEpochs: positive(values, 'large-epochs'),
    smallSeeds: positive(values, 'small-seeds'),
    smallEpochs: positive(values, 'small-epochs'),
    delaySeconds: delayFlag(values),
    workers: workersFlag(values),
    keysSeeds: keysSeedsFlag(values),
    keysEpochs: positive(values, 'keys-epochs'),
    keysWorkers: positive(values, 'keys-workers'),
  }),
  run: runFairnessBenchmark,
  text: fairnessText,
};

export const fairnessCommand = benchCommand(fairnessBenchmark);

function positive(values: FlagValues, name: string): number | undefined {
  const value = integerFlag(values, name);
  if (value !== undefined && value < 1) throw new UsageError(`--${name} must be at least 1`);
  return value;
}

function keysSeedsFlag(values: FlagValues): number | undefined {
  const value = integerFlag(values, 'keys-seeds');
  if (value !== undefined && value < 0) throw new UsageError('--keys-seeds must be 0 or more');
  return value;
}

function delayFlag(values: FlagValues): number | undefined {
  const value = numberFlag(values, 'delay');
  if (value !== undefined && (value < 0 || value > 600)) {
    throw new UsageError('--delay must be 0-600 seconds');
  }
  return value;
}

function workersFlag(values: FlagValues): number[] | undefined {
  const text = values.workers;
  if (typeof text !== 'string') return undefined;
  const counts = text.split(',').map((part) => Number(part.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) {
    throw new UsageError(`--workers takes worker counts 1-64, comma-separated: got '${text}'`);
  }
  return counts;
}

function fairnessText(report: FairnessBenchReport, out: (line: string) => void): void {
  const { large, small } = report;
  out(
    `late sweep   ${large.trials} trials of ${large.epochs} epochs, then ${report.delaySeconds} s later ${small.trials} trials of ${small.epochs} epochs (East); the small sweep, from its submission:`,
  );
  const rows = [
    ['workers', 'queue', 'jobs ahead', 'first result', 'done', 'large done by then', 'its share'],
    ...report.lateSweep.map((run: LateSweepRun) => [
      String(run.workers),
      run.order === 'fair' ? 'fair share' : 'FIFO',
      run.aheadAtSubmission === null ? '–' : String(run.aheadAtSubmission),
      `${run.firstResultSeconds.toFixed(1)} s`,
      `${run.doneSeconds.toFixed(1)} s`,
      `${run.largeDoneBySmallDone}/${large.trials}`,
      `${(run.smallShare * 100).toFixed(0)}%`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) {
    out(
      `  ${row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`,
    );
  }
  const keys = report.keys;
  if (keys) {
    const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
    out(
      `two keys     3 sweeps of ${keys.trialsPerSweep} trials (${keys.epochs} epochs), ${keys.workers} worker(s), AUTH on; while all three were live (${keys.liveSeconds.toFixed(0)} s):`,
    );
    for (const key of keys.keys) {
      const own = keys.sweeps
        .filter((s) => s.key === key.key)
        .map((s) => `${s.name} ${pct(s.share)}`)
        .join(', ');
      const label = `key ${key.key} (${key.sweeps} sweep${key.sweeps === 1 ? '' : 's'})`;
      out(
        `  ${label.padEnd(17)}  ${pct(key.share).padStart(6)} of the training time, ${key.trainingSeconds.toFixed(1)} s (${own})`,
      );
    }
  }
  out(`machine      ${report.cpu}, ${report.cores} cores`);
}
