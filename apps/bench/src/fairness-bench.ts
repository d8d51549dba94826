import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TrialRecord } from '@seedsweep/store';
import { parseSweepDefinition, type SweepDefinition } from '@seedsweep/sweep-spec';
import { sweepStatus } from './api-requests.js';
import { BenchStack } from './bench-stack.js';
import type { BenchContext } from './context.js';
import { FairnessDeployment, planTrials, type QueueOrder } from './fairness-deployment.js';
import { sharesWithin, spanOf, type TrainingSpan } from './training-spans.js';

export type { QueueOrder } from './fairness-deployment.js';

/** The flags of `seedsweep bench fairness`. */
export interface FairnessBenchOptions {
  /** Seeds of the large sweep, 2 trials each; default 40 (80 trials). */
  largeSeeds?: number | undefined;
  /** Epochs of its trials; default 6. */
  largeEpochs?: number | undefined;
  /** Seeds of the small sweep, 3 trials each; default 5 (15 trials). */
  smallSeeds?: number | undefined;
  /** Epochs of its trials; default 8. */
  smallEpochs?: number | undefined;
  /** Seconds between the two submissions; default 2. */
  delaySeconds?: number | undefined;
  /** Worker counts the late sweep is measured with; default 1 and 2. */
  workers?: number[] | undefined;
  /** Seeds of each of the three sweeps of the keys run, 2 trials each; default 10; 0 skips it. */
  keysSeeds?: number | undefined;
  /** Epochs of their trials; default 6. */
  keysEpochs?: number | undefined;
  /** Workers of the keys run; default 2. */
  keysWorkers?: number | undefined;
}

/** A small sweep submitted behind a large one: how long it waited, in one queue order. */
export interface LateSweepRun {
  workers: number;
  order: QueueOrder;
  /**
   * Jobs the workers were to take before the small sweep's first trial, just after it was
   * submitted: its status's fairShare.ahead (fair), the jobs then queued (FIFO).
   */
  aheadAtSubmission: number | null;
  /** From the small sweep's submission to its first result. */
  firstResultSeconds: number;
  /** From its submission to its last result. */
  doneSeconds: number;
  /** The large sweep's trials finished by then. */
  largeDoneBySmallDone: number;
  /** The small sweep's share of the training done from its submission to its last result. */
  smallShare: number;
}

export interface KeysRun {
  workers: number;
  trialsPerSweep: number;
  epochs: number;
  /** From the third submission to the first sweep's last result: all three live. */
  liveSeconds: number;
  /** Each sweep's training in that time, and its share of all of it. */
  sweeps: { name: string; key: 'A' | 'B'; trainingSeconds: number; share: number }[];
  /** The same per key: A submitted two sweeps, B one. */
  keys: { key: 'A' | 'B'; sweeps: number; trainingSeconds: number; share: number }[];
}

/** `seedsweep bench fairness --json`. */
export interface FairnessBenchReport {
  benchmark: 'fairness';
  cpu: string;
  cores: number;
  large: { seeds: number; epochs: number; trials: number };
  small: { seeds: number; epochs: number; trials: number };
  delaySeconds: number;
  /** Per worker count: FIFO, then fair share. */
  lateSweep: LateSweepRun[];
  /** Null when skipped (--keys-seeds 0). */
  keys: KeysRun | null;
  measuredAt: string;
}

/**
 * Several researchers on one deployment, on deployments of the benchmark's own: (a) a small
 * sweep submitted behind a large one, with fair share and with FIFO, for each worker count: how
 * long until its first result and until it is done; (b) three sweeps from two API keys (AUTH
 * on), two of one key and one of the other: each key's share of the training while all three
 * are live.
 */
export async function runFairnessBenchmark(
  options: FairnessBenchOptions,
  ctx: BenchContext,
): Promise<FairnessBenchReport> {
  const large = { seeds: options.largeSeeds ?? 40, epochs: options.largeEpochs ?? 6 };
  const small = { seeds: options.smallSeeds ?? 5, epochs: options.smallEpochs ?? 8 };
  const delaySeconds = options.delaySeconds ?? 2;
  const workerCounts = options.workers ?? [1, 2];
  const keysSeeds = options.keysSeeds ?? 10;
  // Seeds far apart: no trial of one sweep is another's.
  const largeDefinition = sweepDefinition('fairness-large', 0, large.seeds, large.epochs, [50]);
  const smallDefinition = sweepDefinition(
    'fairness-small',
    100_000,
    small.seeds,
    small.epochs,
    [30, 60],
  );
  const lateSweep: LateSweepRun[] = [];
  for (const workers of workerCounts) {
    for (const order of ['fifo', 'fair'] as const) {
      lateSweep.push(
        await measureLateSweep(ctx, {
          workers,
          order,
          large: largeDefinition,
          small: smallDefinition,
          delayMs: delaySeconds * 1000,
        }),
      );
    }
  }
  const keys =
    keysSeeds > 0
      ? await measureKeys(ctx, {
          workers: options.keysWorkers ?? 2,
          seeds: keysSeeds,
          epochs: options.keysEpochs ?? 6,
        })
      : null;
  return {
    benchmark: 'fairness',
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    large: { ...large, trials: planTrials(largeDefinition).length },
    small: { ...small, trials: planTrials(smallDefinition).length },
    delaySeconds,
    lateSweep,
    keys,
    measuredAt: new Date().toISOString(),
  };
}

/** East, tau 0.1 (it fires, so RandomOut trials train too): a baseline and a trial per P. */
function sweepDefinition(
  name: string,
  from: number,
  seeds: number,
  epochs: number,
  activePercent: number[],
): SweepDefinition {
  return parseSweepDefinition({
    name,
    regions: ['East'],
    seeds: { from, to: from + seeds - 1 },
    randomout: { tau: [0.1], activePercent },
    training: { epochs },
  });
}

function spans(results: readonly (TrialRecord | null)[]): TrainingSpan[] {
  return results.flatMap((r) => (r ? [spanOf(r)] : []));
}

async function measureLateSweep(
  ctx: BenchContext,
  run: {
    workers: number;
    order: QueueOrder;
    large: SweepDefinition;
    small: SweepDefinition;
    delayMs: number;
  },
): Promise<LateSweepRun> {
  const stack = await BenchStack.start(ctx, {
    name: 'fairness',
    workers: run.workers,
    // Once the small sweep is measured, the large one's trials still running are cut off.
    env: { WORKER_GRACE_SECONDS: '0' },
  });
  const deployment = new FairnessDeployment(stack, ctx);
  try {
    await deployment.workersReady(run.workers);
    ctx.log(
      `bench fairness: ${run.order === 'fair' ? 'fair share' : 'FIFO'}, ${run.workers} worker(s): the large sweep, then the small one ${run.delayMs / 1000} s later`,
    );
    const { trials: largeTrials } = await deployment.submit(run.large, run.order);
    await sleep(run.delayMs, undefined, { signal: ctx.signal });
    // FIFO: every job queued now is taken before the small sweep's first.
    const queuedBefore =
      run.order === 'fifo' ? await deployment.queue.getJobCountByTypes('wait', 'prioritized') : 0;
    const submittedAt = Date.now();
    const { id, trials: smallTrials } = await deployment.submit(run.small, run.order);
    const aheadAtSubmission =
      run.order === 'fifo'
        ? queuedBefore
        : (await sweepStatus(stack.apiUrl, id, ctx.signal)).fairShare.ahead;
    const smallKeys = smallTrials.map((t) => t.key);
    await deployment.resultsUntil(smallKeys, (results) => results.every((r) => r !== null));
    const largeKeys = largeTrials.map((t) => t.key);
    const results = await deployment.settledResults([...smallKeys, ...largeKeys]);
    const smallResults = results.slice(0, smallKeys.length) as TrialRecord[];
    const largeResults = results.slice(smallKeys.length);
    const finished = smallResults.map((r) => Date.parse(r.finishedAt));
    const doneAt = Math.max(...finished);
    const shares = sharesWithin(
      new Map([
        ['small', spans(smallResults)],
        ['large', spans(largeResults)],
      ]),
      submittedAt,
      doneAt,
    );
    const outcome: LateSweepRun = {
      workers: run.workers,
      order: run.order,
      aheadAtSubmission,
      firstResultSeconds: (Math.min(...finished) - submittedAt) / 1000,
      doneSeconds: (doneAt - submittedAt) / 1000,
      largeDoneBySmallDone: largeResults.filter((r) => r && Date.parse(r.finishedAt) <= doneAt)
        .length,
      smallShare: shares.get('small')!.share,
    };
    ctx.log(
      `  small sweep: first result ${outcome.firstResultSeconds.toFixed(1)} s, done ${outcome.doneSeconds.toFixed(1)} s after its submission`,
    );
    return outcome;
  } finally {
    await deployment.close();
  }
}

async function measureKeys(
  ctx: BenchContext,
  run: { workers: number; seeds: number; epochs: number },
): Promise<KeysRun> {
  const apiKeys = { A: benchKey('a'), B: benchKey('b') };
  const sweeps = [
    { name: 'fairness-a-1', key: 'A' as const, from: 200_000 },
    { name: 'fairness-a-2', key: 'A' as const, from: 300_000 },
    { name: 'fairness-b-1', key: 'B' as const, from: 400_000 },
  ].map((s) => ({
    ...s,
    definition: sweepDefinition(s.name, s.from, run.seeds, run.epochs, [50]),
  }));
  const stack = await BenchStack.start(ctx, {
    name: 'fairness-keys',
    workers: run.workers,
    apiKeys: [apiKeys.A, apiKeys.B],
    env: { WORKER_GRACE_SECONDS: '0' },
  });
  const deployment = new FairnessDeployment(stack, ctx);
  try {
    await deployment.workersReady(run.workers);
    ctx.log(
      `bench fairness: three sweeps from two API keys (A two, B one), ${run.workers} worker(s)`,
    );
    const keysOf: string[][] = [];
    for (const sweep of sweeps) {
      const { trials } = await deployment.submit(sweep.definition, 'fair', apiKeys[sweep.key]);
      keysOf.push(trials.map((t) => t.key));
    }
    const liveFrom = Date.now();
    const all = keysOf.flat();
    // Until the first sweep is done: then all three were live from liveFrom.
    const bounds = keysOf.map((keys, i) => {
      const from = keysOf.slice(0, i).reduce((sum, k) => sum + k.length, 0);
      return { from, to: from + keys.length };
    });
    const someDone = (results: (TrialRecord | null)[]) =>
      bounds.some(({ from, to }) => results.slice(from, to).every((r) => r !== null));
    const first = await deployment.resultsUntil(all, someDone);
    const liveTo = Math.min(
      ...bounds
        .filter(({ from, to }) => first.slice(from, to).every((r) => r !== null))
        .map(({ from, to }) =>
          Math.max(...first.slice(from, to).map((r) => Date.parse(r!.finishedAt))),
        ),
    );
    const results = await deployment.settledResults(all);
    const shares = sharesWithin(
      new Map(sweeps.map((s, i) => [s.name, spans(results.slice(bounds[i]!.from, bounds[i]!.to))])),
      liveFrom,
      liveTo,
    );
    const perSweep = sweeps.map((s) => ({
      name: s.name,
      key: s.key,
      trainingSeconds: shares.get(s.name)!.seconds,
      share: shares.get(s.name)!.share,
    }));
    const perKey = (['A', 'B'] as const).map((key) => {
      const own = perSweep.filter((s) => s.key === key);
      return {
        key,
        sweeps: own.length,
        trainingSeconds: own.reduce((sum, s) => sum + s.trainingSeconds, 0),
        share: own.reduce((sum, s) => sum + s.share, 0),
      };
    });
    return {
      workers: run.workers,
      trialsPerSweep: keysOf[0]!.length,
      epochs: run.epochs,
      liveSeconds: Math.max(0, liveTo - liveFrom) / 1000,
      sweeps: perSweep,
      keys: perKey,
    };
  } finally {
    await deployment.close();
  }
}

/** A read-write key of the benchmark's own API: base64url is within the keys' characters. */
function benchKey(name: string): string {
  return `bench-fairness-${name}-${randomBytes(18).toString('base64url')}`;
}
