import type { Candidate } from './candidates.js';
import type { GreyImage } from './pgm.js';
import { cropAndResample } from './resample.js';

export interface ExampleOptions {
  /** Crop side as a multiple of the candidate's diameter. */
  cropScale: number;
  /** Output side in pixels. */
  size: number;
}

/**
 * Below this standard deviation (in grey levels) a crop is flat up to rounding error; scaling it
 * to unit variance would only amplify that error, so it becomes all zeros instead.
 */
const FLAT_STD = 1e-6;

/**
 * Writes the example of candidate `c` to out[offset, offset + size * size): the square crop of
 * side cropScale * d centred on the centre of pixel (c.x, c.y), i.e. on the continuous point
 * (x + 0.5, y + 0.5), area-resampled to size x size, then standardised to zero mean and unit
 * (population) variance. Computed in float64, stored in float32.
 */
export function writeExample(
  image: GreyImage,
  c: Candidate,
  options: ExampleOptions,
  out: Float32Array,
  offset: number,
): void {
  const side = options.cropScale * c.d;
  const crop = cropAndResample(
    image,
    c.x + 0.5 - side / 2,
    c.y + 0.5 - side / 2,
    side,
    options.size,
  );
  standardise(crop, out, offset);
}

export function standardise(values: Float64Array, out: Float32Array, offset: number): void {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i]! - mean) ** 2;
  const std = Math.sqrt(variance / n);
  if (std < FLAT_STD) {
    out.fill(0, offset, offset + n);
    return;
  }
  for (let i = 0; i < n; i++) out[offset + i] = (values[i]! - mean) / std;
}
