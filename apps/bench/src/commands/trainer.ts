import { integerFlag } from '@seedsweep/command-line';
import {
  runTrainerBenchmark,
  type TrainerBenchOptions,
  type TrainerBenchReport,
} from '../trainer-bench.js';
import { benchCommand, type Benchmark } from './bench-command.js';

const help = `Usage: seedsweep bench trainer [options]

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

export const trainerBenchmark: Benchmark<TrainerBenchOptions, TrainerBenchReport> = {
  help,
  flags: {
    engines: { type: 'string' },
    rounds: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    'torch-script': { type: 'string' },
    'no-torch': { type: 'boolean' },
  },
  options: (values) => ({
    epochs: integerFlag(values, 'epochs'),
    rounds: integerFlag(values, 'rounds'),
    batchSize: integerFlag(values, 'batch-size'),
    engines: (values.engines as string | undefined)?.split(',').map((name) => name.trim()),
    torchScript: values['torch-script'] as string | undefined,
    torch: values['no-torch'] !== true,
  }),
  run: runTrainerBenchmark,
  text: trainerText,
};

export const trainerCommand = benchCommand(trainerBenchmark);

function trainerText(report: TrainerBenchReport, out: (line: string) => void): void {
  const { peak, torch } = report;
  out(
    `CPU ${report.cpu}, one thread; West, ${report.examples} examples, batch ${report.batchSize}`,
  );
  if (peak) {
    out(
      `core peak (${peak.lanes} lanes): ${peak.mulAddGflops.toFixed(0)} GFLOP/s multiply+add` +
        (peak.fmaGflops ? `, ${peak.fmaGflops.toFixed(0)} GFLOP/s fused multiply-add` : ''),
    );
  }
  out('');
  out(
    `${'engine'.padEnd(22)}${'s/epoch'.padStart(9)}${'fastest'.padStart(9)}${'GFLOP/s'.padStart(9)}${'of peak'.padStart(9)}${'vs PyTorch'.padStart(12)}`,
  );
  for (const row of report.engines) {
    out(
      `${`${row.engine} (${row.codePath})`.padEnd(22)}${fixed(row.secondsPerEpoch, 3, 9)}${fixed(row.fastestEpochSeconds, 3, 9)}${fixed(row.gflops, 1, 9)}${percent(row.shareOfMulAddPeak, 9)}${row.ratioToTorch === null ? ''.padStart(12) : `${row.ratioToTorch.toFixed(2)}x`.padStart(12)}`,
    );
  }
  if (torch) {
    out(
      `${`PyTorch ${torch.torchVersion}`.padEnd(22)}${fixed(torch.secondsPerEpoch, 3, 9)}${fixed(torch.fastestEpochSeconds, 3, 9)}${fixed(torch.gflops, 1, 9)}${percent(torch.shareOfMulAddPeak, 9)}${'1.00x'.padStart(12)}`,
    );
    out(`PyTorch's BLAS: ${torch.blas}`);
    if (!/openblas|mkl/i.test(torch.blas)) {
      out(
        'PyTorch runs on the reference BLAS, several times slower than on OpenBLAS: apt-get install libopenblas0-pthread for a fair peer',
      );
    }
  } else if (report.torchSkipped) {
    out(`PyTorch: ${report.torchSkipped}`);
  }
  out('');
  out('s/epoch is the median of the measured epochs; "of peak" is of the multiply+add peak.');
}

function fixed(value: number, digits: number, width: number): string {
  return value.toFixed(digits).padStart(width);
}

function percent(share: number | null, width: number): string {
  return (share === null ? '-' : `${(share * 100).toFixed(0)}%`).padStart(width);
}
