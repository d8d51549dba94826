// Trains once in a fresh process and prints the result: the cross-process determinism check.
import { loadRegion } from '@seedsweep/crater-data';
import { selectEngine, train } from '../dist/index.js';

const dataDir = process.env.CRATER_DATA_DIR;
if (!dataDir) throw new Error('CRATER_DATA_DIR is not set: run this through vitest');
const {
  config,
  train: trainCount,
  test: testCount,
  engine,
  codePath,
} = JSON.parse(process.argv[2]);
const region = await loadRegion('East', { dataDir });
const pixels = region.size * region.size;
const data = {
  size: region.size,
  identityHash: region.identityHash,
  train: {
    count: trainCount,
    x: region.train.x.subarray(0, trainCount * pixels),
    y: region.train.y.subarray(0, trainCount),
  },
  test: {
    count: testCount,
    x: region.test.x.subarray(0, testCount * pixels),
    y: region.test.y.subarray(0, testCount),
  },
};
await selectEngine(engine ?? 'wasm', codePath ? { codePath } : {});
process.stdout.write(JSON.stringify(await train(config, data)) + '\n');
