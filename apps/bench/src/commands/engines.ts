import { choiceFlag, integerFlag, numberFlag } from '@seedsweep/command-line';
import { INPUT_SCALES, REGIONS } from '@seedsweep/crater-data';
import {
  runEnginesBenchmark,
  type EnginesBenchOptions,
  type EnginesBenchReport,
} from '../engines-bench.js';
import { benchCommand, type Benchmark } from './bench-command.js';

const help = `Usage: seedsweep bench engines [options]

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

export const enginesBenchmark: Benchmark<EnginesBenchOptions, EnginesBenchReport> = {
  help,
  flags: {
    region: { type: 'string' },
    seeds: { type: 'string' },
    epochs: { type: 'string' },
    lr: { type: 'string' },
    'input-scale': { type: 'string' },
    'crop-scale': { type: 'string' },
    engines: { type: 'string' },
  },
  options: (values) => ({
    region: choiceFlag(values, 'region', REGIONS),
    seeds: integerFlag(values, 'seeds'),
    epochs: integerFlag(values, 'epochs'),
    learningRate: numberFlag(values, 'lr'),
    inputScale: choiceFlag(values, 'input-scale', INPUT_SCALES),
    cropScale: numberFlag(values, 'crop-scale'),
    engines: (values.engines as string | undefined)?.split(',').map((e) => e.trim()),
  }),
  run: runEnginesBenchmark,
  text: enginesText,
};

export const enginesCommand = benchCommand(enginesBenchmark);

function enginesText(report: EnginesBenchReport, out: (line: string) => void): void {
  const pct = (x: number) => `${(x * 100).toFixed(2)}`;
  out(`${report.region}, ${report.seeds} seeds, ${report.epochs} epochs, one core (${report.cpu})`);
  for (const [name, e] of Object.entries(report.engines)) {
    out(
      `${`${name} (${e.codePath})`.padEnd(22)} mean ${pct(e.meanAccuracy)}% (sd ${pct(e.sdAccuracy)}), ${e.diverged} diverged, ${e.secondsPerTrial.toFixed(1)} s a trial`,
    );
  }
  const ci = report.ci95 ? `[${pct(report.ci95[0])}, ${pct(report.ci95[1])}]` : 'n/a';
  out(
    `${report.comparison}: mean ${pct(report.meanDifference ?? 0)} points, 95% CI ${ci}, Wilcoxon p ${report.wilcoxonP?.toFixed(3) ?? 'n/a'}; per seed |difference| mean ${pct(report.meanAbsoluteDifference)}, largest ${pct(report.largestDifference)}`,
  );
  out(
    report.withinOnePoint
      ? 'the means agree within 1 point'
      : 'the means differ by more than 1 point',
  );
}
