export {
  TRIAL_QUEUE,
  TRIAL_JOB_NAME,
  trialJobId,
  trialKeyOfJobId,
  trialJobData,
  trialJobDataShape,
  OWNER_NAME,
  type TrialJobData,
  type TrialJobResult,
  type TrialProgress,
} from './trial-job.js';
export {
  createTrialQueue,
  bullPrefix,
  trialJobRedisKey,
  TRIAL_JOB_OPTIONS,
  type TrialQueue,
  type TrialQueueOptions,
} from './trial-queue.js';
export {
  TrialEnqueuer,
  ADD_BULK_CHUNK,
  type EnqueueOutcome,
  type RetryFailed,
} from './trial-enqueuer.js';
export { TrialCanceller, type CancelOutcome } from './trial-canceller.js';
export { subscribeToCancellations } from './cancel-subscription.js';
export {
  TrialReconciler,
  type ReconcileOutcome,
  type TrialReconcilerOptions,
} from './trial-reconciler.js';
export {
  FairShareSchedule,
  PRIORITY_LIMIT,
  PRIORITY_WEIGHTS,
  trialCost,
  type FairShareSweep,
} from './fair-share-schedule.js';
export { currentVirtualTime } from './virtual-clock.js';
export { jobsAhead } from './jobs-ahead.js';
