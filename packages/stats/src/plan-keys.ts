import type { GridGroup, SweepPlan } from '@seedsweep/sweep-spec';

/**
 * Checks that a group's key arrays match its axes, so every later index is in range.
 * A mismatch is a malformed plan, not a missing result: it throws a RangeError.
 */
export function checkGroupShape(group: GridGroup): void {
  const fail = (what: string): never => {
    throw new RangeError(`plan group '${group.id}': ${what}`);
  };
  if (group.baseline.length !== group.seeds.length) {
    fail(`${group.baseline.length} baseline keys for ${group.seeds.length} seeds`);
  }
  if (group.cells.length !== group.taus.length) {
    fail(`${group.cells.length} rows of cells for ${group.taus.length} taus`);
  }
  group.cells.forEach((row, t) => {
    if (row.length !== group.activePercents.length) {
      fail(`cells[${t}] has ${row.length} entries for ${group.activePercents.length} P values`);
    }
    row.forEach((keys, p) => {
      if (keys.length !== group.seeds.length) {
        fail(`cells[${t}][${p}] has ${keys.length} keys for ${group.seeds.length} seeds`);
      }
    });
  });
}

/** The treatment keys of cell (t, p), one per seed, in seed order. */
export function cellKeys(group: GridGroup, t: number, p: number): string[] {
  return group.cells[t]?.[p] ?? [];
}

/** Every distinct trial key the plan names, in its trial list or in its groups. */
export function planTrialKeys(plan: SweepPlan): Set<string> {
  const keys = new Set(plan.trials.map((trial) => trial.key));
  for (const group of plan.groups) {
    for (const key of group.baseline) keys.add(key);
    for (const row of group.cells) for (const cell of row) for (const key of cell) keys.add(key);
  }
  return keys;
}
