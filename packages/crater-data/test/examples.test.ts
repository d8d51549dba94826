import { describe, expect, it } from 'vitest';
import { writeExample } from '../src/examples.js';
import { standardise } from '../src/input-scale.js';
import { cropAndResample } from '../src/resample.js';
import { syntheticImage } from './fixtures.js';

const STANDARDISE = { inputScale: 'standardise', minmaxRange: [0, 150] } as const;

function example(
  image: ReturnType<typeof syntheticImage>,
  c: { x: number; y: number; d: number },
  size = 15,
  cropScale = 2,
): Float32Array {
  const out = new Float32Array(size * size);
  writeExample(image, c, { cropScale, size, ...STANDARDISE }, out, 0);
  return out;
}

function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i]! - mean) ** 2;
  return { mean, variance: variance / n };
}

describe('cropAndResample', () => {
  it('averages 2x2 blocks when a 4-pixel crop becomes 2x2', () => {
    const image = syntheticImage(4, 4, (x, y) => 4 * y + x);
    expect([...cropAndResample(image, 0, 0, 4, 2)]).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('weights partly covered pixels by the area they cover', () => {
    // Each output box is 1.5 pixels wide: pixel 0 fully, pixel 1 half (weights 2/3, 1/3).
    const image = syntheticImage(3, 3, (x, y) => 3 * y + x);
    const out = cropAndResample(image, 0, 0, 3, 2);
    [4 / 3, 8 / 3, 16 / 3, 20 / 3].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 12));
  });

  it('replicates edge pixels outside the tile', () => {
    const image = syntheticImage(4, 4, (x, y) => 10 * y + x);
    // Wholly left of the tile: every column repeats column 0.
    expect([...cropAndResample(image, -8, 0, 4, 4)]).toEqual([
      0, 0, 0, 0, 10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30,
    ]);
    // Over the bottom-right corner: boxes [2,4) x [4,6) etc.; rows and columns 4, 5 repeat 3.
    // (0,0): mean(22, 23, 32, 33); (0,1): mean(23, 23, 33, 33); (1,0): mean(32, 33); (1,1): 33.
    expect([...cropAndResample(image, 2, 2, 4, 2)]).toEqual([27.5, 28, 32.5, 33]);
  });
});

describe('writeExample', () => {
  it('centres the crop on the centre of pixel (x, y)', () => {
    // d = 1.5, cropScale 2: side 3 centred on (1.5, 1.5) is exactly the 3x3 tile.
    const image = syntheticImage(3, 3, (x, y) => 3 * y + x);
    const out = example(image, { x: 1, y: 1, d: 1.5 }, 2);
    const r = 1 / Math.sqrt(10);
    [-4 * r, -2 * r, 2 * r, 4 * r].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6));
  });

  it('turns a constant crop into zeros, never NaN', () => {
    const image = syntheticImage(40, 40, () => 117);
    expect([...example(image, { x: 20, y: 20, d: 10 })]).toEqual(new Array(225).fill(0));
    expect([...example(image, { x: 0, y: 39, d: 30 })]).toEqual(new Array(225).fill(0));
  });

  it('keeps a vertical edge: left columns negative, right positive, unit variance', () => {
    const image = syntheticImage(20, 20, (x) => (x < 10 ? 0 : 255));
    // x = 9.5 puts the crop centre on the continuous boundary x = 10.
    const out = example(image, { x: 9.5, y: 10, d: 8 });
    // Columns 0-6 are all 0, 8-14 all 255, column 7 straddles the edge evenly (127.5): the
    // standardised values are -s, +s and 0 with s = 1 / sqrt(14/15).
    const s = Math.sqrt(15 / 14);
    for (let row = 0; row < 15; row++) {
      for (let col = 0; col < 15; col++) {
        const v = out[row * 15 + col]!;
        if (col < 7) expect(v).toBeCloseTo(-s, 6);
        else if (col > 7) expect(v).toBeCloseTo(s, 6);
        else expect(v).toBeCloseTo(0, 6);
      }
    }
    const { mean, variance } = moments(out);
    expect(mean).toBeCloseTo(0, 6);
    expect(variance).toBeCloseTo(1, 5);
  });

  it('handles a crop hanging over the tile corner without NaN', () => {
    const image = syntheticImage(30, 30, (x, y) => (x * 7 + y * 3) % 256);
    for (const c of [
      { x: 0, y: 0, d: 25 },
      { x: 29, y: 29, d: 40 },
    ]) {
      const out = example(image, c);
      expect(out.every(Number.isFinite)).toBe(true);
      const { mean, variance } = moments(out);
      expect(mean).toBeCloseTo(0, 6);
      expect(variance).toBeCloseTo(1, 5);
    }
  });

  it('writes at the given offset and leaves the rest alone', () => {
    const image = syntheticImage(20, 20, (x, y) => x + y);
    const out = new Float32Array(3 * 4).fill(9);
    writeExample(image, { x: 10, y: 10, d: 4 }, { cropScale: 2, size: 2, ...STANDARDISE }, out, 4);
    expect([...out.subarray(0, 4)]).toEqual([9, 9, 9, 9]);
    expect([...out.subarray(8)]).toEqual([9, 9, 9, 9]);
    expect(moments(out.subarray(4, 8)).variance).toBeCloseTo(1, 5);
  });
});

describe('standardise', () => {
  it('uses the population variance', () => {
    const out = new Float32Array(2);
    standardise(Float64Array.from([1, 3]), out, 0);
    expect([...out]).toEqual([-1, 1]);
  });
});
