import os from 'node:os';
import { submitSweep, sweepStatus } from './api-requests.js';
import { BenchStack } from './bench-stack.js';
import type { BenchContext } from './context.js';

/** The flags of `seedsweep bench api`. */
export interface ApiBenchOptions {
  /** Seeds of the sweep, 20 trials each; default 5000 (100,000 trials). */
  seeds?: number | undefined;
  /** Concurrent connections; default 100. */
  clients?: number | undefined;
  /** Duration of the load; default 10. */
  seconds?: number | undefined;
  /** Worker processes training meanwhile; default 2. */
  workers?: number | undefined;
}

/** `seedsweep bench api --json`. */
export interface ApiBenchReport {
  benchmark: 'api';
  cores: number;
  trials: number;
  /** From sending the submission to its answer. */
  submitSeconds: number;
  /** Trials still being enqueued when the submission was answered. */
  pendingAfterAnswer: number;
  grid: {
    clients: number;
    seconds: number;
    workers: number;
    requests: number;
    requestsPerSecond: number;
    non2xx: number;
    errors: number;
    latencyMs: { p50: number; p99: number; max: number };
    bytesPerResponse: number;
  };
  measuredAt: string;
}

// 2 regions x seeds x (1 baseline + 3 tau x 3 P): 100,000 trials with the default 5,000 seeds.
const largeSweep = (seeds: number) => `name: bench-api
regions: [East, West]
seeds: {from: 0, to: ${seeds - 1}}
randomout: {tau: [1e-4, 1e-6, 1e-8], activePercent: [10, 50, 90]}
training: {epochs: 150}
`;

/**
 * On a deployment of the benchmark's own, with workers training: how long submitting a large
 * sweep takes to answer, then the latency of GET /v1/sweeps/<id>/grid under concurrent clients
 * (autocannon) once the whole sweep is on the queue.
 */
export async function runApiBenchmark(
  options: ApiBenchOptions,
  ctx: BenchContext,
): Promise<ApiBenchReport> {
  const seeds = options.seeds ?? 5_000;
  const clients = options.clients ?? 100;
  const seconds = options.seconds ?? 10;
  const workers = options.workers ?? 2;
  const log = ctx.log;
  const stack = await BenchStack.start(ctx, {
    name: 'api',
    workers,
    // Trials in progress at the end are cut off at once: this measures the API, not them. The
    // clients all come from loopback, so the per-address rate limit is off.
    env: {
      WORKER_GRACE_SECONDS: '0',
      MAX_TRIALS: String(Math.max(100_000, seeds * 20)),
      RATE_LIMIT_PER_MINUTE: '0',
    },
  });
  try {
    const started = performance.now();
    const response = await submitSweep(stack.apiUrl, largeSweep(seeds), 'yaml', ctx.signal);
    const submitSeconds = (performance.now() - started) / 1000;
    log(
      `submitted ${response.trials} trials in ${submitSeconds.toFixed(2)} s (${response.pending} still being enqueued)`,
    );
    // Measure the steady state of a running sweep: every trial on the queue, workers training.
    while ((await sweepStatus(stack.apiUrl, response.id, ctx.signal)).enqueued < response.trials) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const gridUrl = `${stack.apiUrl}/v1/sweeps/${response.id}/grid`;
    // The aggregator draws the first grid once it has planned the sweep.
    while ((await fetch(gridUrl)).status !== 200) await new Promise((r) => setTimeout(r, 250));
    const { default: autocannon } = await import('autocannon');
    log(`GET grid: ${clients} clients for ${seconds} s, ${workers} worker(s) training`);
    const load = await autocannon({ url: gridUrl, connections: clients, duration: seconds });
    return {
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
  } finally {
    await stack.stop();
  }
}
