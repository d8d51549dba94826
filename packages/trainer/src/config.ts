/**
 * `@seedsweep/trainer/config`: what planning a sweep needs of the trainer (its configuration,
 * version and backend names, and the rule for which RandomOut trials a baseline proves equal to
 * it) without the training runtime. The API and the aggregator import this, never the package's
 * root, so they load neither TensorFlow.js nor the kernels' WebAssembly.
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
export { BACKEND_CHOICES, type BackendChoice } from './backend-choice.js';
export { TRAINER_VERSION } from './trainer-version.js';
export type { TrainResult, LayerCounts, Reinitializations } from './train-result.js';
export * from './errors/index.js';
