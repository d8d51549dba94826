export { TrainerError } from './trainer-error.js';
export { InvalidTrainConfigError, type ConfigIssue } from './invalid-train-config-error.js';
export { EngineUnavailableError } from './engine-unavailable-error.js';
export { TrainingAbortedError } from './training-aborted-error.js';
export { InvalidCheckpointError } from './invalid-checkpoint-error.js';
