export { SweepSpecError } from './sweep-spec-error.js';
export { InvalidSweepError, type SweepIssue } from './invalid-sweep-error.js';
export { SweepTooLargeError, type TrialFactor } from './sweep-too-large-error.js';
