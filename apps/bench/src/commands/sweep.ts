import { integerFlag } from '@seedsweep/command-line';
import {
  runSweepBenchmark,
  type SweepBenchOptions,
  type SweepBenchReport,
} from '../sweep-bench.js';
import { benchCommand, type Benchmark } from './bench-command.js';

const help = `Usage: seedsweep bench sweep [options]

Runs a sweep through the API, the aggregator and workers of its own (a Redis of its own too) and
counts what was really trained against the naive count, every trial trained from the start:
trials trained in full, resumed from their baseline's checkpoint, or taken from their baseline;
epochs and training core-seconds. The naive core-seconds price each RandomOut trial at its
baseline's training time.

  --file F       the sweep (default examples/paper-fig3-standardised.yaml)
  --seeds N      cut it to seeds 0..N-1 (default 5)
  --epochs N     and to N epochs (default 30)
  --workers N    worker processes, one trial at a time each (default 2)
  --verify N     then train up to N resumed and N derived trials from the start, here, and
                 check that each result is the same bit for bit (default 2; 0: none)
  --out F        also write the JSON to F
  --json         print only the JSON`;

export const sweepBenchmark: Benchmark<SweepBenchOptions, SweepBenchReport> = {
  help,
  flags: {
    file: { type: 'string' },
    seeds: { type: 'string' },
    epochs: { type: 'string' },
    workers: { type: 'string' },
    verify: { type: 'string' },
  },
  options: (values) => ({
    file: values.file as string | undefined,
    seeds: integerFlag(values, 'seeds'),
    epochs: integerFlag(values, 'epochs'),
    workers: integerFlag(values, 'workers'),
    verify: integerFlag(values, 'verify'),
  }),
  run: runSweepBenchmark,
  text: sweepText,
  // A result trained again from the start that differs from the stored one.
  exitCode: (report) => (report.verified.differing.length > 0 ? 1 : 0),
};

export const sweepCommand = benchCommand(sweepBenchmark);

function sweepText(report: SweepBenchReport, out: (line: string) => void): void {
  const { trials: t, verified } = report;
  out(
    `trials        ${t.total}: ${t.trained} trained in full, ${t.resumed} resumed from a baseline's checkpoint, ${t.derived} taken from their baseline, ${t.failed} failed`,
  );
  out(
    `epochs        ${report.epochsTrained} trained of ${report.naiveEpochs} naive (${pct(report.epochsTrained / report.naiveEpochs)})`,
  );
  out(
    `verified      ${verified.identical} of ${verified.checked} resumed or derived results trained again from the start: identical bit for bit`,
  );
  out(
    `core-seconds  ${report.coreSeconds.toFixed(0)} of training against ${report.naiveCoreSeconds.toFixed(0)} naive (${pct(report.coreSeconds / report.naiveCoreSeconds)}); ${report.wallSeconds.toFixed(0)} s on ${report.workers} worker(s)`,
  );
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
