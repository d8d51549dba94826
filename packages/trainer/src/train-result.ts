import type { EngineName, NumericFamily } from './engine-choice.js';
import type { TrainConfig } from './train-config.js';

export interface LayerCounts {
  conv1: number;
  conv2: number;
}

export interface Reinitializations extends LayerCounts {
  total: number;
  /** Per epoch, in order; epochs after a divergence are absent. */
  perEpoch: LayerCounts[];
}

/**
 * The outcome of one training run. JSON-safe by construction: every number is finite;
 * what could not be computed (a loss that became NaN) is null.
 */
export interface TrainResult {
  testAccuracy: number;
  /** Mean training loss per epoch run; null where it was not finite. */
  trainLoss: (number | null)[];
  epochsRun: number;
  diverged: boolean;
  /** 1-based epoch in which a loss or weight stopped being finite. */
  divergedAtEpoch: number | null;
  reinitializations: Reinitializations;
  /**
   * Smallest l1 CGN over all filters and mini-batches, per epoch; in every run, whichever norm
   * its RandomOut checks (what baselines are judged by for `cgn: 'l1'`).
   */
  minAbsCgn: (number | null)[];
  /** Smallest |sum CGN| over all filters and mini-batches, per epoch; likewise for `cgn: 'sum'`. */
  minAbsSumCgn: (number | null)[];
  weightsHash: string;
  /** The engine that ran, its numeric family (part of the trial key) and its code path. */
  engine: EngineName;
  numerics: NumericFamily;
  codePath: string;
  versions: Record<string, string>;
  durationMs: number;
  /** The epoch a resumed run started from (its checkpoint's); null when trained from the start. */
  resumedFromEpoch: number | null;
  config: TrainConfig;
  dataset: { identityHash: string | null; trainCount: number; testCount: number; size: number };
}

export interface EpochProgress {
  /** 1-based. */
  epoch: number;
  epochs: number;
  trainLoss: number | null;
  reinitializations: LayerCounts;
  elapsedMs: number;
}
