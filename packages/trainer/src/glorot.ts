import type { RandomStream } from '@seedsweep/prng';

/** Glorot (Xavier) uniform limit; for a convolution, fans count the receptive field. */
export function glorotLimit(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * Overwrites the weights of the given output units (last axis of a [..., units] weight
 * array) with fresh Glorot-uniform values. Values are drawn unit by unit, in ascending
 * order, each unit's weights in memory order: part of the determinism contract.
 */
export function reinitialiseUnits(
  weights: Float32Array,
  units: number,
  which: readonly number[],
  limit: number,
  stream: RandomStream,
): void {
  const rows = weights.length / units;
  for (const unit of which) {
    for (let r = 0; r < rows; r++) {
      weights[r * units + unit] = (stream.nextFloat() * 2 - 1) * limit;
    }
  }
}
