// The root adds the training runtime to what planning needs (./config.js, its own subpath).
export * from './config.js';
export { train, type TrainOptions } from './train.js';
export {
  encodeCheckpoint,
  decodeCheckpoint,
  dependentsNeed,
  type TrainCheckpoint,
  type CheckpointPolicy,
} from './train-checkpoint.js';
export type { EpochProgress } from './train-result.js';
export type { TrainingData, ExampleSet } from './training-data.js';
export {
  selectEngine,
  currentEngine,
  initEngine,
  type Engine,
  type EngineInfo,
  type EngineOptions,
} from './engine.js';
export { nativeCodePaths, measureCorePeak, type CorePeak } from './native-kernel-engine.js';
export { CRATER_CNN } from './crater-model.js';
