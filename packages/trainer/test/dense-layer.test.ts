import { describe, expect, it } from 'vitest';
import { RandomStream } from '@seedsweep/prng';
import { DenseLayer } from '../src/dense-layer.js';

const f = Math.fround;

function uniform(count: number, limit: number, name: string): Float32Array {
  const values = new Float32Array(count);
  RandomStream.derive(5, name).fillUniform(values, limit);
  return values;
}

/** The forward order wasm/dense-layer.c documents: +0, then k = 0, 1, ... in float32. */
function referenceForward(x: Float32Array, w: Float32Array, n: number, ins: number, outs: number) {
  const z = new Float32Array(n * outs);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < outs; j++) {
      let c = 0;
      for (let k = 0; k < ins; k++) c = f(c + f(x[i * ins + k]! * w[k * outs + j]!));
      z[i * outs + j] = c;
    }
  }
  return z;
}

/** dx: four lane sums over j = l, l + 4, ..., added as (s0 + s1) + (s2 + s3). */
function referenceInputGradient(
  dz: Float32Array,
  w: Float32Array,
  n: number,
  ins: number,
  outs: number,
) {
  const dx = new Float32Array(n * ins);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < ins; k++) {
      const lanes = [0, 0, 0, 0];
      for (let j = 0; j < outs; j++) {
        lanes[j % 4] = f(lanes[j % 4]! + f(dz[i * outs + j]! * w[k * outs + j]!));
      }
      dx[i * ins + k] = f(f(lanes[0]! + lanes[1]!) + f(lanes[2]! + lanes[3]!));
    }
  }
  return dx;
}

/** w - (+0 + x[0][k] s[0][j] + x[1][k] s[1][j] + ...), in float32. */
function referenceUpdate(x: Float32Array, s: Float32Array, w: Float32Array, n: number) {
  const ins = x.length / n;
  const outs = s.length / n;
  const next = new Float32Array(w.length);
  for (let k = 0; k < ins; k++) {
    for (let j = 0; j < outs; j++) {
      let acc = 0;
      for (let i = 0; i < n; i++) acc = f(acc + f(x[i * ins + k]! * s[i * outs + j]!));
      next[k * outs + j] = f(w[k * outs + j]! - acc);
    }
  }
  return next;
}

function float64Product(
  a: Float32Array,
  b: Float32Array,
  rows: number,
  inner: number,
  cols: number,
) {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let t = 0; t < inner; t++) sum += a[r * inner + t]! * b[t * cols + c]!;
      out[r * cols + c] = sum;
    }
  }
  return out;
}

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/** Bit for bit, and quick on 810,000 values (toEqual takes seconds there). */
function expectSameFloats(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  expect(bytes(actual).equals(bytes(expected))).toBe(true);
}

/** Largest |a - b| relative to the largest |b|: float32 sums against float64 ones. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return worst / scale;
}

describe('DenseLayer', () => {
  // The crater CNN's shape with a full and a ragged batch, and small ones that exercise every
  // edge: a half panel (12 = 8 + 4 outputs), a batch of one, rows not a multiple of 4.
  const shapes = [
    { n: 32, ins: 1620, outs: 500 },
    { n: 5, ins: 1620, outs: 500 },
    { n: 1, ins: 8, outs: 12 },
    { n: 7, ins: 12, outs: 16 },
    { n: 3, ins: 4, outs: 4 },
  ];

  it.each(shapes)('forward is bit for bit the documented float32 sum ($n x $ins x $outs)', (s) => {
    const { n, ins, outs } = s;
    const w = uniform(ins * outs, 0.06, 'w');
    const x = uniform(n * ins, 1, 'x');
    const layer = new DenseLayer(ins, outs);
    layer.setWeights(w);
    layer.inputRows(n).set(x);
    const z = layer.forward(n);
    expect(Array.from(z)).toEqual(Array.from(referenceForward(x, w, n, ins, outs)));
    expect(relativeError(z, float64Product(x, w, n, ins, outs))).toBeLessThan(1e-5);
  });

  it.each(shapes)(
    'backward gives dx from the old weights and updates them in place, bit for bit ($n x $ins x $outs)',
    (s) => {
      const { n, ins, outs } = s;
      const w = uniform(ins * outs, 0.06, 'w');
      const x = uniform(n * ins, 1, 'x');
      const dz = uniform(n * outs, 0.01, 'dz');
      const scaled = dz.map((g) => f(g * f(0.05)));
      const layer = new DenseLayer(ins, outs);
      layer.setWeights(w);
      layer.inputRows(n).set(x);
      layer.forward(n);
      const dx = layer.backward(dz, scaled, n);

      expect(Array.from(dx)).toEqual(Array.from(referenceInputGradient(dz, w, n, ins, outs)));
      expect(
        relativeError(dx, float64Product(dz, transpose(w, ins, outs), n, outs, ins)),
      ).toBeLessThan(1e-5);
      const updated = layer.weights();
      expectSameFloats(updated, referenceUpdate(x, scaled, w, n));
      expect(updated.some((value, i) => value !== w[i])).toBe(true);
    },
  );

  it('gives back the weights it was given, and keeps them when its buffers grow', () => {
    const w = uniform(1620 * 500, 0.06, 'w');
    const layer = new DenseLayer(1620, 500);
    layer.setWeights(w);
    expectSameFloats(layer.weights(), w);
    const x = uniform(512 * 1620, 1, 'x');
    layer.inputRows(512).set(x);
    const z = layer.forward(512);
    expectSameFloats(layer.weights(), w);
    expect(Array.from(z.subarray(0, 3 * 500))).toEqual(
      Array.from(referenceForward(x.subarray(0, 3 * 1620), w, 3, 1620, 500)),
    );
  });

  it('reports a NaN or infinite weight', () => {
    const w = uniform(8 * 12, 0.06, 'w');
    const layer = new DenseLayer(8, 12);
    layer.setWeights(w);
    expect(layer.allFinite()).toBe(true);
    w[95] = Infinity;
    layer.setWeights(w);
    expect(layer.allFinite()).toBe(false);
  });

  it('refuses sizes the kernels do not handle, wrong weights, and a backward without its forward', () => {
    expect(() => new DenseLayer(6, 8)).toThrow(/multiples of 4/);
    const layer = new DenseLayer(8, 12);
    expect(() => layer.setWeights(new Float32Array(95))).toThrow(/95 values for 8x12/);
    layer.setWeights(uniform(96, 0.06, 'w'));
    layer.inputRows(3).set(uniform(3 * 8, 1, 'x'));
    layer.forward(3);
    expect(() => layer.backward(new Float32Array(24), new Float32Array(24), 2)).toThrow(
      /backward of 2 rows after a forward of 3/,
    );
  });
});
