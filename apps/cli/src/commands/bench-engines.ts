import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { INPUT_SCALES, REGIONS, type RegionName } from '@seedsweep/crater-data';
import { pairedSummary, type PairedSummary } from '@seedsweep/stats';
import {
  ENGINE_CHOICES,
  selectEngine,
  train,
  type EngineChoice,
  type TrainResult,
} from '@seedsweep/trainer';
import type { CommandContext } from '../command.js';
import { loadPreparedRegion } from '../dataset.js';
import { choiceFlag, integerFlag, numberFlag } from '../flags.js';
import { createProgress } from '../progress.js';
import { UsageError } from '../usage-error.js';

export const benchEnginesHelp = `Usage: seedsweep bench engines [options]

Trains the same seeds on two engines of different numeric families (by default the kernels,
native where built, against tfjs, TensorFlow.js's ops and autograd) and compares their test
accuracies: each engine's mean, and the paired differences (tfjs minus kernels) with a 95%
interval and a Wilcoxon signed-rank p-value. Their bits differ; their distributions should not.
Both start each seed from the same weights and see the data in the same order. The default
(10 East seeds, 150 epochs) takes about half an hour on one core, nearly all of it tfjs.

  --region R       East or West (default East)
  --seeds N        seeds 0..N-1 (default 10)
  --epochs N       default 150
  --lr X           learning rate (default the trainer's)
  --input-scale S  standardise (default), minmax, unit or raw
  --crop-scale X   crop side as a multiple of the candidate size (default 2)
  --engines A,B    the two engines (default auto,tfjs)
  --out F          also write the JSON to F
  --json           print only the JSON`;

interface SeedRow {
  seed: number;
  accuracy: Record<string, number>;
  diverged: Record<string, boolean>;
  seconds: Record<string, number>;
  /** The last epoch's mean training loss and the weights' hash: the bits differ, the seeds' fates need not. */
  finalTrainLoss: Record<string, number | null>;
  weightsHash: Record<string, string>;
}

export async function benchEngines(args: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      region: { type: 'string' },
      seeds: { type: 'string' },
      epochs: { type: 'string' },
      lr: { type: 'string' },
      'input-scale': { type: 'string' },
      'crop-scale': { type: 'string' },
      engines: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const region = (choiceFlag(values, 'region', REGIONS) ?? 'East') as RegionName;
  const seeds = integerFlag(values, 'seeds') ?? 10;
  const epochs = integerFlag(values, 'epochs') ?? 150;
  const learningRate = numberFlag(values, 'lr');
  if (seeds < 2 || epochs < 1)
    throw new UsageError('--seeds must be at least 2, --epochs at least 1');
  const engines = (values.engines ?? 'auto,tfjs').split(',').map((e) => e.trim());
  if (engines.length !== 2 || engines.some((e) => !ENGINE_CHOICES.includes(e as EngineChoice))) {
    throw new UsageError(`--engines must be two of ${ENGINE_CHOICES.join(', ')}, comma-separated`);
  }
  const [first, second] = engines as [EngineChoice, EngineChoice];
  const quiet = values.json === true;
  const log = quiet ? () => {} : ctx.log;
  const inputScale = choiceFlag(values, 'input-scale', INPUT_SCALES);
  const cropScale = numberFlag(values, 'crop-scale');
  const data = await loadPreparedRegion(ctx.env, region, { inputScale, cropScale }, log);
  const names = [(await selectEngine(first)).name, (await selectEngine(second)).name];
  if (names[0] === names[1]) throw new UsageError(`--engines names ${names[0]} twice`);
  log(
    `bench engines: ${region}, seeds 0-${seeds - 1}, ${epochs} epochs, on ${names.join(' and ')} (alternating)`,
  );

  const rows: SeedRow[] = [];
  const results: Record<string, TrainResult[]> = { [names[0]!]: [], [names[1]!]: [] };
  for (let seed = 0; seed < seeds; seed++) {
    const row: SeedRow = {
      seed,
      accuracy: {},
      diverged: {},
      seconds: {},
      finalTrainLoss: {},
      weightsHash: {},
    };
    // Alternate which engine goes first: the machine's speed drifts.
    const order = seed % 2 === 0 ? [first, second] : [second, first];
    for (const choice of order) {
      const engine = await selectEngine(choice);
      const progress = createProgress(`seed ${seed} ${engine.name}`, epochs, ctx.stderr, quiet);
      let result: TrainResult;
      try {
        result = await train(
          { seed, epochs, ...(learningRate !== undefined && { learningRate }) },
          data,
          {
            signal: ctx.signal,
            onEpoch: (p) =>
              progress.update(
                p.epoch,
                p.trainLoss === null ? 'non-finite' : `loss ${p.trainLoss.toFixed(4)}`,
              ),
          },
        );
      } finally {
        progress.stop();
      }
      results[engine.name]!.push(result);
      row.accuracy[engine.name] = result.testAccuracy;
      row.diverged[engine.name] = result.diverged;
      row.seconds[engine.name] = result.durationMs / 1000;
      row.finalTrainLoss[engine.name] = result.trainLoss.at(-1) ?? null;
      row.weightsHash[engine.name] = result.weightsHash;
    }
    rows.push(row);
    log(
      `seed ${seed}: ${names.map((n) => `${n} ${(row.accuracy[n]! * 100).toFixed(2)}%`).join(', ')}`,
    );
  }

  const summary: PairedSummary = pairedSummary(
    rows.map((row) => ({
      seed: row.seed,
      treatment: { accuracy: row.accuracy[names[1]!]!, diverged: row.diverged[names[1]!]! },
      baseline: { accuracy: row.accuracy[names[0]!]!, diverged: row.diverged[names[0]!]! },
    })),
    { failureThreshold: null, margin: 0.01 },
  );
  const perEngine = Object.fromEntries(
    names.map((name) => {
      const accuracies = rows.map((row) => row.accuracy[name]!);
      const m = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
      const sd = Math.sqrt(
        accuracies.reduce((a, b) => a + (b - m) ** 2, 0) / (accuracies.length - 1),
      );
      const info = results[name]![0]!;
      return [
        name,
        {
          codePath: info.codePath,
          numerics: info.numerics,
          meanAccuracy: m,
          sdAccuracy: sd,
          diverged: rows.filter((row) => row.diverged[name]).length,
          secondsPerTrial: rows.reduce((a, row) => a + row.seconds[name]!, 0) / rows.length,
        },
      ];
    }),
  );
  const differences = rows.map((row) => row.accuracy[names[1]!]! - row.accuracy[names[0]!]!);
  const report = {
    benchmark: 'engines',
    region,
    seeds,
    epochs,
    ...(learningRate !== undefined && { learningRate }),
    ...(inputScale !== undefined && { inputScale }),
    ...(cropScale !== undefined && { cropScale }),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    engines: perEngine,
    comparison: `${names[1]} - ${names[0]}`,
    meanDifference: summary.meanGain,
    ci95: summary.ci95,
    wilcoxonP: summary.wilcoxonP,
    meanAbsoluteDifference: differences.reduce((a, d) => a + Math.abs(d), 0) / differences.length,
    largestDifference: Math.max(...differences.map(Math.abs)),
    identicalSeeds: summary.ties,
    identicalWeights: rows.filter(
      (row) => row.weightsHash[names[0]!] === row.weightsHash[names[1]!],
    ).length,
    withinOnePoint: Math.abs(summary.meanGain ?? Infinity) <= 0.01,
    seedsRows: rows,
    measuredAt: new Date().toISOString(),
  };
  if (values.out) await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
  if (quiet) {
    ctx.out(JSON.stringify(report));
    return;
  }
  const pct = (x: number) => `${(x * 100).toFixed(2)}`;
  ctx.out(`${region}, ${seeds} seeds, ${epochs} epochs, one core (${report.cpu})`);
  for (const name of names) {
    const e = perEngine[name]!;
    ctx.out(
      `${`${name} (${e.codePath})`.padEnd(22)} mean ${pct(e.meanAccuracy)}% (sd ${pct(e.sdAccuracy)}), ${e.diverged} diverged, ${e.secondsPerTrial.toFixed(1)} s a trial`,
    );
  }
  const ci = summary.ci95 ? `[${pct(summary.ci95[0])}, ${pct(summary.ci95[1])}]` : 'n/a';
  ctx.out(
    `${report.comparison}: mean ${pct(summary.meanGain ?? 0)} points, 95% CI ${ci}, Wilcoxon p ${summary.wilcoxonP?.toFixed(3) ?? 'n/a'}; per seed |difference| mean ${pct(report.meanAbsoluteDifference)}, largest ${pct(report.largestDifference)}`,
  );
  ctx.out(
    report.withinOnePoint
      ? 'the means agree within 1 point'
      : 'the means differ by more than 1 point',
  );
}
