import type { GridGroup, SweepPlan, Trial } from '@seedsweep/sweep-spec';
import type { TrialLookup, TrialOutcome } from '../src/index.js';

export interface GroupFixture {
  id: string;
  region?: 'West' | 'Center' | 'East';
  taus: number[];
  activePercents: number[];
  seeds: number[];
  /** Groups with the same baseline prefix share baseline keys, as sweep-spec does. */
  baselinePrefix?: string;
}

export function baselineKey(group: GroupFixture, seed: number): string {
  return `${group.baselinePrefix ?? group.id}/baseline/${seed}`;
}

export function cellKey(group: GroupFixture, tau: number, activePercent: number, seed: number) {
  return `${group.id}/tau=${tau}/p=${activePercent}/${seed}`;
}

/** A plan built by hand: readable keys instead of hashes, and only what the grid reads. */
export function makePlan(groups: GroupFixture[]): SweepPlan {
  const gridGroups = groups.map(makeGroup);
  const keys = new Set<string>();
  for (const group of gridGroups) {
    for (const key of [...group.baseline, ...group.cells.flat(2)]) keys.add(key);
  }
  return { trials: [...keys].map(makeTrial), groups: gridGroups, varyingAxes: [] };
}

function makeGroup(fixture: GroupFixture): GridGroup {
  return {
    id: fixture.id,
    region: fixture.region ?? 'East',
    axes: {
      epochs: 150,
      learningRate: 0.01,
      batchSize: 32,
      dataSeed: 0,
      cgn: 'l1',
      checkEvery: 'batch',
      minTrainLoss: null,
    },
    taus: fixture.taus,
    activePercents: fixture.activePercents,
    seeds: fixture.seeds,
    baseline: fixture.seeds.map((seed) => baselineKey(fixture, seed)),
    cells: fixture.taus.map((tau) =>
      fixture.activePercents.map((p) =>
        fixture.seeds.map((seed) => cellKey(fixture, tau, p, seed)),
      ),
    ),
  };
}

function makeTrial(key: string): Trial {
  return {
    key,
    spec: {
      region: 'East',
      dataset: { cropScale: 2, size: 15, splitSeed: 1, identity: 'fixture' },
      train: {
        seed: 0,
        dataSeed: 0,
        epochs: 150,
        learningRate: 0.01,
        batchSize: 32,
        randomout: null,
      },
      numerics: 'kernels',
      trainerVersion: 'fixture',
    },
  };
}

export function outcome(testAccuracy: number, extra: Partial<TrialOutcome> = {}): TrialOutcome {
  return { testAccuracy, diverged: false, majorityRate: 0.6, ...extra };
}

export function lookupOf(results: Map<string, TrialOutcome>): TrialLookup {
  return (key) => results.get(key);
}
