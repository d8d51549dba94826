import type { TrialRecord } from '../src/index.js';

/** A complete result record of a trial, with whatever a test needs changed. */
export function record(key: string, overrides: Partial<TrialRecord> = {}): TrialRecord {
  return {
    key,
    testAccuracy: 0.9,
    majorityRate: 0.6,
    testCount: 611,
    trainLoss: [0.5, 0.4],
    epochsRun: 2,
    diverged: false,
    divergedAtEpoch: null,
    reinitializations: { total: 0, conv1: 0, conv2: 0, perEpoch: [] },
    minAbsCgn: [1e-6, 1e-7],
    weightsHash: 'abc',
    engine: 'wasm',
    versions: {},
    durationMs: 1000,
    worker: 'test:1',
    attempt: 1,
    finishedAt: new Date(0).toISOString(),
    ...overrides,
  };
}
