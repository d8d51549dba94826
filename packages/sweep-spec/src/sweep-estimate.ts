import type { RegionName } from '@seedsweep/crater-data';
import { firstPossibleFiring, type BaselineHistory } from '@seedsweep/trainer/config';
import type { SweepPlan, TrialSpec } from './sweep-plan.js';

/**
 * Seconds one core takes per training epoch when a deployment has not measured its own, on the
 * native engine (trainer 5, the project's 2-core AMD EPYC machine, AVX-512): `seedsweep bench
 * trainer` gives 0.09-0.11 s per West epoch (1253 training examples), `bench workers` 1.46-1.59 s
 * for a 30-epoch East trial (612 examples), start-up and test included. Center (about 590
 * examples) is taken as East. The wasm engine takes about four times as long; a deployment's
 * own results replace these once it has trained a few (MIN_MEASURED_RESULTS).
 */
export const DEFAULT_SECONDS_PER_EPOCH: Readonly<Record<RegionName, number>> = {
  West: 0.1,
  Center: 0.05,
  East: 0.05,
};

/** A region's measured rate is used once this many trained results of it are measured. */
export const MIN_MEASURED_RESULTS = 5;

/** One trained result: how long it trained and for how many epochs. */
export interface EpochMeasurement {
  region: RegionName;
  durationMs: number;
  /** Epochs this result trained: epochsRun, less the epochs before a checkpoint it resumed from. */
  epochs: number;
}

export interface RegionRate {
  region: RegionName;
  secondsPerEpoch: number;
  /** `measured`: the median of this deployment's trained results; `default`: the table above. */
  source: 'measured' | 'default';
  /** Trained results measured in this region (fewer than MIN_MEASURED_RESULTS: the default). */
  results: number;
}

/**
 * Seconds per epoch of each region: the median of the measured results (derived ones trained
 * nothing and must not be given) when there are enough, else the documented default.
 */
export function secondsPerEpochTable(
  regions: readonly RegionName[],
  measurements: readonly EpochMeasurement[],
): RegionRate[] {
  return [...new Set(regions)].map((region) => {
    const rates = measurements
      .filter((m) => m.region === region && m.epochs > 0 && m.durationMs > 0)
      .map((m) => m.durationMs / 1000 / m.epochs)
      .sort((a, b) => a - b);
    if (rates.length < MIN_MEASURED_RESULTS) {
      return {
        region,
        secondsPerEpoch: DEFAULT_SECONDS_PER_EPOCH[region],
        source: 'default',
        results: rates.length,
      };
    }
    const mid = rates.length >> 1;
    const median = rates.length % 2 ? rates[mid]! : (rates[mid - 1]! + rates[mid]!) / 2;
    return { region, secondsPerEpoch: median, source: 'measured', results: rates.length };
  });
}

export interface EstimateInput {
  plan: SweepPlan;
  /** Keys of the plan's trials that already have a result in the deployment. */
  stored: ReadonlySet<string>;
  /** The stored results of the plan's baselines (at least those of RandomOut trials not stored). */
  baselines: ReadonlyMap<string, BaselineHistory>;
  rates: readonly RegionRate[];
  /** Trials trained at once: workers × trials per worker. */
  slots: number;
}

/** A number that is known exactly, or lies between what the unknown trials could cost. */
export interface Range {
  min: number;
  max: number;
}

export interface SweepEstimate {
  trials: number;
  groups: number;
  /** Trials with a result already: nothing to do. */
  stored: number;
  /** Trials to run: every trial not stored. */
  toRun: number;
  /** Baselines (and RandomOut trials whose baseline shows a check may fire at once) trained in full. */
  trainedInFull: number;
  /** RandomOut trials whose stored baseline proves no check can fire: its result, no training. */
  derived: number;
  /** RandomOut trials that can resume from their baseline's state at the first epoch one may fire. */
  resumed: number;
  /** RandomOut trials whose baseline has no result yet: derived, resumed or trained, not known. */
  unknown: number;
  /** Epochs to train: min counts unknown trials as derived, max as trained in full. */
  epochs: Range;
  coreHours: Range;
  /** Hours until the last trial ends on `slots` cores: min and max as above. */
  wallHours: Range;
  slots: number;
  rates: RegionRate[];
}

/**
 * What a sweep will cost before it is submitted: which of its trials are stored, which the
 * worker will derive from or resume after their baseline (the worker's own rule, the trainer's
 * firstPossibleFiring, on the stored baseline), which cannot be told yet, and the core-hours and
 * wall time that follow from each region's seconds per epoch. Wall time is the larger of the
 * core time shared over the slots and the longest chain of a baseline and a trial waiting for it.
 */
export function estimateSweep(input: EstimateInput): SweepEstimate {
  const { plan, stored, baselines, slots } = input;
  if (!(slots >= 1)) throw new RangeError(`slots must be >= 1, got ${slots}`);
  const rateOf = new Map(input.rates.map((r) => [r.region, r.secondsPerEpoch]));
  const secondsOf = (spec: TrialSpec, epochs: number): number => {
    const rate = rateOf.get(spec.region) ?? DEFAULT_SECONDS_PER_EPOCH[spec.region];
    return epochs * rate;
  };
  const specs = new Map(plan.trials.map((t) => [t.key, t.spec]));
  const counts = { stored: 0, trainedInFull: 0, derived: 0, resumed: 0, unknown: 0 };
  const epochs = { min: 0, max: 0 };
  const seconds = { min: 0, max: 0 };
  const chain = { min: 0, max: 0 };
  const add = (field: 'min' | 'max' | 'both', spec: TrialSpec, trained: number, wait = 0) => {
    const own = secondsOf(spec, trained);
    for (const end of field === 'both' ? (['min', 'max'] as const) : [field]) {
      epochs[end] += trained;
      seconds[end] += own;
      chain[end] = Math.max(chain[end], wait + own);
    }
  };
  const seen = new Set<string>();
  for (const group of plan.groups) {
    group.seeds.forEach((_, s) => {
      const baselineKey = group.baseline[s]!;
      const baselineSpec = specs.get(baselineKey)!;
      const baselineDone = stored.has(baselineKey);
      // A trial waiting for a baseline to train waits for its whole training.
      const wait = baselineDone ? 0 : secondsOf(baselineSpec, baselineSpec.train.epochs);
      if (!seen.has(baselineKey)) {
        seen.add(baselineKey);
        if (baselineDone) counts.stored++;
        else {
          counts.trainedInFull++;
          add('both', baselineSpec, baselineSpec.train.epochs);
        }
      }
      for (const row of group.cells) {
        for (const seedKeys of row) {
          const key = seedKeys[s]!;
          if (seen.has(key)) continue;
          seen.add(key);
          const spec = specs.get(key)!;
          const full = spec.train.epochs;
          if (stored.has(key)) {
            counts.stored++;
            continue;
          }
          const history = baselineDone ? baselines.get(baselineKey) : undefined;
          if (!history) {
            counts.unknown++;
            add('min', spec, 0, wait);
            add('max', spec, full, wait);
            continue;
          }
          const firing = firstPossibleFiring(spec.train, history);
          if (firing === null) counts.derived++;
          else if (firing === 0) counts.trainedInFull++;
          else counts.resumed++;
          add('both', spec, firing === null ? 0 : Math.max(0, full - firing));
        }
      }
    });
  }
  const hours = (s: number) => s / 3600;
  return {
    trials: plan.trials.length,
    groups: plan.groups.length,
    stored: counts.stored,
    toRun: plan.trials.length - counts.stored,
    trainedInFull: counts.trainedInFull,
    derived: counts.derived,
    resumed: counts.resumed,
    unknown: counts.unknown,
    epochs,
    coreHours: { min: hours(seconds.min), max: hours(seconds.max) },
    wallHours: {
      min: hours(Math.max(seconds.min / slots, chain.min)),
      max: hours(Math.max(seconds.max / slots, chain.max)),
    },
    slots,
    rates: [...input.rates],
  };
}
