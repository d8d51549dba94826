export { TrainerError } from './trainer-error.js';
export { InvalidTrainConfigError, type ConfigIssue } from './invalid-train-config-error.js';
export { BackendUnavailableError } from './backend-unavailable-error.js';
export { TrainingAbortedError } from './training-aborted-error.js';
export { InvalidCheckpointError } from './invalid-checkpoint-error.js';
