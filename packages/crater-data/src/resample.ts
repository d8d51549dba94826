import type { GreyImage } from './pgm.js';

/**
 * Pixel convention: pixel (i, j) covers the continuous square [i, i+1) x [j, j+1), so its
 * centre is (i + 0.5, j + 0.5). Outside the image the edge pixels are replicated.
 */

/** The source pixels one output pixel covers along one axis, with their fractional overlaps. */
interface Span {
  /** First source index (unclamped: may lie outside the image). */
  start: number;
  /** Overlap of source index start + t with the output box, divided by the box length. */
  weights: Float64Array;
}

/**
 * Crops the square [left, left + side) x [top, top + side) (continuous coordinates) and
 * resamples it to size x size by exact area averaging: each output pixel is the mean of the
 * source pixels under its box, weighted by the area each covers. Returns row-major float64.
 */
export function cropAndResample(
  image: GreyImage,
  left: number,
  top: number,
  side: number,
  size: number,
): Float64Array {
  const cols = spans(left, side, size);
  const rows = spans(top, side, size);
  // Area averaging is separable: average along x once per source row, then along y.
  const firstRow = rows[0]!.start;
  const lastRow = rows[size - 1]!.start + rows[size - 1]!.weights.length - 1;
  const across = new Float64Array((lastRow - firstRow + 1) * size);
  for (let r = firstRow; r <= lastRow; r++) {
    const rowOffset = clamp(r, image.height) * image.width;
    const outOffset = (r - firstRow) * size;
    for (let u = 0; u < size; u++) {
      const { start, weights } = cols[u]!;
      let sum = 0;
      for (let t = 0; t < weights.length; t++) {
        sum += weights[t]! * image.pixels[rowOffset + clamp(start + t, image.width)]!;
      }
      across[outOffset + u] = sum;
    }
  }
  const out = new Float64Array(size * size);
  for (let v = 0; v < size; v++) {
    const { start, weights } = rows[v]!;
    for (let t = 0; t < weights.length; t++) {
      const w = weights[t]!;
      const from = (start + t - firstRow) * size;
      for (let u = 0; u < size; u++) out[v * size + u]! += w * across[from + u]!;
    }
  }
  return out;
}

function spans(origin: number, side: number, size: number): Span[] {
  return Array.from({ length: size }, (_, k) => {
    // Box edges are computed from k, not accumulated, so neighbouring boxes share an edge exactly.
    const a = origin + (side * k) / size;
    const b = origin + (side * (k + 1)) / size;
    const start = Math.floor(a);
    const weights = new Float64Array(Math.ceil(b) - start);
    for (let t = 0; t < weights.length; t++) {
      const i = start + t;
      weights[t] = (Math.min(b, i + 1) - Math.max(a, i)) / (b - a);
    }
    return { start, weights };
  });
}

function clamp(i: number, length: number): number {
  return i < 0 ? 0 : i >= length ? length - 1 : i;
}
