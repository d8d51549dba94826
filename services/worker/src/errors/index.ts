export { isCancellation, TRIAL_FAILURE_CODES } from './trial-failure-codes.js';
export { UnrecoverableTrialError } from './unrecoverable-trial-error.js';
export { RedisRefusalError } from './redis-refusal-error.js';
export { TrialInterruptedError } from './trial-interrupted-error.js';
