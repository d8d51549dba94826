import type { Candidate } from './candidates.js';
import type { GreyImage } from './pgm.js';
import { scaleInputs, type InputScaling } from './input-scale.js';
import { cropAndResample } from './resample.js';

export interface ExampleOptions extends InputScaling {
  /** Crop side as a multiple of the candidate's diameter. */
  cropScale: number;
  /** Output side in pixels. */
  size: number;
}

/**
 * Writes the example of candidate `c` to out[offset, offset + size * size): the square crop of
 * side cropScale * d centred on the centre of pixel (c.x, c.y), i.e. on the continuous point
 * (x + 0.5, y + 0.5), area-resampled to size x size, then scaled as `options.inputScale` says
 * (see scaleInputs). Computed in float64, stored in float32.
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
  scaleInputs(crop, options, out, offset);
}
