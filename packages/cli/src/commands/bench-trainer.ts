import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BACKEND_CHOICES, CRATER_CNN, selectBackend, train } from '@seedsweep/trainer';
import type { CommandContext } from '../command.js';
import { loadPreparedRegion } from '../dataset.js';
import { choiceFlag, integerFlag } from '../flags.js';
import { createProgress } from '../progress.js';
import { findTorchPython, measureTorch, median, type TorchMeasurement } from '../torch-peer.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DEFAULT_TORCH_SCRIPT = path.resolve(repoRoot, '../shared/bench/torch_crater.py');

export const benchTrainerHelp = `Usage: seedsweep bench trainer [options]

Seconds per West epoch (batch 32, one core), examples/s and GFLOP/s of the trainer, and,
where python3 with torch is installed, of the PyTorch peer in the same run.

  --backend B        auto, tensorflow, wasm or cpu (default: TRAINER_BACKEND or auto)
  --epochs N         measured epochs after one warm-up epoch (default 3)
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

export async function benchTrainer(args: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string' },
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
  const batchSize = integerFlag(values, 'batch-size') ?? 32;
  const quiet = values.json === true;
  const log = quiet ? () => {} : ctx.log;
  const backend = await selectBackend(
    choiceFlag(values, 'backend', BACKEND_CHOICES) ?? ctx.env.backend,
  );
  const data = await loadPreparedRegion(ctx.env, 'West', {}, log);
  log(
    `bench trainer: West, ${data.train.count} examples, batch ${batchSize}, backend ${backend.name}, 1 warm-up + ${epochs} epochs`,
  );

  const progress = createProgress('epoch', epochs + 1, ctx.stderr, quiet);
  const ends: number[] = [];
  const started = performance.now();
  await train({ seed: 0, epochs: epochs + 1, batchSize }, data, {
    signal: ctx.signal,
    onEpoch: (p) => {
      ends.push(performance.now() - started);
      progress.update(p.epoch, `${((ends.at(-1)! - (ends.at(-2) ?? 0)) / 1000).toFixed(3)} s`);
    },
  });
  progress.stop();
  const epochSeconds = ends.map((end, i) => (end - (ends[i - 1] ?? 0)) / 1000);
  const secondsPerEpoch = median(epochSeconds.slice(1));
  const flopsPerEpoch = trainingFlopsPerExample(data.size) * data.train.count;

  let torch: TorchMeasurement | null = null;
  let torchNote: string | null = null;
  if (!values['no-torch']) {
    const python = await findTorchPython(ctx.env.torchPython);
    if (python) {
      log(`PyTorch peer: ${python}`);
      torch = await measureTorch(
        python,
        values['torch-script'] ?? DEFAULT_TORCH_SCRIPT,
        data.train.count,
        batchSize,
      );
    } else {
      torchNote = 'no python3 with torch found (apt-get install python3-torch)';
    }
  }

  const report = {
    benchmark: 'trainer',
    region: 'West',
    examples: data.train.count,
    batchSize,
    backend: backend.name,
    versions: backend.versions,
    threads: 1,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    epochSeconds,
    secondsPerEpoch,
    // On a machine whose speed drifts (a shared VM), the fastest epoch shows what the code
    // can do; the median is what a trial gets.
    fastestEpochSeconds: Math.min(...epochSeconds.slice(1)),
    examplesPerSecond: data.train.count / secondsPerEpoch,
    gflops: flopsPerEpoch / secondsPerEpoch / 1e9,
    flopsPerExample: trainingFlopsPerExample(data.size),
    ...(torch && {
      torchSecondsPerEpoch: torch.secondsPerEpoch,
      torchVersion: torch.torchVersion,
      torchEpochSeconds: torch.epochSeconds,
      torchFastestEpochSeconds: Math.min(...torch.epochSeconds.slice(1)),
      ratioToTorch: secondsPerEpoch / torch.secondsPerEpoch,
    }),
    ...(torchNote && { torchSkipped: torchNote }),
    measuredAt: new Date().toISOString(),
  };
  if (values.out) await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
  if (quiet) {
    ctx.out(JSON.stringify(report));
    return;
  }
  ctx.out(
    `backend            ${report.backend} (${Object.entries(report.versions)
      .map(([k, v]) => `${k}@${v}`)
      .join(', ')})`,
  );
  ctx.out(
    `seconds per epoch  ${secondsPerEpoch.toFixed(3)}  (West, ${data.train.count} examples, batch ${batchSize}, one thread; median)`,
  );
  ctx.out(`fastest epoch      ${report.fastestEpochSeconds.toFixed(3)}`);
  ctx.out(`examples/s         ${report.examplesPerSecond.toFixed(0)}`);
  ctx.out(
    `GFLOP/s            ${report.gflops.toFixed(2)}  (${(report.flopsPerExample / 1e6).toFixed(2)} MFLOP per example per step)`,
  );
  if (torch) {
    ctx.out(
      `PyTorch ${torch.torchVersion}      ${torch.secondsPerEpoch.toFixed(3)} s per epoch (one thread; median), fastest ${report.torchFastestEpochSeconds!.toFixed(3)}`,
    );
    ctx.out(`ratio              ${report.ratioToTorch!.toFixed(2)}x PyTorch's time per epoch`);
  } else if (torchNote) {
    ctx.out(`PyTorch            skipped: ${torchNote}`);
  }
}
