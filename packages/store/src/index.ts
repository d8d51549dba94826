export {
  SweepStore,
  type SweepStoreOptions,
  type StoreCounters,
  type TrialState,
} from './sweep-store.js';
export { StoreKeys } from './store-keys.js';
export { PlanCache } from './plan-cache.js';
export { IdempotencyKeys, type IdempotencyClaim } from './idempotency-keys.js';
export type {
  NewSweep,
  StoredGrid,
  SweepAdmission,
  SweepLifecycle,
  SweepRecord,
} from './sweep-record.js';
export { OwnerUsage, type OwnerUsageFigures } from './owner-usage.js';
export { OwnerLock, type OwnerLockOptions } from './owner-lock.js';
export { WorkerHolds, type HoldOutcome } from './worker-holds.js';
export {
  summarise,
  type TrialFailure,
  type TrialRecord,
  type TrialSummary,
} from './trial-record.js';
export {
  describeFailure,
  failureClassOf,
  failureCodeOf,
  oneLineReason,
  redisRefusalCode,
  type DescribedFailure,
  type FailureClass,
} from './trial-failure.js';
export type { LayerCounts } from './layer-counts.js';
export type { StoreEvent } from './store-event.js';
export { StoreError } from './errors/store-error.js';
export { RedisUnfitError } from './errors/redis-unfit-error.js';
export { OwnerBusyError } from './errors/owner-busy-error.js';
export {
  checkRedisServer,
  isRedisOutOfMemory,
  type RedisServerReport,
} from './redis-server-check.js';
