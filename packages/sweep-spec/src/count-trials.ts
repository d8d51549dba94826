import type { TrialFactor } from './errors/index.js';
import { seedCount } from './seeds.js';
import { sweepCases, type SweepCase, type SweepDefinition } from './sweep-definition.js';

export interface TrialCount {
  trials: number;
  /** Every factor of the product, in plan order, including those of one value. */
  factors: TrialFactor[];
  /** The product as people read it, e.g. "regions 2 × seeds 50 × (1 baseline + tau 7 × activePercent 6)". */
  formula: string;
}

/**
 * How many unique trials the sweep needs, by arithmetic alone, so an oversized sweep is refused
 * before anything is built. Each (region, seed, input scale, training combination) has one
 * baseline, shared by every RandomOut cell and by every combination of RandomOut's other axes.
 * A sweep of cases counts each case's trials; cases that share trials are counted once each, so
 * the sum is an upper bound.
 */
export function countTrials(def: SweepDefinition): TrialCount {
  const cases = sweepCases(def).map(countCase);
  if (cases.length === 1) return cases[0]!;
  return {
    trials: cases.reduce((sum, c) => sum + c.trials, 0),
    factors: cases.flatMap((c, i) =>
      c.factors.map((f) => ({ ...f, name: `cases.${i}.${f.name}` })),
    ),
    formula: cases.map((c) => `[${c.formula}]`).join(' + '),
  };
}

function countCase(def: SweepCase): TrialCount {
  const { randomout: ro, training: t } = def;
  const outer: TrialFactor[] = [
    { name: 'regions', count: def.regions.length },
    { name: 'seeds', count: seedCount(def.seeds) },
    { name: 'inputScale', count: def.dataset.inputScale.length },
    { name: 'epochs', count: t.epochs.length },
    { name: 'learningRate', count: t.learningRate.length },
    { name: 'batchSize', count: t.batchSize.length },
    { name: 'dataSeed', count: t.dataSeed.length },
  ];
  const inner: TrialFactor[] = [
    { name: 'cgn', count: ro.cgn.length },
    { name: 'checkEvery', count: ro.checkEvery.length },
    { name: 'minTrainLoss', count: ro.minTrainLoss.length },
    { name: 'tau', count: ro.tau.length },
    { name: 'activePercent', count: ro.activePercent.length },
  ];
  const trials = product(outer) * (1 + product(inner));
  return { trials, factors: [...outer, ...inner], formula: formula(outer, inner) };
}

function product(factors: readonly TrialFactor[]): number {
  return factors.reduce((p, f) => p * f.count, 1);
}

/** Axes of one value are left out, except the four every sweep has. */
const ALWAYS_SHOWN = new Set(['regions', 'seeds', 'tau', 'activePercent']);

function formula(outer: readonly TrialFactor[], inner: readonly TrialFactor[]): string {
  const terms = (factors: readonly TrialFactor[]) =>
    factors
      .filter((f) => f.count > 1 || ALWAYS_SHOWN.has(f.name))
      .map((f) => `${f.name} ${f.count}`)
      .join(' × ');
  return `${terms(outer)} × (1 baseline + ${terms(inner)})`;
}
