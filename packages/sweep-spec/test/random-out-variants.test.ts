import { describe, expect, it } from 'vitest';
import { canonicalJson, parseSweepDefinition, planSweep, randomOutVariants } from '../src/index.js';
import { MINIMAL } from './helpers.js';

describe('randomOutVariants', () => {
  it('is the RandomOut settings the plan runs against each baseline, every one once', () => {
    const def = parseSweepDefinition({
      ...MINIMAL,
      seeds: [1, 2],
      randomout: {
        tau: [1e-4, 1e-8],
        activePercent: [30, 90],
        cgn: ['l1', 'sum'],
        minTrainLoss: [null, 0.2],
      },
      training: { learningRate: [0.01, 0.05] },
    });
    const variants = randomOutVariants(def);
    expect(variants).toHaveLength(2 * 2 * 2 * 2);
    const plan = planSweep(def);
    const baseline = plan.trials.find(
      (t) => t.spec.train.randomout === null && t.spec.train.learningRate === 0.05,
    )!;
    const sameRun = plan.trials.filter(
      (t) =>
        t.spec.train.randomout !== null &&
        t.spec.region === baseline.spec.region &&
        canonicalJson({ ...t.spec.train, randomout: null }) === canonicalJson(baseline.spec.train),
    );
    const planned = sameRun.map((t) => canonicalJson(t.spec.train.randomout)).sort();
    expect(variants.map((v) => canonicalJson(v)).sort()).toEqual(planned);
  });
});
