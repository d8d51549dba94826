import { beforeAll, describe, expect, it } from 'vitest';
import { selectEngine } from '../src/engine.js';
import { firstPossibleFiring } from '../src/baseline-equivalence.js';
import { InvalidCheckpointError } from '../src/errors/index.js';
import {
  decodeCheckpoint,
  dependentsNeed,
  encodeCheckpoint,
  type TrainCheckpoint,
} from '../src/train-checkpoint.js';
import { parseTrainConfig } from '../src/train-config.js';
import type { TrainResult } from '../src/train-result.js';
import { train } from '../src/train.js';
import type { TrainingData } from '../src/training-data.js';
import { loadEast, outcome, subset } from './fixtures.js';

describe('resuming a RandomOut run from its baseline (the default engine, real East data)', () => {
  let data: TrainingData;
  // A seed whose smallest |CGN| reaches a new low after the first epoch in both norms (|sum| is
  // noisy: for many seeds the first epoch's is the lowest), and in different epochs.
  const base = { seed: 12, epochs: 6, learningRate: 0.01, batchSize: 32 };
  let baseline: TrainResult;
  /** The baseline's state at the start of every epoch but the first, through encode/decode. */
  const saved = new Map<number, TrainCheckpoint>();

  beforeAll(async () => {
    await selectEngine('auto');
    data = subset(await loadEast(), 160, 200);
    baseline = await train(base, data, {
      checkpoints: {
        wants: (epoch) => epoch > 0,
        save: async (checkpoint) => {
          saved.set(checkpoint.epoch, decodeCheckpoint(encodeCheckpoint(checkpoint)));
        },
      },
    });
  });

  /** A threshold whose first firing is in a later epoch: between a record low and the one before. */
  function laterFiring(norm: 'l1' | 'sum' = 'l1'): { tau: number; epoch: number } {
    const minima = (norm === 'l1' ? baseline.minAbsCgn : baseline.minAbsSumCgn).map((v) => v!);
    for (let epoch = 1; epoch < minima.length; epoch++) {
      const before = Math.min(...minima.slice(0, epoch));
      if (minima[epoch]! < before) return { tau: (minima[epoch]! + before) / 2, epoch };
    }
    throw new Error(`no epoch lowers the smallest |CGN|: ${minima.join(', ')}`);
  }

  it('saves the state at the start of the epochs asked for, and checkpoints survive encoding', () => {
    expect([...saved.keys()]).toEqual([1, 2, 3, 4, 5]);
    const third = saved.get(3)!;
    expect(third.trainLoss).toEqual(baseline.trainLoss.slice(0, 3));
    expect(third.minAbsCgn).toEqual(baseline.minAbsCgn.slice(0, 3));
    expect(third.minAbsSumCgn).toEqual(baseline.minAbsSumCgn.slice(0, 3));
    expect(third.params.w3!.values.length).toBeGreaterThan(0);
  });

  it.each(['l1', 'sum'] as const)(
    'a %s run resumed where it could first fire ends bit for bit as the run trained from the start',
    async (cgn) => {
      const { tau, epoch } = laterFiring(cgn);
      const config = parseTrainConfig({ ...base, randomout: { tau, activePercent: 100, cgn } });
      expect(firstPossibleFiring(config, baseline)).toBe(epoch);
      const scratch = await train(config, data);
      expect(scratch.reinitializations.total).toBeGreaterThan(0);
      expect(
        scratch.reinitializations.perEpoch.slice(0, epoch).every((c) => c.conv1 + c.conv2 === 0),
      ).toBe(true);
      const resumed = await train(config, data, { resumeFrom: saved.get(epoch)! });
      expect(resumed.resumedFromEpoch).toBe(epoch);
      expect(scratch.resumedFromEpoch).toBeNull();
      expect(outcome(resumed)).toEqual(outcome(scratch));
      // Any earlier start of the baseline is the same run too.
      const earlier = await train(config, data, {
        resumeFrom: saved.get(epoch - 1) ?? saved.get(1)!,
      });
      expect(outcome(earlier)).toEqual(outcome(scratch));
    },
  );

  it('continues in its numeric family on any engine: a checkpoint of one resumes on the other', async () => {
    const { tau, epoch } = laterFiring('l1');
    const config = parseTrainConfig({ ...base, randomout: { tau, activePercent: 100 } });
    const scratch = await train(config, data);
    const other = (await selectEngine('auto')).name === 'native' ? 'wasm' : 'native';
    try {
      const engine = await selectEngine(other).catch(() => null);
      if (!engine) return; // no native addon here: wasm is the family's only engine
      const resumed = await train(config, data, { resumeFrom: saved.get(epoch)! });
      expect(resumed.engine).toBe(other);
      expect(outcome(resumed)).toEqual(outcome(scratch));
    } finally {
      await selectEngine('auto');
    }
  });

  it('a baseline keeps exactly the epochs where some dependent could first fire', async () => {
    const { tau, epoch } = laterFiring();
    const sum = laterFiring('sum');
    const dependents = [
      parseTrainConfig({ ...base, randomout: { tau, activePercent: 100 } }),
      // Never fires: no checkpoint for it.
      parseTrainConfig({ ...base, randomout: { tau: 1e-30, activePercent: 100 } }),
      // Judged by the |sum| minima, not by the l1 ones its tau would be compared with in l1.
      parseTrainConfig({ ...base, randomout: { tau: sum.tau, activePercent: 100, cgn: 'sum' } }),
      parseTrainConfig({ ...base, randomout: { tau: 1e-30, activePercent: 100, cgn: 'sum' } }),
    ];
    const kept: number[] = [];
    const again = await train(base, data, {
      checkpoints: {
        wants: dependentsNeed(dependents),
        save: async (c) => void kept.push(c.epoch),
      },
    });
    expect(sum.epoch).not.toBe(epoch);
    expect(kept).toEqual([epoch, sum.epoch].sort((a, b) => a - b));
    expect(again.weightsHash).toBe(baseline.weightsHash);
  });

  it('refuses a torn, altered or earlier checkpoint and one from another trainer or run length', async () => {
    const bytes = encodeCheckpoint(saved.get(2)!);
    const altered = Buffer.from(bytes);
    altered[altered.length - 5]! ^= 0x40;
    expect(() => decodeCheckpoint(altered)).toThrow(/checksum/);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 100))).toThrow(
      InvalidCheckpointError,
    );
    expect(() => decodeCheckpoint(Buffer.from('{"not":"one"}'))).toThrow(/not a seedsweep/);
    // Resumed from a checkpoint without the |sum CGN| history, a result would lack its start.
    const old: Partial<TrainCheckpoint> = { ...saved.get(2)! };
    delete old.minAbsSumCgn;
    expect(() => decodeCheckpoint(encodeCheckpoint(old as TrainCheckpoint))).toThrow(
      /no \|sum CGN\| history/,
    );
    const config = parseTrainConfig({ ...base, randomout: { tau: 1, activePercent: 50 } });
    await expect(
      train(config, data, { resumeFrom: { ...saved.get(2)!, trainerVersion: 'other' } }),
    ).rejects.toThrow(/trainer other/);
    await expect(
      train(config, data, { resumeFrom: { ...saved.get(2)!, numerics: 'tfjs' } }),
    ).rejects.toThrow(/written by the tfjs engines, this runs kernels/);
    await expect(
      train({ ...config, epochs: 2 }, data, { resumeFrom: saved.get(2)! }),
    ).rejects.toThrow(InvalidCheckpointError);
  });
});
