import { buildSweepGrid, type SweepGrid } from '@seedsweep/stats';
import type { SweepStore } from '@seedsweep/store';
import { planSweep, type SweepDefinition } from '@seedsweep/sweep-spec';

/**
 * A sweep's grid recomputed from its stored results alone, as a reader of the paper would:
 * what the aggregator's grid must equal, however the results arrived.
 */
export async function recomputedGrid(store: SweepStore, sweepId: string): Promise<SweepGrid> {
  const sweep = (await store.getSweep(sweepId))!;
  const plan = planSweep(sweep.definition as SweepDefinition, {
    trainerVersion: sweep.trainerVersion,
  });
  const keys = plan.trials.map((t) => t.key);
  const states = await store.getStates(keys);
  const byKey = new Map(keys.map((key, i) => [key, states[i]?.summary ?? undefined]));
  return buildSweepGrid(plan, (key) => byKey.get(key), {
    margin: sweep.definition.analysis.failureMargin,
  });
}
