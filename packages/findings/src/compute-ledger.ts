/** What a result records about how it was obtained (a store TrialRecord has these fields). */
export interface TrainingRecord {
  epochsRun: number;
  durationMs: number;
  derivedFrom?: string | null;
  resumedFrom?: { key: string; epoch: number } | null;
}

/** How a sweep's results were obtained, against training every trial from the start. */
export interface ComputeLedger {
  trials: number;
  /** Trained from epoch 0. */
  full: number;
  /** Continued from their baseline's state at the first epoch RandomOut could fire in. */
  resumed: number;
  /** Taken from their baseline: RandomOut provably never fired. */
  derived: number;
  /** Epochs trained, and the epochs training every trial from the start would have taken. */
  epochsTrained: number;
  epochsNaive: number;
  /** Measured training time (wall clock of each trial's own process) in core-hours. */
  coreHours: number;
  /**
   * The same time scaled to the naive epoch count at this sweep's measured seconds per epoch:
   * what the sweep would have cost without resuming and deriving.
   */
  naiveCoreHours: number;
}

/**
 * Sums the records of one sweep. `epochsOf` gives a trial's configured epochs: a derived or
 * resumed trial would have trained all of them from the start.
 */
export function computeLedger(
  records: readonly (TrainingRecord & { epochs: number })[],
): ComputeLedger {
  let full = 0;
  let resumed = 0;
  let derived = 0;
  let epochsTrained = 0;
  let epochsNaive = 0;
  let ms = 0;
  for (const r of records) {
    epochsNaive += r.epochs;
    ms += r.durationMs;
    if (r.derivedFrom) derived++;
    else if (r.resumedFrom) {
      resumed++;
      epochsTrained += Math.max(0, r.epochsRun - r.resumedFrom.epoch);
    } else {
      full++;
      epochsTrained += r.epochsRun;
    }
  }
  const coreHours = ms / 3_600_000;
  const perEpoch = epochsTrained === 0 ? 0 : coreHours / epochsTrained;
  return {
    trials: records.length,
    full,
    resumed,
    derived,
    epochsTrained,
    epochsNaive,
    coreHours,
    naiveCoreHours: perEpoch * epochsNaive,
  };
}
