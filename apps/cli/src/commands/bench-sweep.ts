import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
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
import { ApiClient } from '../api-client.js';
import type { CommandContext, CommandResult } from '../command.js';
import { loadPreparedRegion } from '../dataset.js';
import { integerFlag } from '../flags.js';
import { createProgress } from '../progress.js';
import { readSweepFile } from '../sweep-file.js';
import { BenchStack } from './bench-stack.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export const benchSweepHelp = `Usage: seedsweep bench sweep [options]

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

/** Exit code 1 when a result trained again from the start differs from the stored one. */
export async function benchSweep(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const { values } = parseArgs({
    args,
    options: {
      file: { type: 'string' },
      seeds: { type: 'string' },
      epochs: { type: 'string' },
      workers: { type: 'string' },
      verify: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const file = values.file ?? path.join(repoRoot, 'examples/paper-fig3-standardised.yaml');
  const seeds = integerFlag(values, 'seeds') ?? 5;
  const epochs = integerFlag(values, 'epochs') ?? 30;
  const workers = integerFlag(values, 'workers') ?? 2;
  const verify = values.verify === '0' ? 0 : (integerFlag(values, 'verify') ?? 2);
  const quiet = values.json === true;
  const log = quiet ? () => {} : ctx.log;

  const source = await readSweepFile(file);
  const definition: SweepDefinition = {
    ...parseSweepText(source.text, source.format),
    seeds: { from: 0, to: seeds - 1 },
  };
  definition.training = { ...definition.training, epochs: [epochs] };
  const plan = planSweep(definition, { trainerVersion: TRAINER_VERSION });

  const stack = await BenchStack.start({ ...ctx, log }, { name: 'sweep', workers });
  const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  const store = new SweepStore({ redis });
  const progress = createProgress('trials', plan.trials.length, ctx.stderr, quiet);
  try {
    log(
      `bench sweep: ${definition.name} cut to ${seeds} seeds and ${epochs} epochs, ${plan.trials.length} trials, ${workers} worker(s)`,
    );
    const client = new ApiClient({ baseUrl: stack.apiUrl, signal: ctx.signal });
    const started = Date.now();
    await client.submit(JSON.stringify(definition), 'json');
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
    const verified = await verifySample(ctx, log, plan.trials, records, verify);
    const report = {
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
    if (values.out) await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
    const exitCode = verified.differing.length > 0 ? 1 : 0;
    if (quiet) {
      ctx.out(JSON.stringify(report));
      return exitCode;
    }
    const t = report.trials;
    ctx.out(
      `trials        ${t.total}: ${t.trained} trained in full, ${t.resumed} resumed from a baseline's checkpoint, ${t.derived} taken from their baseline, ${t.failed} failed`,
    );
    ctx.out(
      `epochs        ${report.epochsTrained} trained of ${report.naiveEpochs} naive (${pct(report.epochsTrained / report.naiveEpochs)})`,
    );
    ctx.out(
      `verified      ${verified.identical} of ${verified.checked} resumed or derived results trained again from the start: identical bit for bit`,
    );
    ctx.out(
      `core-seconds  ${report.coreSeconds.toFixed(0)} of training against ${report.naiveCoreSeconds.toFixed(0)} naive (${pct(report.coreSeconds / report.naiveCoreSeconds)}); ${wallSeconds.toFixed(0)} s on ${workers} worker(s)`,
    );
    return exitCode;
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
  ctx: CommandContext,
  log: (line: string) => void,
  trials: readonly Trial[],
  records: Map<string, TrialRecord>,
  perKind: number,
): Promise<{ checked: number; identical: number; differing: string[] }> {
  const resumed = trials.filter((t) => records.get(t.key)?.resumedFrom).slice(0, perKind);
  const derived = trials.filter((t) => records.get(t.key)?.derivedFrom).slice(0, perKind);
  const sample = [...resumed, ...derived];
  const differing: string[] = [];
  for (const trial of sample) {
    if (ctx.signal.aborted) throw new Error('interrupted');
    log(`verifying ${trial.key.slice(0, 12)} (${describeTrial(trial.spec)}) from the start`);
    await selectEngine(trial.spec.numerics === 'tfjs' ? 'tfjs' : ctx.env.engine);
    const data = await loadPreparedRegion(ctx.env, trial.spec.region, trial.spec.dataset, log);
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

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** What was trained, against every trial trained from the start at its baseline's cost. */
function tally(trials: readonly Trial[], records: Map<string, TrialRecord>, epochs: number) {
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
