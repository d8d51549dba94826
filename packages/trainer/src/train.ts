import { setImmediate as nextTick } from 'node:timers/promises';
import { RandomStream } from '@seedsweep/prng';
import type { CgnNorm, CraterModel } from './crater-model.js';
import { currentEngine, type Engine, type EngineInfo } from './engine.js';
import { InvalidCheckpointError, TrainingAbortedError } from './errors/index.js';
import { RandomOut } from './random-out.js';
import { checkResumable, type CheckpointPolicy, type TrainCheckpoint } from './train-checkpoint.js';
import { parseTrainConfig, type TrainConfig } from './train-config.js';
import { ImageBatch } from './image-batch.js';
import type { EpochProgress, LayerCounts, TrainResult } from './train-result.js';
import type { ExampleSet, TrainingData } from './training-data.js';
import { TRAINER_VERSION } from './trainer-version.js';

export interface TrainOptions {
  onEpoch?: (progress: EpochProgress) => void;
  signal?: AbortSignal;
  /**
   * Continue from this state instead of starting afresh: a baseline's, for a RandomOut run that
   * is the baseline until then (see firstPossibleFiring). The result is bit for bit the one
   * training from the start gives; `durationMs` counts the resumed part only.
   */
  resumeFrom?: TrainCheckpoint;
  /** Keep the states at the start of the epochs the policy wants (a baseline's, for resumes). */
  checkpoints?: CheckpointPolicy;
}

/** Where a run starts: a fresh one at epoch 0, a resumed one where its checkpoint left off. */
interface RunStart {
  epoch: number;
  dataOrder: RandomStream;
  trainLoss: (number | null)[];
  minAbsCgn: (number | null)[];
  minAbsSumCgn: (number | null)[];
  perEpoch: LayerCounts[];
}

/** PRNG stream names: changing one changes results, so bump TRAINER_VERSION with it. */
const STREAMS = { init: 'trainer/init', dataOrder: 'trainer/data-order' } as const;
// Evaluation batches: buffers sized for the largest (the dense layer's, the head's) stay for the
// whole run, so a modest size keeps a trial process small.
const EVAL_BATCH = 128;

/**
 * Trains the crater CNN once, with RandomOut when `config.randomout` is set, on the engine
 * chosen by `selectEngine` (auto when none was chosen). Deterministic: the same config and data
 * give a bit-identical result on every engine of one numeric family, on every machine.
 */
export async function train(
  configInput: unknown,
  data: TrainingData,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const config = parseTrainConfig(configInput);
  const engine = await currentEngine();
  const resume = options.resumeFrom;
  if (resume) checkResumable(resume, config, engine.info.family);
  const initStream = resume
    ? RandomStream.fromState(resume.streams.init)
    : RandomStream.derive(config.seed, STREAMS.init);
  const model = resume
    ? restoreModel(engine, resume, data.size)
    : engine.initialise(data.size, initStream);
  const start: RunStart | undefined = resume && {
    epoch: resume.epoch,
    dataOrder: RandomStream.fromState(resume.streams.dataOrder),
    trainLoss: [...resume.trainLoss],
    minAbsCgn: [...resume.minAbsCgn],
    minAbsSumCgn: [...resume.minAbsSumCgn],
    perEpoch: resume.perEpoch.map((counts) => ({ ...counts })),
  };
  try {
    return await trainModel(model, config, data, initStream, options, engine.info, start);
  } finally {
    model.dispose();
  }
}

/** The training loop on a given model; `initStream` continues into RandomOut's draws. */
export async function trainModel(
  model: CraterModel,
  config: TrainConfig,
  data: TrainingData,
  initStream: RandomStream,
  options: TrainOptions,
  engine: EngineInfo,
  start?: RunStart,
): Promise<TrainResult> {
  const started = performance.now();
  const { train: trainSet, size } = data;
  if (trainSet.count === 0) throw new RangeError('the training set is empty');
  const order = start?.dataOrder ?? RandomStream.derive(config.dataSeed, STREAMS.dataOrder);
  const randomOut = config.randomout
    ? new RandomOut(config.randomout, config.epochs, initStream)
    : null;
  const norm: CgnNorm = config.randomout?.cgn ?? 'l1';
  const batches = Math.ceil(trainSet.count / config.batchSize);
  const imageBatch = new ImageBatch(config.batchSize, size);

  const trainLoss: (number | null)[] = start?.trainLoss ?? [];
  // Every run records both norms' minima whatever norm it checks: a RandomOut run resumed from
  // its baseline inherits the baseline's early epochs, and a RandomOut run that keeps checkpoints
  // for its siblings (see the worker) saves them as the baseline's, so its history before its
  // first firing must be the baseline's, field for field.
  const minAbsCgn: (number | null)[] = start?.minAbsCgn ?? [];
  const minAbsSumCgn: (number | null)[] = start?.minAbsSumCgn ?? [];
  const perEpoch: LayerCounts[] = start?.perEpoch ?? [];
  let divergedAtEpoch: number | null = null;

  for (let epoch = start?.epoch ?? 0; epoch < config.epochs; epoch++) {
    const atStart = options.checkpoints && {
      trainerVersion: TRAINER_VERSION,
      numerics: engine.family,
      epoch,
      params: model.snapshot(),
      streams: { init: initStream.state(), dataOrder: order.state() },
      trainLoss: [...trainLoss],
      minAbsCgn: [...minAbsCgn],
      minAbsSumCgn: [...minAbsSumCgn],
      perEpoch: perEpoch.map((counts) => ({ ...counts })),
    };
    const permutation = order.permutation(trainSet.count);
    const active = randomOut?.activeIn(epoch, trainLoss.at(-1) ?? null) ?? false;
    const counts: LayerCounts = { conv1: 0, conv2: 0 };
    let lossSum = 0;
    let epochMinCgn = Infinity;
    let epochMinSumCgn = Infinity;
    for (let batch = 0; batch < batches; batch++) {
      if (options.signal?.aborted) throw new TrainingAbortedError(epoch);
      const start = batch * config.batchSize;
      const n = Math.min(config.batchSize, trainSet.count - start);
      imageBatch.fill(trainSet.x, trainSet.y, permutation, start, n);
      const { loss: batchLoss, cgn } = model.step(imageBatch, config.learningRate);
      lossSum += batchLoss * n;
      for (const value of cgn.l1) epochMinCgn = Math.min(epochMinCgn, Math.abs(value));
      for (const value of cgn.sum) epochMinSumCgn = Math.min(epochMinSumCgn, Math.abs(value));
      if (!Number.isFinite(batchLoss)) break;
      if (active && randomOut!.checksBatch(batch, batches)) {
        const fired = randomOut!.apply(model, cgn[norm]);
        counts.conv1 += fired.conv1;
        counts.conv2 += fired.conv2;
      }
    }
    const meanLoss = lossSum / trainSet.count;
    trainLoss.push(Number.isFinite(meanLoss) ? meanLoss : null);
    minAbsCgn.push(Number.isFinite(epochMinCgn) ? epochMinCgn : null);
    minAbsSumCgn.push(Number.isFinite(epochMinSumCgn) ? epochMinSumCgn : null);
    perEpoch.push(counts);
    if (atStart && options.checkpoints!.wants(epoch, { trainLoss, minAbsCgn, minAbsSumCgn })) {
      await options.checkpoints!.save(atStart);
    }
    options.onEpoch?.({
      epoch: epoch + 1,
      epochs: config.epochs,
      trainLoss: trainLoss.at(-1)!,
      reinitializations: counts,
      elapsedMs: performance.now() - started,
    });
    if (!Number.isFinite(meanLoss) || !model.allFinite()) {
      divergedAtEpoch = epoch + 1;
      break;
    }
    // Let timers, signals and progress output run between epochs.
    await nextTick();
  }

  const conv1 = perEpoch.reduce((s, c) => s + c.conv1, 0);
  const conv2 = perEpoch.reduce((s, c) => s + c.conv2, 0);
  return {
    testAccuracy: accuracy(model, data.test, size),
    trainLoss,
    epochsRun: perEpoch.length,
    diverged: divergedAtEpoch !== null,
    divergedAtEpoch,
    reinitializations: { total: conv1 + conv2, conv1, conv2, perEpoch },
    minAbsCgn,
    minAbsSumCgn,
    weightsHash: model.weightsHash(),
    engine: engine.name,
    numerics: engine.family,
    codePath: engine.codePath,
    versions: engine.versions,
    durationMs: Math.round(performance.now() - started),
    resumedFromEpoch: start?.epoch ?? null,
    config,
    dataset: {
      identityHash: data.identityHash ?? null,
      trainCount: trainSet.count,
      testCount: data.test.count,
      size,
    },
  };
}

function restoreModel(engine: Engine, checkpoint: TrainCheckpoint, inputSize: number): CraterModel {
  try {
    return engine.fromSnapshot(checkpoint.params, inputSize);
  } catch (error) {
    throw new InvalidCheckpointError((error as Error).message);
  }
}

/** Fraction of `set` classified correctly. A diverged model still predicts something. */
export function accuracy(model: CraterModel, set: ExampleSet, size: number): number {
  if (set.count === 0) return 0;
  const pixels = size * size;
  let correct = 0;
  for (let start = 0; start < set.count; start += EVAL_BATCH) {
    const n = Math.min(EVAL_BATCH, set.count - start);
    const scores = model.logits(set.x.subarray(start * pixels, (start + n) * pixels), n);
    for (let i = 0; i < n; i++) {
      // The first class on a tie or a NaN, as tf.argMax picks.
      const predicted = scores[2 * i + 1]! > scores[2 * i]! ? 1 : 0;
      if (predicted === set.y[start + i]) correct++;
    }
  }
  return correct / set.count;
}
