import { describe, expect, it } from 'vitest';
import { GridLookupError, seedAccuracies, type TrialOutcome } from '../src/index.js';
import {
  baselineKey,
  cellKey,
  lookupOf,
  makePlan,
  outcome,
  type GroupFixture,
} from './plan-fixture.js';

const west: GroupFixture = {
  id: 'West',
  region: 'West',
  taus: [1e-12],
  activePercents: [90],
  seeds: [9, 3, 5],
};
const plan = makePlan([west]);

describe('seedAccuracies', () => {
  it('lists every seed in plan order, null where a run has no result', () => {
    const results = new Map<string, TrialOutcome>([
      [baselineKey(west, 9), outcome(0.9)],
      [baselineKey(west, 5), outcome(0.6)],
      [cellKey(west, 1e-12, 90, 9), outcome(0.92)],
      [cellKey(west, 1e-12, 90, 3), outcome(0.88)],
    ]);
    expect(seedAccuracies(plan, 'West', 1e-12, 90, lookupOf(results))).toEqual([
      { seed: 9, baseline: 0.9, treatment: 0.92 },
      { seed: 3, baseline: null, treatment: 0.88 },
      { seed: 5, baseline: 0.6, treatment: null },
    ]);
  });

  it.each([
    ['East', 1e-12, 90, 'group', /no group 'East'.*groups: West/],
    ['West', 1e-8, 90, 'tau', /no tau 1e-8.*taus: 1e-12/],
    ['West', 1e-12, 60, 'activePercent', /no P 60.*P: 90/],
  ] as const)('throws UNKNOWN_CELL for %s / %d / %d', (group, tau, p, missing, message) => {
    const call = () => seedAccuracies(plan, group, tau, p, () => undefined);
    expect(call).toThrow(GridLookupError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'UNKNOWN_CELL',
        missing,
        groupId: group,
        tau,
        activePercent: p,
      });
    }
  });
});
