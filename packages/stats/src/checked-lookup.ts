import type { TrialLookup, TrialOutcome } from './sweep-grid.js';

/**
 * Wraps a lookup so each key is asked for once (baselines are shared by every cell of a group,
 * often by several groups) and each outcome is checked: a non-finite accuracy would otherwise
 * turn into NaN in JSON far from its cause.
 */
export function checkedLookup(lookup: TrialLookup): TrialLookup {
  const seen = new Map<string, TrialOutcome | undefined>();
  return (key) => {
    if (seen.has(key)) return seen.get(key);
    const outcome = lookup(key);
    if (outcome !== undefined) checkOutcome(key, outcome);
    seen.set(key, outcome);
    return outcome;
  };
}

function checkOutcome(key: string, outcome: TrialOutcome): void {
  if (!Number.isFinite(outcome.testAccuracy)) {
    throw new RangeError(`trial ${key}: testAccuracy must be finite, got ${outcome.testAccuracy}`);
  }
  const rate = outcome.majorityRate;
  if (rate !== null && !(rate >= 0 && rate <= 1)) {
    throw new RangeError(`trial ${key}: majorityRate must be in [0, 1] or null, got ${rate}`);
  }
}
