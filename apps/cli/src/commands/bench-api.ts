import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ApiClient } from '../api-client.js';
import type { CommandContext } from '../command.js';
import { integerFlag } from '../flags.js';
import { BenchStack } from './bench-stack.js';

export const benchApiHelp = `Usage: seedsweep bench api [options]

On a Redis and services of its own, with workers training: how long submitting a
100,000-trial sweep takes to answer, then the latency of GET /v1/sweeps/<id>/grid under
concurrent clients (autocannon) once the whole sweep is on the queue.

  --seeds N      seeds of the sweep, 20 trials each (default 5000: 100,000 trials)
  --clients N    concurrent connections (default 100)
  --seconds N    duration of the load (default 10)
  --workers N    worker processes training meanwhile (default 2)
  --out F        also write the JSON to F
  --json         print only the JSON`;

// 2 regions x seeds x (1 baseline + 3 tau x 3 P): 100,000 trials with the default 5,000 seeds.
const largeSweep = (seeds: number) => `name: bench-api
regions: [East, West]
seeds: {from: 0, to: ${seeds - 1}}
randomout: {tau: [1e-4, 1e-6, 1e-8], activePercent: [10, 50, 90]}
training: {epochs: 150}
`;

export async function benchApi(args: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      seeds: { type: 'string' },
      clients: { type: 'string' },
      seconds: { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const seeds = integerFlag(values, 'seeds') ?? 5_000;
  const clients = integerFlag(values, 'clients') ?? 100;
  const seconds = integerFlag(values, 'seconds') ?? 10;
  const workers = integerFlag(values, 'workers') ?? 2;
  const quiet = values.json === true;
  const log = quiet ? () => {} : ctx.log;
  const stack = await BenchStack.start(
    { ...ctx, log },
    {
      name: 'api',
      workers,
      // Trials in progress at the end are cut off at once: this measures the API, not them. The
      // clients all come from loopback, so the per-address rate limit is off.
      env: {
        WORKER_GRACE_SECONDS: '0',
        MAX_TRIALS: String(Math.max(100_000, seeds * 20)),
        RATE_LIMIT_PER_MINUTE: '0',
      },
    },
  );
  try {
    const client = new ApiClient({ baseUrl: stack.apiUrl, signal: ctx.signal });
    const started = performance.now();
    const { response } = await client.submit(largeSweep(seeds), 'yaml');
    const submitSeconds = (performance.now() - started) / 1000;
    log(
      `submitted ${response.trials} trials in ${submitSeconds.toFixed(2)} s (${response.pending} still being enqueued)`,
    );
    // Measure the steady state of a running sweep: every trial on the queue, workers training.
    while ((await client.sweep(response.id)).enqueued < response.trials) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const gridUrl = `${stack.apiUrl}/v1/sweeps/${response.id}/grid`;
    // The aggregator draws the first grid once it has planned the sweep.
    while ((await fetch(gridUrl)).status !== 200) await new Promise((r) => setTimeout(r, 250));
    const { default: autocannon } = await import('autocannon');
    log(`GET grid: ${clients} clients for ${seconds} s, ${workers} worker(s) training`);
    const load = await autocannon({ url: gridUrl, connections: clients, duration: seconds });
    const report = {
      benchmark: 'api',
      cores: os.availableParallelism(),
      trials: response.trials,
      submitSeconds,
      pendingAfterAnswer: response.pending,
      grid: {
        clients,
        seconds,
        workers,
        requests: load.requests.total,
        requestsPerSecond: load.requests.average,
        non2xx: load.non2xx,
        errors: load.errors,
        latencyMs: { p50: load.latency.p50, p99: load.latency.p99, max: load.latency.max },
        bytesPerResponse: load.requests.total > 0 ? load.throughput.total / load.requests.total : 0,
      },
      measuredAt: new Date().toISOString(),
    };
    if (values.out) await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
    if (quiet) {
      ctx.out(JSON.stringify(report));
      return;
    }
    ctx.out(`submit ${response.trials} trials   ${submitSeconds.toFixed(2)} s to the answer`);
    ctx.out(
      `GET grid               p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, max ${load.latency.max} ms; ${load.requests.average.toFixed(0)} requests/s (${clients} clients, ${load.non2xx} non-2xx, ${load.errors} errors)`,
    );
  } finally {
    await stack.stop();
  }
}
