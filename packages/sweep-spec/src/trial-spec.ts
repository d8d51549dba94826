import {
  DEFAULT_INPUT_SCALE,
  datasetIdentity,
  datasetIdentityHash,
  type InputScale,
  type RegionName,
} from '@seedsweep/crater-data';
import {
  BACKEND_KEYED_VERSIONS,
  parseTrainConfig,
  type NumericFamily,
} from '@seedsweep/trainer/config';
import type { LegacyBackendChoice } from './sweep-definition.js';
import type { DatasetDefinition } from './sweep-definition.js';
import type { GroupAxes, Trial, TrialSpec } from './sweep-plan.js';
import { trialKeysBySeed } from './trial-key.js';

/** What every trial of one group shares. */
export interface GroupContext {
  region: RegionName;
  dataset: TrialSpec['dataset'];
  axes: GroupAxes;
  engine: NumericFamily;
  /** The definition's tfjs backend, for keys of trainer versions up to 4. */
  legacyBackend?: LegacyBackendChoice;
  trainerVersion: string;
}

export function trialDataset(
  region: RegionName,
  params: DatasetDefinition,
  inputScale: InputScale,
): TrialSpec['dataset'] {
  const { cropScale, size, splitSeed, minmaxRange } = params;
  const identity = datasetIdentity(region, { cropScale, size, splitSeed, inputScale, minmaxRange });
  return {
    cropScale,
    size,
    splitSeed,
    ...(identity.inputScale && { inputScale: identity.inputScale }),
    ...(identity.minmaxRange && { minmaxRange: identity.minmaxRange }),
    identity: datasetIdentityHash(identity),
  };
}

/**
 * One run. `cell` null is the baseline. The trainer fills in and checks its own config, so the
 * key covers every default the run will use: a later change of a trainer default gives new keys
 * instead of silently reusing results computed under the old one.
 */
export function trialSpec(
  group: GroupContext,
  seed: number,
  cell: { tau: number; activePercent: number } | null,
): TrialSpec {
  const { epochs, learningRate, batchSize, dataSeed, cgn, checkEvery, minTrainLoss } = group.axes;
  const randomout = cell && { ...cell, cgn, checkEvery, minTrainLoss };
  return {
    region: group.region,
    dataset: group.dataset,
    train: parseTrainConfig({ seed, dataSeed, epochs, learningRate, batchSize, randomout }),
    ...engineField(group),
    trainerVersion: group.trainerVersion,
  };
}

/**
 * The spec's engine field: the numeric family, or for a trainer version up to 4 the tfjs
 * backend its specs named, so that planning at that version rebuilds its stored keys.
 */
function engineField(group: GroupContext): Pick<TrialSpec, 'numerics' | 'backend'> {
  if (BACKEND_KEYED_VERSIONS.includes(group.trainerVersion)) {
    return { backend: group.legacyBackend ?? 'auto' };
  }
  return { numerics: group.engine };
}

/**
 * The trials of one group and cell (null: the baseline), one per seed. They differ only in the
 * seed, which the definition validated with the trainer's own seed rule, so the trainer's
 * config is built once and the key text serialised once.
 */
export function seedSeries(
  group: GroupContext,
  cell: { tau: number; activePercent: number } | null,
  seeds: readonly number[],
): Trial[] {
  const template = trialSpec(group, seeds[0] ?? 0, cell);
  const keyOf = trialKeysBySeed(template);
  return seeds.map((seed) => ({
    key: keyOf(seed),
    spec: { ...template, train: { ...template.train, seed } },
  }));
}

/** A trial's input scale: specs leave out `standardise`, so keys from before scales held. */
export function inputScaleOf(spec: Pick<TrialSpec, 'dataset'>): InputScale {
  return spec.dataset.inputScale ?? DEFAULT_INPUT_SCALE;
}
