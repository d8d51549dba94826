import { parseArgs } from 'node:util';
import {
  choiceFlag,
  createProgress,
  integerFlag,
  numberFlag,
  numberPairFlag,
} from '@seedsweep/command-line';
import { INPUT_SCALES, REGIONS, type RegionName } from '@seedsweep/crater-data';
import {
  ENGINE_CHOICES,
  InvalidTrainConfigError,
  parseTrainConfig,
  selectEngine,
  train,
  TRAINING_DEFAULTS,
  type TrainConfig,
} from '@seedsweep/trainer';
import type { CommandContext } from '../command.js';
import { loadPreparedRegion } from '../dataset.js';
import { UsageError } from '../usage-error.js';

export const trainHelp = `Usage: seedsweep train --region <West|Center|East> [options]

Trains the crater CNN once and prints the result as JSON (last line of stdout).

Run:
  --region R            West, Center or East (required)
  --seed N              initialisation seed (default 0)
  --epochs N            default ${TRAINING_DEFAULTS.epochs}
  --lr X                learning rate of plain SGD (default ${TRAINING_DEFAULTS.learningRate})
  --batch-size N        default ${TRAINING_DEFAULTS.batchSize}
  --data-seed N         seed of the per-epoch data order (default ${TRAINING_DEFAULTS.dataSeed})
RandomOut (off unless --tau and --p are given):
  --tau X               re-initialise a filter when |CGN| < tau
  --p X                 percent of the epochs during which checks run (0-100)
  --cgn l1|sum          gradient norm (default l1)
  --check-every batch|epoch   (default batch)
  --min-train-loss X    only while the previous epoch's mean loss is above X
Data:
  --crop-scale X        crop side as a multiple of the candidate size (default 2)
  --size N              example side in pixels (default 15)
  --split-seed N        seed of the train/test split (default 1)
  --input-scale S       standardise (per crop, the default), minmax (per crop, to a range),
                        unit (grey / 255) or raw (grey levels 0-255)
  --minmax-range LO,HI  the range of minmax (default 0,150, the authors' scaling)
Output:
  --engine E            auto, native, wasm or tfjs (default: SEEDSWEEP_ENGINE or auto);
                        native and wasm give the same result, tfjs a result of its own
  --code-path P         the native engine's instruction set: avx512, avx2 or sse
                        (default: the widest this CPU runs; all give the same result)
  --json                print only the JSON result`;

const FLAG_OF_FIELD: Record<string, string> = {
  seed: '--seed',
  dataSeed: '--data-seed',
  epochs: '--epochs',
  learningRate: '--lr',
  batchSize: '--batch-size',
  'randomout.tau': '--tau',
  'randomout.activePercent': '--p',
  'randomout.cgn': '--cgn',
  'randomout.checkEvery': '--check-every',
  'randomout.minTrainLoss': '--min-train-loss',
};

const options = {
  region: { type: 'string' },
  seed: { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  'batch-size': { type: 'string' },
  'data-seed': { type: 'string' },
  tau: { type: 'string' },
  p: { type: 'string' },
  cgn: { type: 'string' },
  'check-every': { type: 'string' },
  'min-train-loss': { type: 'string' },
  'crop-scale': { type: 'string' },
  size: { type: 'string' },
  'split-seed': { type: 'string' },
  'input-scale': { type: 'string' },
  'minmax-range': { type: 'string' },
  engine: { type: 'string' },
  'code-path': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function trainCommand(args: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({ args, options, strict: true });
  const region = choiceFlag(values, 'region', REGIONS);
  if (!region) throw new UsageError(`--region is required (${REGIONS.join(', ')})`);
  const config = configFromFlags(values);
  const engineChoice = choiceFlag(values, 'engine', ENGINE_CHOICES) ?? ctx.env.engine;
  const quiet = values.json === true;
  const log = quiet ? () => {} : ctx.log;

  const data = await loadPreparedRegion(
    ctx.env,
    region as RegionName,
    {
      cropScale: numberFlag(values, 'crop-scale'),
      size: integerFlag(values, 'size'),
      splitSeed: integerFlag(values, 'split-seed'),
      inputScale: choiceFlag(values, 'input-scale', INPUT_SCALES),
      minmaxRange: numberPairFlag(values, 'minmax-range'),
    },
    log,
  );
  const engine = await selectEngine(engineChoice, { codePath: values['code-path'] });
  const mode = config.randomout
    ? `RandomOut tau=${config.randomout.tau} P=${config.randomout.activePercent}%`
    : 'baseline';
  log(
    `training ${region} seed ${config.seed} (${mode}) on ${engine.name} (${engine.codePath}): ${data.train.count} train / ${data.test.count} test examples, inputs ${describeScaling(data.identity)}`,
  );

  const progress = createProgress('epoch', config.epochs, ctx.stderr, quiet);
  let result;
  try {
    result = await train(config, data, {
      signal: ctx.signal,
      onEpoch: (p) => {
        const loss = p.trainLoss === null ? 'non-finite' : p.trainLoss.toFixed(4);
        const reinit = p.reinitializations.conv1 + p.reinitializations.conv2;
        progress.update(p.epoch, `loss ${loss}${config.randomout ? ` reinit ${reinit}` : ''}`);
      },
    });
  } finally {
    progress.stop();
  }
  if (!quiet) {
    const verdict = result.diverged ? ` (diverged in epoch ${result.divergedAtEpoch})` : '';
    log(
      `test accuracy ${(result.testAccuracy * 100).toFixed(2)}%${verdict} in ${(result.durationMs / 1000).toFixed(1)} s`,
    );
  }
  ctx.out(JSON.stringify({ region, ...result }));
}

function describeScaling(identity: { inputScale?: string; minmaxRange?: [number, number] }) {
  const scale = identity.inputScale ?? 'standardise';
  return identity.minmaxRange ? `${scale} [${identity.minmaxRange.join(', ')}]` : scale;
}

function configFromFlags(values: Record<string, unknown>): TrainConfig {
  const tau = numberFlag(values, 'tau');
  const p = numberFlag(values, 'p');
  const randomOutFlags = ['cgn', 'check-every', 'min-train-loss'].filter(
    (f) => values[f] !== undefined,
  );
  if ((tau === undefined) !== (p === undefined)) {
    throw new UsageError(
      '--tau and --p go together: give both to train with RandomOut, neither for the baseline',
    );
  }
  if (tau === undefined && randomOutFlags.length > 0) {
    throw new UsageError(`--${randomOutFlags[0]} needs RandomOut: give --tau and --p too`);
  }
  const input = {
    seed: integerFlag(values, 'seed') ?? 0,
    dataSeed: integerFlag(values, 'data-seed'),
    epochs: integerFlag(values, 'epochs'),
    learningRate: numberFlag(values, 'lr'),
    batchSize: integerFlag(values, 'batch-size'),
    randomout:
      tau === undefined
        ? null
        : {
            tau,
            activePercent: p,
            cgn: values.cgn,
            checkEvery: values['check-every'],
            minTrainLoss: numberFlag(values, 'min-train-loss') ?? null,
          },
  };
  try {
    return parseTrainConfig(input);
  } catch (error) {
    if (!(error instanceof InvalidTrainConfigError)) throw error;
    const first = error.issues[0]!;
    throw new UsageError(`${FLAG_OF_FIELD[first.path] ?? first.path}: ${first.message}`);
  }
}
