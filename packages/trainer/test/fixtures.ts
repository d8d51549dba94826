import { loadRegion, type PreparedRegion } from '@seedsweep/crater-data';
import type { TrainResult } from '../src/train-result.js';
import type { TrainingData } from '../src/training-data.js';

/** The real crater data, located by vitest.global-setup.ts. */
export const dataDir = process.env.CRATER_DATA_DIR!;

export function loadEast(): Promise<PreparedRegion> {
  return loadRegion('East', { dataDir });
}

/** The first `trainCount` training examples of a region: short tests, real data. */
export function subset(
  data: PreparedRegion,
  trainCount: number,
  testCount = data.test.count,
): TrainingData {
  const pixels = data.size * data.size;
  return {
    size: data.size,
    identityHash: data.identityHash,
    train: {
      count: trainCount,
      x: data.train.x.subarray(0, trainCount * pixels),
      y: data.train.y.subarray(0, trainCount),
    },
    test: {
      count: testCount,
      x: data.test.x.subarray(0, testCount * pixels),
      y: data.test.y.subarray(0, testCount),
    },
  };
}

/** Every field of a result that must agree bit for bit between two runs of the same trial. */
export function outcome(r: TrainResult) {
  return {
    testAccuracy: r.testAccuracy,
    weightsHash: r.weightsHash,
    trainLoss: r.trainLoss,
    minAbsCgn: r.minAbsCgn,
    minAbsSumCgn: r.minAbsSumCgn,
    reinitializations: r.reinitializations,
    epochsRun: r.epochsRun,
    diverged: r.diverged,
  };
}
