import { describe, expect, it } from 'vitest';
import { firstPossibleFiring, type BaselineHistory } from '../src/baseline-equivalence.js';
import { parseTrainConfig, type RandomOutConfig } from '../src/train-config.js';

const run = (randomout: Partial<RandomOutConfig> & { tau: number }, epochs = 4) =>
  parseTrainConfig({ seed: 1, epochs, randomout: { activePercent: 100, ...randomout } });

// The l1 minima never fall below the thresholds used here, the sum minima do: a sum run judged by
// the l1 series would never fire.
const baseline: BaselineHistory = {
  trainLoss: [0.6, 0.5, 0.4, 0.3],
  minAbsCgn: [1, 1, 1, 1],
  minAbsSumCgn: [0.5, 0.2, 0.05, 0.01],
};

describe('firstPossibleFiring for the sum norm', () => {
  it('is the first active epoch whose smallest |sum CGN| is below tau', () => {
    expect(firstPossibleFiring(run({ tau: 0.6, cgn: 'sum' }), baseline)).toBe(0);
    expect(firstPossibleFiring(run({ tau: 0.3, cgn: 'sum' }), baseline)).toBe(1);
    expect(firstPossibleFiring(run({ tau: 0.1, cgn: 'sum' }), baseline)).toBe(2);
    // A value equal to tau does not fire (the check is |CGN| < tau).
    expect(firstPossibleFiring(run({ tau: 0.01, cgn: 'sum' }), baseline)).toBeNull();
    // The same thresholds in l1 read the l1 series, which none of them reaches.
    expect(firstPossibleFiring(run({ tau: 0.6 }), baseline)).toBeNull();
  });

  it('counts only active epochs and honours the loss gate', () => {
    // 50% of 4 epochs: epochs 0 and 1 only.
    expect(firstPossibleFiring(run({ tau: 0.1, cgn: 'sum', activePercent: 50 }), baseline)).toBe(
      null,
    );
    // Epoch 2 checks only if epoch 1 ended above the gate (0.5).
    expect(firstPossibleFiring(run({ tau: 0.1, cgn: 'sum', minTrainLoss: 0.45 }), baseline)).toBe(
      2,
    );
    expect(
      firstPossibleFiring(run({ tau: 0.1, cgn: 'sum', minTrainLoss: 0.5 }), baseline),
    ).toBeNull();
  });

  it('takes an unknown (non-finite) minimum as a firing', () => {
    const history = { ...baseline, minAbsSumCgn: [0.5, null, 0.05, 0.01] };
    expect(firstPossibleFiring(run({ tau: 0.1, cgn: 'sum' }), history)).toBe(1);
  });

  it('cannot tell (0) from a record without the sum minima; l1 runs are judged as before', () => {
    const old: BaselineHistory = { trainLoss: baseline.trainLoss, minAbsCgn: baseline.minAbsCgn };
    expect(firstPossibleFiring(run({ tau: 1e-30, cgn: 'sum' }), old)).toBe(0);
    expect(firstPossibleFiring(run({ tau: 1e-30 }), old)).toBeNull();
    expect(firstPossibleFiring(run({ tau: 2 }), old)).toBe(0);
  });

  it('stops where a diverged baseline stopped', () => {
    const diverged = { trainLoss: [0.6, null], minAbsCgn: [1, 1], minAbsSumCgn: [0.5, 0.2] };
    expect(firstPossibleFiring(run({ tau: 0.1, cgn: 'sum' }), diverged)).toBeNull();
  });
});
