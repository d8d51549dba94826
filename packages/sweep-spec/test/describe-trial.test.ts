import { describe, expect, it } from 'vitest';
import { describeTrial, parseSweepDefinition, planSweep } from '../src/index.js';
import { MINIMAL } from './helpers.js';

describe('describeTrial', () => {
  it('labels baselines and cells by region, seed, tau and P', () => {
    const def = parseSweepDefinition({
      ...MINIMAL,
      seeds: [3],
      randomout: { tau: 1e-8, activePercent: 60 },
    });
    expect(planSweep(def).trials.map((t) => describeTrial(t.spec))).toEqual([
      'East seed 3 baseline',
      'East seed 3 tau=1e-8 P=60%',
    ]);
  });

  it('adds settings that differ from the trainer defaults', () => {
    const def = parseSweepDefinition({
      ...MINIMAL,
      regions: ['West'],
      seeds: [0],
      randomout: {
        tau: 0.001,
        activePercent: 90,
        cgn: 'sum',
        checkEvery: 'epoch',
        minTrainLoss: 0.2,
      },
      training: { epochs: 5, learningRate: 0.05, batchSize: 8, dataSeed: 2 },
    });
    expect(planSweep(def).trials.map((t) => describeTrial(t.spec))).toEqual([
      'West seed 0 epochs=5 lr=0.05 batch=8 dataSeed=2 baseline',
      'West seed 0 epochs=5 lr=0.05 batch=8 dataSeed=2 tau=0.001 P=90% cgn=sum check=epoch minLoss=0.2',
    ]);
  });
});
