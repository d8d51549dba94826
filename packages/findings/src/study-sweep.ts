import type { RecordsHeader } from '@seedsweep/api-contract';
import { buildSweepGrid, type GroupGrid, type SweepGrid } from '@seedsweep/stats';
import {
  parseSweepDefinition,
  planSweep,
  type SweepDefinition,
  type SweepPlan,
} from '@seedsweep/sweep-spec';
import type { RecordsLibrary, StoredResult } from './records-library.js';

export interface GroupAnatomy {
  /** Epochs of the counted baselines that recorded their smallest |CGN|. */
  baselineEpochs: number;
  /** Of those, epochs whose smallest |CGN| was exactly 0. */
  deadFilterEpochs: number;
  randomOutDone: number;
  diverged: number;
  /** Diverged in epoch 1 (1-based, as the record counts). */
  divergedFirstEpoch: number;
}

/** A sweep of the study, planned from its committed definition, with its results. */
export class StudySweep {
  readonly definition: SweepDefinition;
  readonly plan: SweepPlan;
  readonly grid: SweepGrid;

  /**
   * How many of each group's seeds, from the first, count: all of them, unless `firstSeedsDone`
   * asks for the seeds whose baselines every group has. A sweep enqueues seed by seed, so its
   * settings are then compared on the same seeds. RandomOut trials are not waited for: one whose
   * baseline was still running goes back to the end of the queue (BullMQ promotes a delayed job
   * behind every waiting one), so they lag; their cells pair whichever counted seeds they have.
   */
  readonly seedsCounted: number;
  private readonly counted: ReadonlySet<string>;

  constructor(
    readonly header: RecordsHeader['sweep'],
    private readonly library: RecordsLibrary,
    options: { firstSeedsDone?: boolean } = {},
  ) {
    this.definition = parseSweepDefinition(header.definition);
    this.plan = planSweep(this.definition, { trainerVersion: header.trainerVersion });
    this.seedsCounted = options.firstSeedsDone
      ? this.firstSeedsDone()
      : Math.max(0, ...this.plan.groups.map((g) => g.seeds.length));
    this.counted = new Set(
      this.plan.groups.flatMap((g) =>
        [g.baseline, ...g.cells.flat()].flatMap((keys) => keys.slice(0, this.seedsCounted)),
      ),
    );
    this.grid = buildSweepGrid(this.plan, (key) => this.result(key), {
      margin: this.definition.analysis.failureMargin,
    });
  }

  private firstSeedsDone(): number {
    let k = 0;
    const done = (keys: readonly string[]) => this.library.result(keys[k]!) !== undefined;
    const groups = this.plan.groups;
    while (groups.every((g) => k < g.seeds.length && done(g.baseline))) {
      k++;
    }
    return k;
  }

  get name(): string {
    return this.header.name;
  }

  result(key: string): StoredResult | undefined {
    return this.counted.has(key) ? this.library.result(key) : undefined;
  }

  /** Every result of the plan's trials, with the epochs each was configured for. */
  results(): (StoredResult & { epochs: number })[] {
    return this.plan.trials.flatMap((t) => {
      // The compute is every result the sweep has, counted or not: it was spent.
      const r = this.library.result(t.key);
      return r ? [{ ...r, epochs: t.spec.train.epochs }] : [];
    });
  }

  /** Mean accuracy of the group's done baselines above its failure threshold. */
  meanConverged(group: GroupGrid): number | null {
    const planned = this.plan.groups.find((g) => g.id === group.id);
    if (!planned || group.failureThreshold === null) return null;
    const accuracies = planned.baseline.flatMap((key) => {
      const r = this.result(key);
      return r && r.testAccuracy > group.failureThreshold! ? [r.testAccuracy] : [];
    });
    return accuracies.length === 0
      ? null
      : accuracies.reduce((s, a) => s + a, 0) / accuracies.length;
  }

  /**
   * What the group's counted results say about why RandomOut fails or not: how many baseline
   * epochs had a filter whose |CGN| was exactly 0 (a dead ReLU filter, which every tau > 0
   * re-initialises), and how many RandomOut trials diverged, and how many of those in their
   * first epoch (before any error gate can close: it reads the previous epoch's loss).
   */
  anatomy(groupId: string): GroupAnatomy {
    const planned = this.plan.groups.find((g) => g.id === groupId);
    const anatomy: GroupAnatomy = {
      baselineEpochs: 0,
      deadFilterEpochs: 0,
      randomOutDone: 0,
      diverged: 0,
      divergedFirstEpoch: 0,
    };
    if (!planned) return anatomy;
    for (const key of planned.baseline) {
      const minAbsCgn = this.result(key)?.minAbsCgn;
      if (!Array.isArray(minAbsCgn)) continue;
      for (const value of minAbsCgn) {
        if (typeof value !== 'number') continue;
        anatomy.baselineEpochs++;
        if (value === 0) anatomy.deadFilterEpochs++;
      }
    }
    for (const key of planned.cells.flat(2)) {
      const r = this.result(key);
      if (!r) continue;
      anatomy.randomOutDone++;
      if (!r.diverged) continue;
      anatomy.diverged++;
      if (r.divergedAtEpoch === 1) anatomy.divergedFirstEpoch++;
    }
    return anatomy;
  }

  /** The seeds' baseline accuracies of a group, in seed order (null: no result). */
  baselineAccuracies(groupId: string): (number | null)[] {
    const planned = this.plan.groups.find((g) => g.id === groupId);
    return planned?.baseline.map((key) => this.result(key)?.testAccuracy ?? null) ?? [];
  }
}
