import type { InputScale, RegionName } from '@seedsweep/crater-data';
import type { NumericFamily, TrainConfig } from '@seedsweep/trainer/config';
import type { LegacyBackendChoice } from './sweep-definition.js';

/** Dataset parameters of one trial; with the region they make the dataset's identity. */
export interface DatasetParams {
  cropScale: number;
  size: number;
  splitSeed: number;
  /** Absent for `standardise`, so keys from before input scales existed stay valid. */
  inputScale?: Exclude<InputScale, 'standardise'>;
  /** Present for `minmax` only, so other scales' keys do not depend on it. */
  minmaxRange?: [number, number];
}

/**
 * Everything that determines one training run's result. Its content key is the SHA-256 hex of
 * this object's canonical JSON (sorted keys), so two sweeps that need the same run share it.
 */
export interface TrialSpec {
  region: RegionName;
  dataset: DatasetParams & {
    /** crater-data's datasetIdentityHash for this region and these parameters. */
    identity: string;
  };
  /** Fully defaulted trainer configuration; `randomout: null` is a baseline. */
  train: TrainConfig;
  /**
   * The numeric family to train in (the sweep's `engine`): which engine of it runs is the
   * worker's choice, and results record it. Absent from the specs of trainer versions up to 4,
   * which name a tfjs `backend` instead.
   */
  numerics?: NumericFamily;
  backend?: LegacyBackendChoice;
  trainerVersion: string;
}

export interface Trial {
  /** SHA-256 hex (64 characters) of the spec's canonical JSON. */
  key: string;
  spec: TrialSpec;
}

/** The values of one group's non-(tau, P) parameters. */
export interface GroupAxes {
  inputScale: InputScale;
  epochs: number;
  learningRate: number;
  batchSize: number;
  dataSeed: number;
  cgn: 'l1' | 'sum';
  checkEvery: 'batch' | 'epoch';
  minTrainLoss: number | null;
}

/**
 * One (tau, P) heatmap: a region and one combination of every other axis. Baselines depend only
 * on the region and the training axes, so groups that differ only in RandomOut's other axes
 * (cgn, checkEvery, minTrainLoss) share their baseline keys.
 */
export interface GridGroup {
  /** Stable and readable, e.g. "East" or "East lr=0.05 cgn=sum"; names only the axes that vary. */
  id: string;
  region: RegionName;
  axes: GroupAxes;
  taus: number[];
  activePercents: number[];
  seeds: number[];
  /** baseline[s] is the baseline trial key of seeds[s]. */
  baseline: string[];
  /** cells[t][p][s] is the key of (taus[t], activePercents[p], seeds[s]). */
  cells: string[][][];
}

export interface SweepPlan {
  /** Unique trials in enqueue order: seeds outermost, so early results cover every cell. */
  trials: Trial[];
  groups: GridGroup[];
  /** Names of the axes with more than one value (beyond tau and activePercent), for labels. */
  varyingAxes: string[];
}
