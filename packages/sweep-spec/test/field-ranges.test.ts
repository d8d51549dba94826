import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidOptionError, loadRegion } from '@seedsweep/crater-data';
import { parseTrainConfig } from '@seedsweep/trainer';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSweepDefinition } from '../src/index.js';
import { MINIMAL } from './helpers.js';

function sweepAccepts(patch: Record<string, unknown>): boolean {
  try {
    parseSweepDefinition({ ...MINIMAL, ...patch });
    return true;
  } catch {
    return false;
  }
}

function trainerAccepts(config: Record<string, unknown>): boolean {
  try {
    parseTrainConfig({ seed: 0, ...config });
    return true;
  } catch {
    return false;
  }
}

// The sweep takes these rules from the trainer's schema; this holds the two together at the
// edges, so a trial the sweep plans is never one the trainer refuses, nor the reverse.
describe('training and RandomOut ranges agree with the trainer', () => {
  const training: [string, unknown[]][] = [
    ['epochs', [0, 1, 1.5, 100_000, 100_001]],
    ['learningRate', [-0.1, 0, Number.MIN_VALUE, 1e6, Number.POSITIVE_INFINITY, Number.NaN]],
    ['batchSize', [0, 1, 2.5, 65_536, 65_537]],
    ['dataSeed', [-1, 0, 0.5, Number.MAX_SAFE_INTEGER, 2 ** 53]],
  ];
  it.each(training.flatMap(([field, values]) => values.map((v) => [field, v] as const)))(
    'training.%s = %s',
    (field, value) => {
      expect(sweepAccepts({ training: { [field]: value } })).toBe(
        trainerAccepts({ [field]: value }),
      );
    },
  );

  const randomout: [string, unknown[]][] = [
    ['tau', [-1e-300, 0, 1e-300, 1e300, Number.POSITIVE_INFINITY]],
    ['activePercent', [-0.001, 0, 100, 100.001]],
    ['cgn', ['l1', 'sum', 'L1', '']],
    ['checkEvery', ['batch', 'epoch', 'step']],
    ['minTrainLoss', [null, -1e-9, 0, 1e9]],
  ];
  it.each(randomout.flatMap(([field, values]) => values.map((v) => [field, v] as const)))(
    'randomout.%s = %s',
    (field, value) => {
      const cell = { tau: 1e-8, activePercent: 60, [field]: value };
      expect(sweepAccepts({ randomout: cell })).toBe(trainerAccepts({ randomout: cell }));
    },
  );

  it.each([-1, 0, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 53])('seed %s', (seed) => {
    const trainer = trainerAccepts({ seed });
    expect(sweepAccepts({ seeds: [seed] })).toBe(trainer);
    expect(sweepAccepts({ seeds: { from: seed, to: seed } })).toBe(trainer);
  });
});

// crater-data does not export its option check, so the sweep repeats it; loadRegion runs that
// check before touching any file, so against an empty directory it fails with
// InvalidOptionError exactly when the options are out of range.
describe('dataset ranges agree with crater-data', () => {
  const emptyDir = mkdtempSync(path.join(tmpdir(), 'sweep-spec-'));
  afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

  async function craterDataAccepts(options: Record<string, unknown>): Promise<boolean> {
    const error = await loadRegion('East', { dataDir: emptyDir, ...options }).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    return !(error instanceof InvalidOptionError);
  }

  const cases: [string, unknown[]][] = [
    ['cropScale', [-1, 0, Number.MIN_VALUE, 2, 1e6, Number.POSITIVE_INFINITY, Number.NaN]],
    ['size', [1, 2, 2.5, 64, 65]],
    ['splitSeed', [-1, 0, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 53]],
  ];
  it.each(cases.flatMap(([field, values]) => values.map((v) => [field, v] as const)))(
    'dataset.%s = %s',
    async (field, value) => {
      const expected = await craterDataAccepts({ [field]: value });
      expect(sweepAccepts({ dataset: { [field]: value } })).toBe(expected);
    },
  );
});
