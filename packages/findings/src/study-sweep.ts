import type { RecordsHeader } from '@seedsweep/api-contract';
import { buildSweepGrid, type GroupGrid, type SweepGrid } from '@seedsweep/stats';
import {
  parseSweepDefinition,
  planSweep,
  type SweepDefinition,
  type SweepPlan,
} from '@seedsweep/sweep-spec';
import type { RecordsLibrary, StoredResult } from './records-library.js';

/** A sweep of the study, planned from its committed definition, with its results. */
export class StudySweep {
  readonly definition: SweepDefinition;
  readonly plan: SweepPlan;
  readonly grid: SweepGrid;

  constructor(
    readonly header: RecordsHeader['sweep'],
    private readonly library: RecordsLibrary,
  ) {
    this.definition = parseSweepDefinition(header.definition);
    this.plan = planSweep(this.definition, { trainerVersion: header.trainerVersion });
    this.grid = buildSweepGrid(this.plan, (key) => library.result(key), {
      margin: this.definition.analysis.failureMargin,
    });
  }

  get name(): string {
    return this.header.name;
  }

  result(key: string): StoredResult | undefined {
    return this.library.result(key);
  }

  /** Every result of the plan's trials, with the epochs each was configured for. */
  results(): (StoredResult & { epochs: number })[] {
    return this.plan.trials.flatMap((t) => {
      const r = this.library.result(t.key);
      return r ? [{ ...r, epochs: t.spec.train.epochs }] : [];
    });
  }

  /** Mean accuracy of the group's done baselines above its failure threshold. */
  meanConverged(group: GroupGrid): number | null {
    const planned = this.plan.groups.find((g) => g.id === group.id);
    if (!planned || group.failureThreshold === null) return null;
    const accuracies = planned.baseline.flatMap((key) => {
      const r = this.library.result(key);
      return r && r.testAccuracy > group.failureThreshold! ? [r.testAccuracy] : [];
    });
    return accuracies.length === 0
      ? null
      : accuracies.reduce((s, a) => s + a, 0) / accuracies.length;
  }

  /** The seeds' baseline accuracies of a group, in seed order (null: no result). */
  baselineAccuracies(groupId: string): (number | null)[] {
    const planned = this.plan.groups.find((g) => g.id === groupId);
    return planned?.baseline.map((key) => this.library.result(key)?.testAccuracy ?? null) ?? [];
  }
}
