/**
 * `@seedsweep/trainer/config`: what planning a sweep needs of the trainer (its configuration,
 * version and engine names, and the rule for which RandomOut trials a baseline proves equal to
 * it) without the training runtime. The API and the aggregator import this, never the package's
 * root, so they load neither TensorFlow.js nor any kernels.
 */
export {
  parseTrainConfig,
  trainConfigSchema,
  randomOutSchema,
  TRAINING_DEFAULTS,
  type TrainConfig,
  type TrainConfigInput,
  type RandomOutConfig,
} from './train-config.js';
export {
  matchesBaseline,
  firstPossibleFiring,
  type BaselineHistory,
} from './baseline-equivalence.js';
export { activeEpochsOf, isActiveEpoch } from './random-out-schedule.js';
export {
  ENGINE_CHOICES,
  KERNELS_ENGINE_CHOICES,
  NUMERIC_FAMILIES,
  numericFamilyOf,
  retiredEngineVariables,
  type EngineChoice,
  type KernelsEngineChoice,
  type EngineName,
  type NumericFamily,
} from './engine-choice.js';
/** The tfjs backends of trainer versions up to 4, named by their trial specs. */
export const LEGACY_BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export { TRAINER_VERSION, BACKEND_KEYED_VERSIONS } from './trainer-version.js';
export type { TrainResult, LayerCounts, Reinitializations } from './train-result.js';
export * from './errors/index.js';
