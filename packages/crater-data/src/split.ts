import { RandomStream } from '@seedsweep/prng';
import type { RegionName } from './regions.js';

export interface SplitSizes {
  train: number;
  test: number;
  trainCraters: number;
  trainNonCraters: number;
}

/**
 * Training gets ceil(N/2) examples, of which ceil(craters/2) are craters, so both halves keep
 * the region's crater ratio as closely as integers allow.
 */
export function splitSizes(craters: number, nonCraters: number): SplitSizes {
  const total = craters + nonCraters;
  const train = Math.ceil(total / 2);
  const trainCraters = Math.ceil(craters / 2);
  return { train, test: total - train, trainCraters, trainNonCraters: train - trainCraters };
}

export interface Split {
  /** Indices into the region's candidate list, in training order. */
  train: Int32Array;
  /** Indices into the region's candidate list, in test order. */
  test: Int32Array;
}

/**
 * Stratified 50/50 split of a region's candidates, given their labels in candidate order (tile
 * order of REGION_TILES; within a tile its tp file, then its tn file; within a file, line order).
 * Depends only on the labels, the region and `splitSeed`, so it is the same on every machine and
 * independent of any model seed. Stream names are part of the prepared-data contract: changing
 * one changes every split, so bump PREPARATION_VERSION with it.
 */
export function splitRegion(
  region: RegionName,
  labels: ArrayLike<number>,
  splitSeed: number,
): Split {
  const craters: number[] = [];
  const nonCraters: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? craters : nonCraters).push(i);
  const sizes = splitSizes(craters.length, nonCraters.length);
  const draw = (name: string, indices: number[]): number[] =>
    RandomStream.derive(splitSeed, `crater-data/split/${region}/${name}`).shuffle(indices);
  const c = draw('crater', craters);
  const n = draw('non-crater', nonCraters);
  const order = (name: string, indices: number[]): Int32Array =>
    RandomStream.derive(splitSeed, `crater-data/order/${region}/${name}`).shuffle(
      Int32Array.from(indices),
    );
  return {
    train: order('train', [
      ...c.slice(0, sizes.trainCraters),
      ...n.slice(0, sizes.trainNonCraters),
    ]),
    test: order('test', [...c.slice(sizes.trainCraters), ...n.slice(sizes.trainNonCraters)]),
  };
}
