import type { GridGroup, SweepPlan } from '@seedsweep/sweep-spec';
import { GridLookupError, type GridLookupMiss } from './grid-lookup-error.js';
import { cellKeys, checkGroupShape } from './plan-keys.js';
import type { TrialLookup } from './sweep-grid.js';

export interface SeedAccuracy {
  seed: number;
  /** Test accuracy (fraction) of the seed's baseline; null while it has no result. */
  baseline: number | null;
  /** Test accuracy (fraction) with RandomOut at this (tau, P); null while it has no result. */
  treatment: number | null;
}

/**
 * Every seed's baseline and treatment accuracy in one cell, in the plan's seed order (the data
 * of the paper's Figure 4). tau and activePercent are matched exactly against the plan's values.
 * Throws GridLookupError (code UNKNOWN_CELL) when the group, tau or P is not in the plan.
 */
export function seedAccuracies(
  plan: SweepPlan,
  groupId: string,
  tau: number,
  activePercent: number,
  lookup: TrialLookup,
): SeedAccuracy[] {
  const miss = (missing: GridLookupMiss, message: string) =>
    new GridLookupError(missing, groupId, tau, activePercent, message);
  const group = plan.groups.find((g) => g.id === groupId);
  if (group === undefined) {
    throw miss(
      'group',
      `no group '${groupId}' in the plan (groups: ${list(plan.groups.map((g) => g.id))})`,
    );
  }
  const t = group.taus.indexOf(tau);
  if (t < 0) throw miss('tau', `group '${groupId}' has no tau ${tau} (taus: ${list(group.taus)})`);
  const p = group.activePercents.indexOf(activePercent);
  if (p < 0) {
    throw miss(
      'activePercent',
      `group '${groupId}' has no P ${activePercent} (P: ${list(group.activePercents)})`,
    );
  }
  return cellSeeds(group, t, p, lookup);
}

function cellSeeds(group: GridGroup, t: number, p: number, lookup: TrialLookup): SeedAccuracy[] {
  checkGroupShape(group);
  const treatments = cellKeys(group, t, p);
  return group.seeds.map((seed, s) => ({
    seed,
    baseline: accuracyOf(lookup, group.baseline[s]),
    treatment: accuracyOf(lookup, treatments[s]),
  }));
}

function accuracyOf(lookup: TrialLookup, key: string | undefined): number | null {
  const outcome = key === undefined ? undefined : lookup(key);
  if (outcome === undefined) return null;
  if (!Number.isFinite(outcome.testAccuracy)) {
    throw new RangeError(`trial ${key}: testAccuracy must be finite, got ${outcome.testAccuracy}`);
  }
  return outcome.testAccuracy;
}

function list(values: readonly (string | number)[]): string {
  return values.length === 0 ? 'none' : values.map(String).join(', ');
}
