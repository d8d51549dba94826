/**
 * What an API key may have outstanding at once; 0 means unlimited. The deployment's defaults
 * (QUOTA_MAX_* in env.ts) apply to keys whose entry does not set their own.
 */
export interface KeyQuota {
  /** Trials of its live sweeps not yet finished, the sweep being submitted included. */
  maxQueuedTrials: number;
  /** Estimated core-hours of those trials (the dry run's upper estimate). */
  maxCoreHours: number;
  /** Trials of its sweeps in training at once, over all workers (a worker slot each). */
  maxWorkers: number;
}

/**
 * Catch mistakes, not ration: one sweep of the largest size (MAX_TRIALS, 100,000 trials) of 150
 * epochs (about 310 core-hours on the default seconds per epoch) fits, and the paper's grid
 * (2,100 trials of 150 epochs, 6.6 core-hours) about 150 times over, but 100,000 trials of
 * 100,000 epochs (some 208,000 core-hours) do not. Workers are shared by fair share unless a
 * key's entry says otherwise.
 */
export const DEFAULT_KEY_QUOTA: Readonly<KeyQuota> = {
  maxQueuedTrials: 100_000,
  maxCoreHours: 1_000,
  maxWorkers: 0,
};
