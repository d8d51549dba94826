/**
 * How a crop's grey levels become the network's inputs. The paper does not say; the choice
 * decides whether the filter lottery exists at all (see METHOD.md, "Input scale"):
 * - `standardise`: zero mean and unit variance per crop (our first default; very stable).
 * - `minmax`: per crop, the darkest pixel to the range's low end and the brightest to its high
 *   end. The authors' inference code (cratercnn-cli, `Predictor.inputFromImage`) maps to
 *   [0, 150]: its constants are a = 50 and b = 200, but it never adds a.
 * - `unit`: grey / 255, the same affine map for every crop.
 * - `raw`: grey levels 0-255 as they are.
 */
export const INPUT_SCALES = ['standardise', 'minmax', 'unit', 'raw'] as const;
export type InputScale = (typeof INPUT_SCALES)[number];

export const DEFAULT_INPUT_SCALE: InputScale = 'standardise';
/** The authors' effective range: (b - a) (x - min) / (max - min) with a = 50, b = 200. */
export const DEFAULT_MINMAX_RANGE: readonly [number, number] = [0, 150];

export function isInputScale(value: unknown): value is InputScale {
  return (INPUT_SCALES as readonly unknown[]).includes(value);
}

/**
 * Below this spread (in grey levels) a crop is flat up to rounding error: standardising or
 * min-max scaling it would only amplify that error (the authors' code divides by zero), so it
 * becomes the scale's value for "no contrast": 0 for `standardise`, the range's low end for
 * `minmax`.
 */
const FLAT = 1e-6;

export interface InputScaling {
  inputScale: InputScale;
  /** Only read by `minmax`. */
  minmaxRange: readonly [number, number];
}

/**
 * Writes `values` (grey levels of one resampled crop, 0-255) to out[offset, offset + n), scaled
 * as `scaling` says. Computed in float64, stored in float32.
 */
export function scaleInputs(
  values: Float64Array,
  scaling: InputScaling,
  out: Float32Array,
  offset: number,
): void {
  switch (scaling.inputScale) {
    case 'standardise':
      return standardise(values, out, offset);
    case 'minmax':
      return minmax(values, scaling.minmaxRange, out, offset);
    case 'unit':
      for (let i = 0; i < values.length; i++) out[offset + i] = values[i]! / 255;
      return;
    case 'raw':
      out.set(values, offset);
      return;
  }
}

export function standardise(values: Float64Array, out: Float32Array, offset: number): void {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i]! - mean) ** 2;
  const std = Math.sqrt(variance / n);
  if (std < FLAT) {
    out.fill(0, offset, offset + n);
    return;
  }
  for (let i = 0; i < n; i++) out[offset + i] = (values[i]! - mean) / std;
}

export function minmax(
  values: Float64Array,
  [low, high]: readonly [number, number],
  out: Float32Array,
  offset: number,
): void {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  if (!(max - min >= FLAT)) {
    out.fill(low, offset, offset + n);
    return;
  }
  const scale = (high - low) / (max - min);
  for (let i = 0; i < n; i++) out[offset + i] = low + (values[i]! - min) * scale;
}
