import { integerFlag } from '@seedsweep/command-line';
import { runApiBenchmark, type ApiBenchOptions, type ApiBenchReport } from '../api-bench.js';
import { benchCommand, type Benchmark } from './bench-command.js';

const help = `Usage: seedsweep bench api [options]

On a Redis and services of its own, with workers training: how long submitting a
100,000-trial sweep takes to answer, then the latency of GET /v1/sweeps/<id>/grid under
concurrent clients (autocannon) once the whole sweep is on the queue.

  --seeds N      seeds of the sweep, 20 trials each (default 5000: 100,000 trials)
  --clients N    concurrent connections (default 100)
  --seconds N    duration of the load (default 10)
  --workers N    worker processes training meanwhile (default 2)
  --out F        also write the JSON to F
  --json         print only the JSON`;

export const apiBenchmark: Benchmark<ApiBenchOptions, ApiBenchReport> = {
  help,
  flags: {
    seeds: { type: 'string' },
    clients: { type: 'string' },
    seconds: { type: 'string' },
    workers: { type: 'string' },
  },
  options: (values) => ({
    seeds: integerFlag(values, 'seeds'),
    clients: integerFlag(values, 'clients'),
    seconds: integerFlag(values, 'seconds'),
    workers: integerFlag(values, 'workers'),
  }),
  run: runApiBenchmark,
  text: apiText,
};

export const apiCommand = benchCommand(apiBenchmark);

function apiText(report: ApiBenchReport, out: (line: string) => void): void {
  const { grid } = report;
  out(`submit ${report.trials} trials   ${report.submitSeconds.toFixed(2)} s to the answer`);
  out(
    `GET grid               p50 ${grid.latencyMs.p50} ms, p99 ${grid.latencyMs.p99} ms, max ${grid.latencyMs.max} ms; ${grid.requestsPerSecond.toFixed(0)} requests/s (${grid.clients} clients, ${grid.non2xx} non-2xx, ${grid.errors} errors)`,
  );
}
