export { train, type TrainOptions } from './train.js';
export {
  matchesBaseline,
  firstPossibleFiring,
  type BaselineHistory,
} from './baseline-equivalence.js';
export {
  encodeCheckpoint,
  decodeCheckpoint,
  dependentsNeed,
  type TrainCheckpoint,
  type CheckpointPolicy,
} from './train-checkpoint.js';
export {
  parseTrainConfig,
  trainConfigSchema,
  randomOutSchema,
  TRAINING_DEFAULTS,
  type TrainConfig,
  type TrainConfigInput,
  type RandomOutConfig,
} from './train-config.js';
export type { TrainResult, EpochProgress, LayerCounts, Reinitializations } from './train-result.js';
export type { TrainingData, ExampleSet } from './training-data.js';
export {
  selectBackend,
  currentBackend,
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendName,
  type BackendInfo,
} from './backend.js';
export { TRAINER_VERSION } from './trainer-version.js';
export { CRATER_CNN } from './crater-cnn.js';
export * from './errors/index.js';
