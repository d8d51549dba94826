import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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
import type { CommandContext } from '../command.js';
import { loadPreparedRegion } from '../dataset.js';
import { integerFlag } from '../flags.js';
import { createProgress } from '../progress.js';
import { findTorchPython, measureTorch, median, type TorchMeasurement } from '../torch-peer.js';
import { UsageError } from '../usage-error.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DEFAULT_TORCH_SCRIPT = path.resolve(repoRoot, '../shared/bench/torch_crater.py');
const ENGINE_NAMES = ENGINE_CHOICES.filter((c): c is EngineName => c !== 'auto');

export const benchTrainerHelp = `Usage: seedsweep bench trainer [options]

Seconds per West epoch (batch 32, one core), median and fastest, and GFLOP/s of each engine
and, where python3 with torch is installed, of the PyTorch peer in the same run, in rounds that
alternate between them (the machine's speed drifts). Beside them, the core's floating-point
peak, measured by a multiply-add loop at the widest vector width, and each one's share of it.

  --engines LIST     engines to measure, of native, wasm, tfjs, and native:avx2 for one of
                     the native engine's code paths (default: native and wasm, those that
                     load here; tfjs is slow, ask for it by name)
  --rounds N         rounds of every engine and the peer (default 2)
  --epochs N         measured epochs per round after one warm-up epoch (default 3)
  --batch-size N     default 32
  --torch-script F   the PyTorch peer (default ../shared/bench/torch_crater.py)
  --no-torch         skip the PyTorch peer
  --out F            also write the JSON to F
  --json             print only the JSON`;

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

interface Timing {
  /** Every measured epoch of every round (warm-ups left out). */
  epochSeconds: number[];
  secondsPerEpoch: number;
  fastestEpochSeconds: number;
  gflops: number;
  /** Of the measured multiply-add peak (separate multiplies and adds, as the kernels run). */
  shareOfMulAddPeak: number | null;
  shareOfFmaPeak: number | null;
}

interface EngineRow extends Timing {
  engine: EngineName;
  codePath: string;
  versions: Record<string, string>;
  ratioToTorch: number | null;
}

export async function benchTrainer(args: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      engines: { type: 'string' },
      rounds: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      'torch-script': { type: 'string' },
      'no-torch': { type: 'boolean' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const epochs = integerFlag(values, 'epochs') ?? 3;
  const rounds = integerFlag(values, 'rounds') ?? 2;
  const batchSize = integerFlag(values, 'batch-size') ?? 32;
  if (epochs < 1 || rounds < 1) throw new UsageError('--epochs and --rounds must be at least 1');
  const asked = values.engines?.split(',').map((name) => name.trim());
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
  const quiet = values.json === true;
  const log = quiet ? () => {} : ctx.log;

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
  const data = await loadPreparedRegion(ctx.env, 'West', {}, log);
  const flopsPerEpoch = trainingFlopsPerExample(data.size) * data.train.count;
  const python = values['no-torch'] ? null : await findTorchPython(ctx.env.torchPython);
  const torchNote = values['no-torch']
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
      const seconds = await timeEpochs(
        data,
        epochs,
        batchSize,
        ctx,
        quiet,
        `round ${round} ${name}`,
      );
      epochTimes.get(name)!.push(...seconds.slice(1));
    }
    if (python) {
      log(`round ${round} PyTorch (${python})`);
      torchRuns.push(
        await measureTorch(
          python,
          values['torch-script'] ?? DEFAULT_TORCH_SCRIPT,
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

  const report = {
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
  if (values.out) await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
  if (quiet) {
    ctx.out(JSON.stringify(report));
    return;
  }
  ctx.out(`CPU ${report.cpu}, one thread; West, ${data.train.count} examples, batch ${batchSize}`);
  if (peak) {
    ctx.out(
      `core peak (${peak.lanes} lanes): ${peak.mulAddGflops.toFixed(0)} GFLOP/s multiply+add` +
        (peak.fmaGflops ? `, ${peak.fmaGflops.toFixed(0)} GFLOP/s fused multiply-add` : ''),
    );
  }
  ctx.out('');
  ctx.out(
    `${'engine'.padEnd(22)}${'s/epoch'.padStart(9)}${'fastest'.padStart(9)}${'GFLOP/s'.padStart(9)}${'of peak'.padStart(9)}${'vs PyTorch'.padStart(12)}`,
  );
  for (const row of rows) {
    ctx.out(
      `${`${row.engine} (${row.codePath})`.padEnd(22)}${fixed(row.secondsPerEpoch, 3, 9)}${fixed(row.fastestEpochSeconds, 3, 9)}${fixed(row.gflops, 1, 9)}${percent(row.shareOfMulAddPeak, 9)}${row.ratioToTorch === null ? ''.padStart(12) : `${row.ratioToTorch.toFixed(2)}x`.padStart(12)}`,
    );
  }
  if (torch) {
    ctx.out(
      `${`PyTorch ${report.torch!.torchVersion}`.padEnd(22)}${fixed(torch.secondsPerEpoch, 3, 9)}${fixed(torch.fastestEpochSeconds, 3, 9)}${fixed(torch.gflops, 1, 9)}${percent(torch.shareOfMulAddPeak, 9)}${'1.00x'.padStart(12)}`,
    );
    ctx.out(`PyTorch's BLAS: ${report.torch!.blas}`);
    if (!/openblas|mkl/i.test(report.torch!.blas)) {
      ctx.out(
        'PyTorch runs on the reference BLAS, several times slower than on OpenBLAS: apt-get install libopenblas0-pthread for a fair peer',
      );
    }
  } else if (torchNote) {
    ctx.out(`PyTorch: ${torchNote}`);
  }
  ctx.out('');
  ctx.out('s/epoch is the median of the measured epochs; "of peak" is of the multiply+add peak.');
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
  ctx: CommandContext,
  quiet: boolean,
  label: string,
): Promise<number[]> {
  const progress = createProgress(label, epochs + 1, ctx.stderr, quiet);
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

function fixed(value: number, digits: number, width: number): string {
  return value.toFixed(digits).padStart(width);
}

function percent(share: number | null, width: number): string {
  return (share === null ? '-' : `${(share * 100).toFixed(0)}%`).padStart(width);
}
