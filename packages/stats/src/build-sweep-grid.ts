import type { SweepPlan } from '@seedsweep/sweep-spec';
import { checkedLookup } from './checked-lookup.js';
import { buildGroupGrid } from './group-grid.js';
import { planTrialKeys } from './plan-keys.js';
import type { SweepGrid, TrialLookup } from './sweep-grid.js';

/** Added to the majority-class rate to make a group's failure threshold (2 percentage points). */
export const DEFAULT_FAILURE_MARGIN = 0.02;

export interface SweepGridOptions {
  /**
   * A baseline at or below majorityRate + margin failed; a treatment run more than margin below
   * its baseline was harmed. Default DEFAULT_FAILURE_MARGIN.
   */
  margin?: number;
}

/**
 * The statistics of every (group, tau, P) cell of a plan from the results found so far. A pure
 * function of the plan and the lookup: the same results give a deep-equal grid whatever order
 * they arrived in.
 */
export function buildSweepGrid(
  plan: SweepPlan,
  lookup: TrialLookup,
  options: SweepGridOptions = {},
): SweepGrid {
  const margin = options.margin ?? DEFAULT_FAILURE_MARGIN;
  if (!(margin >= 0) || !Number.isFinite(margin)) {
    throw new RangeError(`margin must be a finite number >= 0, got ${margin}`);
  }
  const results = checkedLookup(lookup);
  const keys = [...planTrialKeys(plan)];
  return {
    trials: { total: keys.length, done: keys.filter((key) => results(key) !== undefined).length },
    groups: plan.groups.map((group) => buildGroupGrid(group, results, margin)),
  };
}
