import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SECONDS_PER_EPOCH,
  estimateSweep,
  MIN_MEASURED_RESULTS,
  parseSweepDefinition,
  planSweep,
  secondsPerEpochTable,
  type SweepPlan,
} from '../src/index.js';
import { MINIMAL } from './helpers.js';

function plan(patch: Record<string, unknown> = {}): SweepPlan {
  return planSweep(parseSweepDefinition({ ...MINIMAL, ...patch }));
}

const defaults = secondsPerEpochTable(['East', 'West'], []);

/** A baseline's history whose smallest |CGN| per epoch is `minimum` in every epoch. */
function history(epochs: number, minimum: number) {
  return {
    trainLoss: Array.from({ length: epochs }, () => 0.5),
    minAbsCgn: Array.from({ length: epochs }, () => minimum),
    minAbsSumCgn: Array.from({ length: epochs }, () => minimum),
  };
}

describe('estimateSweep', () => {
  it('with nothing stored: baselines are trained, RandomOut trials unknown, the cost a range', () => {
    // East, 3 seeds, 2 tau x 2 P, 10 epochs: 3 baselines and 12 RandomOut trials.
    const p = plan({ training: { epochs: 10 } });
    const e = estimateSweep({
      plan: p,
      stored: new Set(),
      baselines: new Map(),
      rates: defaults,
      slots: 1,
    });
    expect(e).toMatchObject({ trials: 15, groups: 1, stored: 0, toRun: 15, trainedInFull: 3 });
    expect(e).toMatchObject({ derived: 0, resumed: 0, unknown: 12 });
    expect(e.epochs).toEqual({ min: 30, max: 150 });
    expect(e.coreHours.min).toBeCloseTo((30 * DEFAULT_SECONDS_PER_EPOCH.East) / 3600, 12);
    expect(e.coreHours.max).toBeCloseTo((150 * DEFAULT_SECONDS_PER_EPOCH.East) / 3600, 12);
    expect(e.wallHours).toEqual(e.coreHours);
  });

  it('scales with epochs and with trials', () => {
    const base = estimateSweep({
      plan: plan({ training: { epochs: 10 } }),
      stored: new Set(),
      baselines: new Map(),
      rates: defaults,
      slots: 1,
    });
    const longer = estimateSweep({
      plan: plan({ training: { epochs: 30 } }),
      stored: new Set(),
      baselines: new Map(),
      rates: defaults,
      slots: 1,
    });
    const wider = estimateSweep({
      plan: plan({ training: { epochs: 10 }, seeds: { from: 0, to: 8 } }),
      stored: new Set(),
      baselines: new Map(),
      rates: defaults,
      slots: 1,
    });
    expect(longer.coreHours.max).toBeCloseTo(3 * base.coreHours.max, 12);
    expect(longer.coreHours.min).toBeCloseTo(3 * base.coreHours.min, 12);
    expect(wider.trials).toBe(3 * base.trials);
    expect(wider.coreHours.max).toBeCloseTo(3 * base.coreHours.max, 12);
  });

  it('judges RandomOut trials by their stored baseline: derived, resumed, trained in full', () => {
    // tau 1e-8 and 1e-4, P 30 and 60 of 10 epochs (3 and 6 active epochs).
    const p = plan({ training: { epochs: 10 } });
    const [group] = p.groups;
    const baselines = new Map<string, ReturnType<typeof history>>();
    // Seed 0: |CGN| 1e-6 in every epoch: tau 1e-4 fires at once, 1e-8 never.
    baselines.set(group!.baseline[0]!, history(10, 1e-6));
    // Seed 1: 1e-2 until epoch 4, then 1e-6: tau 1e-4 could first fire in epoch 4 (P 60 only).
    const late = history(10, 1e-2);
    late.minAbsCgn.fill(1e-6, 4);
    baselines.set(group!.baseline[1]!, late);
    // Seed 2's baseline is not done.
    const stored = new Set(group!.baseline.slice(0, 2));
    const e = estimateSweep({ plan: p, stored, baselines, rates: defaults, slots: 2 });
    expect(e.stored).toBe(2);
    // Seed 0: tau 1e-8 derived twice, 1e-4 from epoch 0 twice; seed 1: tau 1e-8 derived
    // twice, tau 1e-4 P 30 derived (epochs 0-2 active), P 60 resumed at epoch 4.
    expect(e).toMatchObject({ derived: 5, resumed: 1, trainedInFull: 3, unknown: 4 });
    // In full: seed 0's two tau 1e-4 trials and seed 2's baseline; resumed: 6 epochs.
    expect(e.epochs).toEqual({ min: 36, max: 76 });
  });

  it('a stored RandomOut trial costs nothing, whatever its baseline', () => {
    const p = plan({ training: { epochs: 10 } });
    const e = estimateSweep({
      plan: p,
      stored: new Set(p.trials.map((t) => t.key)),
      baselines: new Map(),
      rates: defaults,
      slots: 1,
    });
    expect(e).toMatchObject({ stored: 15, toRun: 0, unknown: 0, epochs: { min: 0, max: 0 } });
    expect(e.wallHours).toEqual({ min: 0, max: 0 });
  });

  it('wall time shares core time over the slots, but never below a baseline and its trial', () => {
    const p = plan({ training: { epochs: 10 } });
    const run = (slots: number) =>
      estimateSweep({ plan: p, stored: new Set(), baselines: new Map(), rates: defaults, slots });
    const one = run(1);
    expect(run(3).wallHours.max).toBeCloseTo(one.wallHours.max / 3, 12);
    // With 100 slots, every baseline trains at once and then its trials: two trainings long.
    const chain = (20 * DEFAULT_SECONDS_PER_EPOCH.East) / 3600;
    expect(run(100).wallHours.max).toBeCloseTo(chain, 12);
    expect(run(100).coreHours).toEqual(one.coreHours);
  });
});

describe('secondsPerEpochTable', () => {
  it('uses the median of trained results once there are enough, else the default', () => {
    const east = Array.from({ length: MIN_MEASURED_RESULTS }, (_, i) => ({
      region: 'East' as const,
      durationMs: 1000 * (10 + i),
      epochs: 10,
    }));
    const west = east.slice(1).map((m) => ({ ...m, region: 'West' as const }));
    const table = secondsPerEpochTable(['East', 'West'], [...east, ...west]);
    expect(table).toEqual([
      { region: 'East', secondsPerEpoch: 1.2, source: 'measured', results: MIN_MEASURED_RESULTS },
      {
        region: 'West',
        secondsPerEpoch: DEFAULT_SECONDS_PER_EPOCH.West,
        source: 'default',
        results: MIN_MEASURED_RESULTS - 1,
      },
    ]);
  });
});
