import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { readSweepFile } from '@seedsweep/command-line';
import { SweepStore, type TrialRecord } from '@seedsweep/store';
import {
  describeTrial,
  parseSweepText,
  planSweep,
  trialKey,
  type SweepDefinition,
  type Trial,
} from '@seedsweep/sweep-spec';
import { selectEngine, train, TRAINER_VERSION } from '@seedsweep/trainer';
import { submitSweep } from './api-requests.js';
import { BenchStack } from './bench-stack.js';
import { progressOf, type BenchContext } from './context.js';
import { loadPreparedRegion } from './dataset.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The flags of `seedsweep bench sweep`. */
export interface SweepBenchOptions {
  /** The sweep (.yaml, .yml or .json); default examples/paper-fig3-standardised.yaml. */
  file?: string | undefined;
  /** Cut to seeds 0..N-1; default 5. */
  seeds?: number | undefined;
  /** And to N epochs; default 30. */
  epochs?: number | undefined;
  /** Worker processes, one trial at a time each; default 2. */
  workers?: number | undefined;
  /** Resumed and derived trials each to train again from the start and compare; default 2. */
  verify?: number | undefined;
}

/** `seedsweep bench sweep --json`. */
export interface SweepBenchReport extends Tally {
  benchmark: 'sweep';
  sweep: string;
  seeds: number;
  epochs: number;
  workers: number;
  cores: number;
  wallSeconds: number;
  verified: Verified;
  measuredAt: string;
}

export interface Tally {
  trials: Record<'total' | 'trained' | 'resumed' | 'derived' | 'failed', number>;
  epochsTrained: number;
  naiveEpochs: number;
  coreSeconds: number;
  naiveCoreSeconds: number;
}

export interface Verified {
  checked: number;
  identical: number;
  /** The keys of the trials whose results trained again differ from the stored ones. */
  differing: string[];
}

/**
 * A sweep through the API, the aggregator and workers of the benchmark's own deployment: what
 * was really trained (in full, resumed from a baseline's checkpoint, or taken from a baseline)
 * against the naive count, every trial trained from the start. `verified.differing` lists the
 * results that differ when trained again from the start here.
 */
export async function runSweepBenchmark(
  options: SweepBenchOptions,
  ctx: BenchContext,
): Promise<SweepBenchReport> {
  const file = options.file ?? path.join(repoRoot, 'examples/paper-fig3-standardised.yaml');
  const seeds = options.seeds ?? 5;
  const epochs = options.epochs ?? 30;
  const workers = options.workers ?? 2;
  const verify = options.verify ?? 2;
  const log = ctx.log;

  const source = await readSweepFile(file);
  const definition: SweepDefinition = {
    ...parseSweepText(source.text, source.format),
    seeds: { from: 0, to: seeds - 1 },
  };
  definition.training = { ...definition.training, epochs: [epochs] };
  const plan = planSweep(definition, { trainerVersion: TRAINER_VERSION });

  const stack = await BenchStack.start(ctx, { name: 'sweep', workers });
  const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  const store = new SweepStore({ redis });
  const progress = progressOf(ctx, 'trials', plan.trials.length);
  try {
    log(
      `bench sweep: ${definition.name} cut to ${seeds} seeds and ${epochs} epochs, ${plan.trials.length} trials, ${workers} worker(s)`,
    );
    const started = Date.now();
    await submitSweep(stack.apiUrl, JSON.stringify(definition), 'json', ctx.signal);
    const keys = plan.trials.map((t) => t.key);
    let outcomes = await store.getOutcomes(keys);
    let reported = -1;
    for (;;) {
      const done = outcomes.filter((o) => o.result || o.failure).length;
      if (done !== reported) {
        const derived = outcomes.filter((o) => o.result?.derivedFrom).length;
        const resumed = outcomes.filter((o) => o.result?.resumedFrom).length;
        progress.update(done, `${derived} from baselines, ${resumed} resumed`);
        reported = done;
      }
      if (done === keys.length) break;
      if (ctx.signal.aborted) throw new Error('interrupted');
      await new Promise((resolve) => setTimeout(resolve, 500));
      outcomes = await store.getOutcomes(keys);
    }
    const wallSeconds = (Date.now() - started) / 1000;
    progress.stop();
    const records = new Map<string, TrialRecord>();
    outcomes.forEach((o, i) => o.result && records.set(keys[i]!, o.result));
    const verified = await verifySample(ctx, plan.trials, records, verify);
    return {
      benchmark: 'sweep',
      sweep: definition.name,
      seeds,
      epochs,
      workers,
      cores: os.availableParallelism(),
      wallSeconds,
      ...tally(plan.trials, records, epochs),
      verified,
      measuredAt: new Date().toISOString(),
    };
  } finally {
    progress.stop();
    redis.disconnect();
    await stack.stop();
  }
}

/**
 * Trains a few of the trials that were resumed or taken from their baseline from the start, in
 * this process, and compares: what the shortcut promises is the same result bit for bit.
 */
async function verifySample(
  ctx: BenchContext,
  trials: readonly Trial[],
  records: Map<string, TrialRecord>,
  perKind: number,
): Promise<Verified> {
  const log = ctx.log;
  const resumed = trials.filter((t) => records.get(t.key)?.resumedFrom).slice(0, perKind);
  const derived = trials.filter((t) => records.get(t.key)?.derivedFrom).slice(0, perKind);
  const sample = [...resumed, ...derived];
  const differing: string[] = [];
  for (const trial of sample) {
    if (ctx.signal.aborted) throw new Error('interrupted');
    log(`verifying ${trial.key.slice(0, 12)} (${describeTrial(trial.spec)}) from the start`);
    await selectEngine(trial.spec.numerics === 'tfjs' ? 'tfjs' : ctx.settings.engine);
    const data = await loadPreparedRegion(ctx.settings, trial.spec.region, trial.spec.dataset, log);
    const again = await train(trial.spec.train, data);
    const record = records.get(trial.key)!;
    const same =
      again.weightsHash === record.weightsHash &&
      again.testAccuracy === record.testAccuracy &&
      JSON.stringify(again.trainLoss) === JSON.stringify(record.trainLoss) &&
      again.numerics === record.numerics;
    if (!same) differing.push(trial.key);
  }
  return { checked: sample.length, identical: sample.length - differing.length, differing };
}

/** What was trained, against every trial trained from the start at its baseline's cost. */
function tally(trials: readonly Trial[], records: Map<string, TrialRecord>, epochs: number): Tally {
  const counts = { total: trials.length, trained: 0, resumed: 0, derived: 0, failed: 0 };
  let epochsTrained = 0;
  let trainingMs = 0;
  let naiveMs = 0;
  for (const trial of trials) {
    const record = records.get(trial.key);
    if (!record) {
      counts.failed++;
      continue;
    }
    const baseline = records.get(
      trialKey({ ...trial.spec, train: { ...trial.spec.train, randomout: null } }),
    );
    naiveMs += baseline?.durationMs ?? record.durationMs;
    trainingMs += record.durationMs;
    if (record.derivedFrom) counts.derived++;
    else if (record.resumedFrom) {
      counts.resumed++;
      epochsTrained += record.epochsRun - record.resumedFrom.epoch;
    } else {
      counts.trained++;
      epochsTrained += record.epochsRun;
    }
  }
  return {
    trials: counts,
    epochsTrained,
    naiveEpochs: trials.length * epochs,
    coreSeconds: trainingMs / 1000,
    naiveCoreSeconds: naiveMs / 1000,
  };
}
