import type { GroupAxes } from '@seedsweep/sweep-spec';
import type { PairedSummary } from './paired-summary.js';

/** What the grid needs of one trial's result, as the worker records it. */
export interface TrialOutcome {
  testAccuracy: number;
  diverged: boolean;
  /** Fraction of the majority class in the trial's test set; null if not recorded. */
  majorityRate: number | null;
}

/** The result of a trial by its key; undefined while the trial has not finished. */
export type TrialLookup = (key: string) => TrialOutcome | undefined;

/** The paired statistics of one (tau, P) cell of a group. */
export interface CellStats extends PairedSummary {
  tau: number;
  activePercent: number;
  /** Treatment results present, paired or not. */
  done: number;
  /** Mean accuracy over every done treatment run, paired or not. */
  meanAccuracy: number | null;
}

export interface BaselineStats {
  done: number;
  meanAccuracy: number | null;
  sd: number | null;
  /**
   * Done baselines at or below the group's failure threshold: seeds that lost the lottery and
   * ended at chance. Not trials that errored: those have no result and are not counted here.
   */
  atChance: number;
  diverged: number;
}

/** One heatmap: a plan group with its cells in plan order, cells[tauIndex][pIndex]. */
export interface GroupGrid {
  id: string;
  region: string;
  axes: GroupAxes;
  taus: number[];
  activePercents: number[];
  seeds: number[];
  /** The majority-class rate of the group's test set, from its baselines' results. */
  majorityRate: number | null;
  /** majorityRate + margin; null while unknown. */
  failureThreshold: number | null;
  baseline: BaselineStats;
  cells: CellStats[][];
}

export interface SweepGrid {
  /** Unique trials of the plan, and how many of them have results. */
  trials: { total: number; done: number };
  groups: GroupGrid[];
}
