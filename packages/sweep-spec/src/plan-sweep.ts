import { TRAINER_VERSION } from '@seedsweep/trainer/config';
import { countTrials } from './count-trials.js';
import { InvalidSweepError, SweepTooLargeError } from './errors/index.js';
import { groupAxesCombos, groupId, varyingAxes } from './group-axes.js';
import { seedValues } from './seeds.js';
import { sweepCases, type SweepDefinition } from './sweep-definition.js';
import type { GridGroup, SweepPlan, Trial, TrialSpec } from './sweep-plan.js';
import { seedSeries, trialDataset, type GroupContext } from './trial-spec.js';

export const DEFAULT_MAX_TRIALS = 100_000;

export interface PlanOptions {
  /** Larger sweeps throw SweepTooLargeError before anything is built; default 100 000. */
  maxTrials?: number;
  /** Part of every key; default the trainer's TRAINER_VERSION. */
  trainerVersion?: string;
}

/**
 * Expands a parsed definition into its groups (one (tau, P) heatmap each) and its unique trials
 * in enqueue order. Group seeds follow the definition: a list as written, a range ascending.
 */
export function planSweep(def: SweepDefinition, options: PlanOptions = {}): SweepPlan {
  const { maxTrials = DEFAULT_MAX_TRIALS, trainerVersion = TRAINER_VERSION } = options;
  if (!(maxTrials >= 1)) throw new RangeError(`maxTrials must be >= 1, got ${maxTrials}`);
  const count = countTrials(def);
  if (count.trials > maxTrials) {
    throw new SweepTooLargeError(count.trials, maxTrials, count.factors, count.formula);
  }
  const specs = new Map<string, TrialSpec>();
  const add = (series: readonly Trial[]): string[] =>
    series.map(({ key, spec }) => {
      specs.set(key, spec);
      return key;
    });
  // Baselines ignore cgn, checkEvery and minTrainLoss: groups differing only there share them.
  const baselines = new Map<string, string[]>();
  const groups: GridGroup[] = [];
  const caseOfGroup = new Map<string, number>();
  sweepCases(def).forEach((sweepCase, caseIndex) => {
    const seeds = seedValues(sweepCase.seeds);
    for (const region of sweepCase.regions) {
      for (const axes of groupAxesCombos(sweepCase)) {
        const id = groupId(def, region, axes);
        const earlier = caseOfGroup.get(id);
        if (earlier !== undefined) throw duplicateGroup(id, earlier, caseIndex);
        caseOfGroup.set(id, caseIndex);
        const group: GroupContext = {
          region,
          dataset: trialDataset(region, sweepCase.dataset, axes.inputScale),
          axes,
          engine: def.training.engine,
          ...(def.training.backend && { legacyBackend: def.training.backend }),
          trainerVersion,
        };
        const { epochs, learningRate, batchSize, dataSeed } = axes;
        const baselineId = JSON.stringify([
          region,
          group.dataset.identity,
          epochs,
          learningRate,
          batchSize,
          dataSeed,
          seeds,
        ]);
        let baseline = baselines.get(baselineId);
        if (baseline === undefined) {
          baseline = add(seedSeries(group, null, seeds));
          baselines.set(baselineId, baseline);
        }
        const { tau: taus, activePercent: activePercents } = sweepCase.randomout;
        groups.push({
          id,
          region,
          axes,
          taus: [...taus],
          activePercents: [...activePercents],
          seeds: [...seeds],
          baseline: [...baseline],
          cells: taus.map((tau) =>
            activePercents.map((activePercent) =>
              add(seedSeries(group, { tau, activePercent }, seeds)),
            ),
          ),
        });
      }
    }
  });
  return {
    trials: enqueueOrder(groups, specs),
    groups,
    varyingAxes: varyingAxes(def),
  };
}

/** Two cases that plan the same group would make one heatmap of two different grids. */
function duplicateGroup(id: string, first: number, second: number): InvalidSweepError {
  const message =
    first === second
      ? `plans group "${id}" twice`
      : `cases.${first} and cases.${second} both plan group "${id}"; give them different values on some axis`;
  return new InvalidSweepError([{ path: first === second ? '(root)' : 'cases', message }]);
}

/**
 * Seeds outermost: workers take trials in this order, so the first results already cover every
 * cell of every group (with a baseline to compare against), and a partial sweep is a complete
 * one with fewer seeds.
 */
function enqueueOrder(
  groups: readonly GridGroup[],
  specs: ReadonlyMap<string, TrialSpec>,
): Trial[] {
  // Cases may differ in their seeds: position s is each group's s-th seed.
  const seedCount = Math.max(0, ...groups.map((g) => g.seeds.length));
  const trials: Trial[] = [];
  const emitted = new Set<string>();
  const emit = (key: string | undefined): void => {
    const spec = key === undefined ? undefined : specs.get(key);
    if (key === undefined || spec === undefined || emitted.has(key)) return;
    emitted.add(key);
    trials.push({ key, spec });
  };
  for (let s = 0; s < seedCount; s++) {
    for (const group of groups) {
      emit(group.baseline[s]);
      for (const row of group.cells) for (const seedKeys of row) emit(seedKeys[s]);
    }
  }
  return trials;
}
