import os from 'node:os';
import { UsageError } from '@seedsweep/command-line';
import type { InputScale, RegionName } from '@seedsweep/crater-data';
import { pairedSummary, type PairedSummary } from '@seedsweep/stats';
import {
  ENGINE_CHOICES,
  selectEngine,
  train,
  type EngineChoice,
  type NumericFamily,
  type TrainResult,
} from '@seedsweep/trainer';
import { progressOf, type BenchContext } from './context.js';
import { loadPreparedRegion } from './dataset.js';

/** The flags of `seedsweep bench engines`. */
export interface EnginesBenchOptions {
  /** Default East. */
  region?: RegionName | undefined;
  /** Seeds 0..N-1, at least 2; default 10. */
  seeds?: number | undefined;
  /** Default 150. */
  epochs?: number | undefined;
  /** Default the trainer's. */
  learningRate?: number | undefined;
  /** Default standardise. */
  inputScale?: InputScale | undefined;
  /** Crop side as a multiple of the candidate size; default 2. */
  cropScale?: number | undefined;
  /** The two engines, of different numeric families; default auto and tfjs. */
  engines?: readonly string[] | undefined;
}

export interface SeedRow {
  seed: number;
  accuracy: Record<string, number>;
  diverged: Record<string, boolean>;
  seconds: Record<string, number>;
  /** The last epoch's mean training loss and the weights' hash: the bits differ, the seeds' fates need not. */
  finalTrainLoss: Record<string, number | null>;
  weightsHash: Record<string, string>;
}

/** `seedsweep bench engines --json`. */
export interface EnginesBenchReport {
  benchmark: 'engines';
  region: RegionName;
  seeds: number;
  epochs: number;
  learningRate?: number;
  inputScale?: InputScale;
  cropScale?: number;
  cpu: string;
  engines: Record<string, EngineSummary>;
  /** Which difference: `<second> - <first>`. */
  comparison: string;
  meanDifference: number | null;
  ci95: [number, number] | null;
  wilcoxonP: number | null;
  meanAbsoluteDifference: number;
  largestDifference: number;
  identicalSeeds: number;
  identicalWeights: number;
  withinOnePoint: boolean;
  seedsRows: SeedRow[];
  measuredAt: string;
}

export interface EngineSummary {
  codePath: string;
  numerics: NumericFamily;
  meanAccuracy: number;
  sdAccuracy: number;
  diverged: number;
  secondsPerTrial: number;
}

/**
 * The same seeds on two engines of different numeric families, and their test accuracies
 * compared, paired by seed: their bits differ; their distributions should not.
 */
export async function runEnginesBenchmark(
  options: EnginesBenchOptions,
  ctx: BenchContext,
): Promise<EnginesBenchReport> {
  const region = options.region ?? 'East';
  const seeds = options.seeds ?? 10;
  const epochs = options.epochs ?? 150;
  const learningRate = options.learningRate;
  if (seeds < 2 || epochs < 1)
    throw new UsageError('--seeds must be at least 2, --epochs at least 1');
  const engines = options.engines ?? ['auto', 'tfjs'];
  if (engines.length !== 2 || engines.some((e) => !ENGINE_CHOICES.includes(e as EngineChoice))) {
    throw new UsageError(`--engines must be two of ${ENGINE_CHOICES.join(', ')}, comma-separated`);
  }
  const [first, second] = engines as [EngineChoice, EngineChoice];
  const log = ctx.log;
  const { inputScale, cropScale } = options;
  const data = await loadPreparedRegion(ctx.settings, region, { inputScale, cropScale }, log);
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
      const progress = progressOf(ctx, `seed ${seed} ${engine.name}`, epochs);
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
  return {
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
}
