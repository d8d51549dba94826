import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '@seedsweep/command-line';
import {
  CRATER_CNN,
  ENGINE_CHOICES,
  EngineUnavailableError,
  measureCorePeak,
  selectEngine,
  train,
  type CorePeak,
  type EngineInfo,
  type EngineName,
  type TrainingData,
} from '@seedsweep/trainer';
import { progressOf, type BenchContext } from './context.js';
import { loadPreparedRegion } from './dataset.js';
import { findTorchPython, measureTorch, median, type TorchMeasurement } from './torch-peer.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DEFAULT_TORCH_SCRIPT = path.resolve(repoRoot, '../shared/bench/torch_crater.py');
const ENGINE_NAMES = ENGINE_CHOICES.filter((c): c is EngineName => c !== 'auto');

/** The flags of `seedsweep bench trainer`. */
export interface TrainerBenchOptions {
  /**
   * Engines to measure, of native, wasm, tfjs, and native:<code path> (native:avx2) for one of
   * the native engine's code paths; default native and wasm, those that load here.
   */
  engines?: readonly string[] | undefined;
  /** Rounds of every engine and the peer; default 2. */
  rounds?: number | undefined;
  /** Measured epochs per round after one warm-up epoch; default 3. */
  epochs?: number | undefined;
  batchSize?: number | undefined;
  /** The PyTorch peer; default ../shared/bench/torch_crater.py beside the repository. */
  torchScript?: string | undefined;
  /** False: no PyTorch peer. */
  torch?: boolean | undefined;
}

/** Multiply-adds of one example's forward pass through the crater CNN of side `size`. */
export function forwardMacs(size: number): number {
  const { filters: f, kernel: k, hidden, classes } = CRATER_CNN;
  const s1 = size - k + 1;
  const s2 = s1 - k + 1;
  return s1 * s1 * k * k * f + s2 * s2 * k * k * f * f + s2 * s2 * f * hidden + hidden * classes;
}

/** A training step costs about three forward passes (forward, input and weight gradients). */
export function trainingFlopsPerExample(size: number): number {
  return 3 * 2 * forwardMacs(size);
}

export interface Timing {
  /** Every measured epoch of every round (warm-ups left out). */
  epochSeconds: number[];
  secondsPerEpoch: number;
  fastestEpochSeconds: number;
  gflops: number;
  /** Of the measured multiply-add peak (separate multiplies and adds, as the kernels run). */
  shareOfMulAddPeak: number | null;
  shareOfFmaPeak: number | null;
}

export interface EngineRow extends Timing {
  engine: EngineName;
  codePath: string;
  versions: Record<string, string>;
  ratioToTorch: number | null;
}

/** `seedsweep bench trainer --json`. */
export interface TrainerBenchReport {
  benchmark: 'trainer';
  region: 'West';
  examples: number;
  batchSize: number;
  rounds: number;
  epochsPerRound: number;
  threads: 1;
  cpu: string;
  flopsPerExample: number;
  /** The core's floating-point peak; null where the native addon (which measures it) is not built. */
  peak: CorePeak | null;
  engines: EngineRow[];
  /** Engines that do not load here, and why (when none was asked for by name). */
  skipped?: Record<string, string>;
  torch?: Timing & { torchVersion: string; blas: string };
  /** Why there is no PyTorch peer. */
  torchSkipped?: string;
  measuredAt: string;
}

/**
 * Seconds per West epoch (one core) of each engine and of the PyTorch peer, in rounds that
 * alternate between them, their GFLOP/s and share of the core's peak.
 */
export async function runTrainerBenchmark(
  options: TrainerBenchOptions,
  ctx: BenchContext,
): Promise<TrainerBenchReport> {
  const epochs = options.epochs ?? 3;
  const rounds = options.rounds ?? 2;
  const batchSize = options.batchSize ?? 32;
  if (epochs < 1 || rounds < 1) throw new UsageError('--epochs and --rounds must be at least 1');
  const asked = options.engines;
  for (const entry of asked ?? []) {
    const [name, codePath] = entry.split(':');
    if (
      !ENGINE_NAMES.includes(name as EngineName) ||
      (codePath !== undefined && name !== 'native')
    ) {
      throw new UsageError(
        `--engines: '${entry}' is not one of ${ENGINE_NAMES.join(', ')} (or native:<code path>)`,
      );
    }
  }
  const log = ctx.log;

  const engines: string[] = [];
  const skipped: Record<string, string> = {};
  for (const name of asked ?? ['native', 'wasm']) {
    try {
      await select(name);
      engines.push(name);
    } catch (error) {
      if (!(error instanceof EngineUnavailableError) || asked) throw error;
      skipped[name] = error.reason;
      log(`bench trainer: ${name} skipped: ${error.reason}`);
    }
  }
  const data = await loadPreparedRegion(ctx.settings, 'West', {}, log);
  const flopsPerEpoch = trainingFlopsPerExample(data.size) * data.train.count;
  const noTorch = options.torch === false;
  const python = noTorch ? null : await findTorchPython(ctx.settings.torchPython);
  const torchNote = noTorch
    ? 'skipped (--no-torch)'
    : python
      ? null
      : 'no python3 with torch found (apt-get install python3-torch libopenblas0-pthread)';
  log(
    `bench trainer: West, ${data.train.count} examples, batch ${batchSize}, ${rounds} rounds of ` +
      `${[...engines, ...(python ? ['PyTorch'] : [])].join(', ')}: 1 warm-up + ${epochs} epochs each`,
  );

  const peak = tryMeasurePeak();
  const epochTimes = new Map<string, number[]>(engines.map((e) => [e, []]));
  const infos = new Map<string, EngineInfo>();
  const torchRuns: TorchMeasurement[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const name of engines) {
      const info = await select(name);
      infos.set(name, info);
      const seconds = await timeEpochs(data, epochs, batchSize, ctx, `round ${round} ${name}`);
      epochTimes.get(name)!.push(...seconds.slice(1));
    }
    if (python) {
      log(`round ${round} PyTorch (${python})`);
      torchRuns.push(
        await measureTorch(
          python,
          options.torchScript ?? DEFAULT_TORCH_SCRIPT,
          data.train.count,
          batchSize,
        ),
      );
    }
  }

  const timing = (seconds: number[]): Timing => {
    const secondsPerEpoch = median(seconds);
    const gflops = flopsPerEpoch / secondsPerEpoch / 1e9;
    return {
      epochSeconds: seconds,
      secondsPerEpoch,
      fastestEpochSeconds: Math.min(...seconds),
      gflops,
      shareOfMulAddPeak: peak ? gflops / peak.mulAddGflops : null,
      shareOfFmaPeak: peak?.fmaGflops ? gflops / peak.fmaGflops : null,
    };
  };
  const torch =
    torchRuns.length > 0 ? timing(torchRuns.flatMap((r) => r.epochSeconds.slice(1))) : null;
  const rows: EngineRow[] = engines.map((name) => {
    const t = timing(epochTimes.get(name)!);
    const info = infos.get(name)!;
    return {
      engine: info.name,
      codePath: info.codePath,
      versions: info.versions,
      ...t,
      ratioToTorch: torch ? t.secondsPerEpoch / torch.secondsPerEpoch : null,
    };
  });

  return {
    benchmark: 'trainer',
    region: 'West',
    examples: data.train.count,
    batchSize,
    rounds,
    epochsPerRound: epochs,
    threads: 1,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    flopsPerExample: trainingFlopsPerExample(data.size),
    peak,
    engines: rows,
    ...(Object.keys(skipped).length > 0 && { skipped }),
    ...(torch && {
      torch: { ...torch, torchVersion: torchRuns[0]!.torchVersion, blas: torchRuns[0]!.blas },
    }),
    ...(torchNote && { torchSkipped: torchNote }),
    measuredAt: new Date().toISOString(),
  };
}

/** `native:avx2` is the native engine on that code path; anything else an engine's name. */
function select(entry: string): Promise<EngineInfo> {
  const [name, codePath] = entry.split(':') as [EngineName, string | undefined];
  return selectEngine(name, codePath === undefined ? {} : { codePath });
}

function tryMeasurePeak(): CorePeak | null {
  try {
    return measureCorePeak();
  } catch (error) {
    if (error instanceof EngineUnavailableError) return null;
    throw error;
  }
}

/** Seconds of each of 1 + `epochs` epochs of seed 0 on the selected engine. */
async function timeEpochs(
  data: TrainingData,
  epochs: number,
  batchSize: number,
  ctx: BenchContext,
  label: string,
): Promise<number[]> {
  const progress = progressOf(ctx, label, epochs + 1);
  const ends: number[] = [];
  const started = performance.now();
  try {
    await train({ seed: 0, epochs: epochs + 1, batchSize }, data, {
      signal: ctx.signal,
      onEpoch: (p) => {
        ends.push(performance.now() - started);
        progress.update(p.epoch, `${((ends.at(-1)! - (ends.at(-2) ?? 0)) / 1000).toFixed(3)} s`);
      },
    });
  } finally {
    progress.stop();
  }
  return ends.map((end, i) => (end - (ends[i - 1] ?? 0)) / 1000);
}
