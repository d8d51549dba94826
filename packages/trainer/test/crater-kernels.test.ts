import { describe, expect, it } from 'vitest';
import { RandomStream } from '@seedsweep/prng';
import { CraterKernels } from '../src/crater-kernels.js';
import { kernelEngines } from './kernel-engines.js';

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

/** Inputs of side `side` give the dense layer (side - 3)^2 * 20 inputs. */
const flatOf = (side: number) => (side - 3) ** 2 * 20;

// Every engine of the kernels family against the same scalar references: wasm, and native on
// each code path this CPU runs. Bit for bit, so they are bit-identical to each other.
describe.each(
  kernelEngines().map((engine) => ({ engine, label: `${engine.name} (${engine.codePath})` })),
)('on $label', ({ engine }) => {
  /** Kernels whose second convolution takes inputs of side `side` (images of side + 3). */
  const kernelsFor = (side: number, hidden: number) => new CraterKernels(side + 3, hidden, engine);

  describe('CraterKernels: the dense layer', () => {
    // The crater CNN's shape with a full and a ragged batch, and small ones that exercise every
    // edge: a half panel (12 = 8 + 4 outputs), a batch of one, rows not a multiple of 4.
    const shapes = [
      { n: 32, side: 12, outs: 500 },
      { n: 5, side: 12, outs: 500 },
      { n: 1, side: 4, outs: 12 },
      { n: 7, side: 5, outs: 16 },
      { n: 3, side: 4, outs: 4 },
    ].map((shape) => ({ ...shape, ins: flatOf(shape.side) }));

    it.each(shapes)(
      'forward is bit for bit the documented float32 sum ($n x $ins x $outs)',
      (s) => {
        const { n, side, ins, outs } = s;
        const w = uniform(ins * outs, 0.06, 'w');
        const x = uniform(n * ins, 1, 'x');
        const layers = kernelsFor(side, outs);
        layers.setDenseWeights(w);
        layers.denseInput(n).set(x);
        const z = layers.forwardDense(n);
        expect(Array.from(z)).toEqual(Array.from(referenceForward(x, w, n, ins, outs)));
        expect(relativeError(z, float64Product(x, w, n, ins, outs))).toBeLessThan(1e-5);
      },
    );

    it.each(shapes)(
      'backward gives dx from the old weights and updates them in place, bit for bit ($n x $ins x $outs)',
      (s) => {
        const { n, side, ins, outs } = s;
        const w = uniform(ins * outs, 0.06, 'w');
        const x = uniform(n * ins, 1, 'x');
        const dz = uniform(n * outs, 0.01, 'dz');
        const scaled = dz.map((g) => f(g * f(0.05)));
        const layers = kernelsFor(side, outs);
        layers.setDenseWeights(w);
        layers.denseInput(n).set(x);
        layers.forwardDense(n);
        const dx = layers.backwardDense(dz, scaled, n);

        expect(Array.from(dx)).toEqual(Array.from(referenceInputGradient(dz, w, n, ins, outs)));
        expect(
          relativeError(dx, float64Product(dz, transpose(w, ins, outs), n, outs, ins)),
        ).toBeLessThan(1e-5);
        const updated = layers.denseWeights();
        expectSameFloats(updated, referenceUpdate(x, scaled, w, n));
        expect(updated.some((value, i) => value !== w[i])).toBe(true);
      },
    );

    it('gives back the weights it was given, and keeps them when its buffers grow', () => {
      const w = uniform(1620 * 500, 0.06, 'w');
      const layers = kernelsFor(12, 500);
      layers.setDenseWeights(w);
      expectSameFloats(layers.denseWeights(), w);
      const x = uniform(512 * 1620, 1, 'x');
      layers.denseInput(512).set(x);
      const z = layers.forwardDense(512);
      expectSameFloats(layers.denseWeights(), w);
      expect(Array.from(z.subarray(0, 3 * 500))).toEqual(
        Array.from(referenceForward(x.subarray(0, 3 * 1620), w, 3, 1620, 500)),
      );
    });

    it('hands a released instance to the next acquire of its shape, once', () => {
      const first = CraterKernels.acquire(8, 8, engine);
      first.release();
      first.release();
      expect(CraterKernels.acquire(9, 8, engine)).not.toBe(first);
      expect(CraterKernels.acquire(8, 12, engine)).not.toBe(first);
      // Never to another engine or code path: its kernels are bound to the one it was made for.
      for (const other of kernelEngines()) {
        if (other.name !== engine.name || other.codePath !== engine.codePath) {
          expect(CraterKernels.acquire(8, 8, other)).not.toBe(first);
        }
      }
      expect(CraterKernels.acquire(8, 8, engine)).toBe(first);
      expect(CraterKernels.acquire(8, 8, engine)).not.toBe(first);
    });

    it('reports a NaN or infinite weight', () => {
      const w = uniform(20 * 12, 0.06, 'w');
      const layers = kernelsFor(4, 12);
      layers.setDenseWeights(w);
      expect(layers.denseWeightsFinite()).toBe(true);
      w[239] = Infinity;
      layers.setDenseWeights(w);
      expect(layers.denseWeightsFinite()).toBe(false);
    });

    it('refuses shapes the kernels do not handle, wrong weights, and a backward without its forward', () => {
      expect(() => kernelsFor(12, 10)).toThrow(/hidden size 10 is not a multiple of 4/);
      expect(() => kernelsFor(3, 12)).toThrow(/images of side 6 are too small/);
      const layers = kernelsFor(4, 12);
      expect(() => layers.setDenseWeights(new Float32Array(95))).toThrow(/95 values for 20x12/);
      layers.setDenseWeights(uniform(240, 0.06, 'w'));
      layers.denseInput(3).set(uniform(3 * 20, 1, 'x'));
      layers.forwardDense(3);
      expect(() => layers.backwardDense(new Float32Array(24), new Float32Array(24), 2)).toThrow(
        /backward of 2 rows after a forward of 3/,
      );
      expect(() => layers.backwardConv(3)).toThrow(
        /^convolution backward of 3 rows after a forward of 0/,
      );
      expect(() => layers.backwardFirstConv(3)).toThrow(
        /first convolution backward of 3 rows after a forward of 0/,
      );
    });
  });

  const C = 20;
  const K = 4;

  /** x[i][h][w][c] of a [n, side, side, channels] batch. */
  const at = (side: number, i: number, h: number, w: number, c: number, channels = C) =>
    ((i * side + h) * side + w) * channels + c;
  /** w[kh][kw][ci][co] of a [4, 4, cin, 20] filter. */
  const tap = (kh: number, kw: number, ci: number, co: number, cin = C) =>
    ((kh * K + kw) * cin + ci) * C + co;

  /**
   * relu((+0 + taps in order of kh, kw, ci) + b), NaN kept; in float32. `cin` input channels:
   * 20 for the second convolution, 1 for the first.
   */
  function referenceConv(
    x: Float32Array,
    w: Float32Array,
    b: Float32Array,
    n: number,
    side: number,
    cin = C,
  ) {
    const out = side - K + 1;
    const y = new Float32Array(n * out * out * C);
    for (let i = 0; i < n; i++)
      for (let oh = 0; oh < out; oh++)
        for (let ow = 0; ow < out; ow++)
          for (let co = 0; co < C; co++) {
            let acc = 0;
            for (let kh = 0; kh < K; kh++)
              for (let kw = 0; kw < K; kw++)
                for (let ci = 0; ci < cin; ci++)
                  acc = f(
                    acc +
                      f(x[at(side, i, oh + kh, ow + kw, ci, cin)]! * w[tap(kh, kw, ci, co, cin)]!),
                  );
            const z = f(acc + b[co]!);
            y[at(out, i, oh, ow, co)] = z > 0 || z !== z ? z : 0;
          }
    return y;
  }

  /** The orders wasm/crater-kernels.c documents for the convolutions' backward passes, in float32. */
  function referenceConvBackward(
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    w: Float32Array,
    n: number,
    side: number,
    cin = C,
  ) {
    const out = side - K + 1;
    const positions = n * out * out;
    const dz = dy.map((g, e) => {
      const a = y[e]!;
      return f(g * (a > 0 ? 1 : a !== a ? a : 0));
    });
    const db = new Float32Array(C);
    for (let co = 0; co < C; co++) {
      let acc = 0;
      for (let p = 0; p < positions; p++) acc = f(acc + dz[p * C + co]!);
      db[co] = acc;
    }
    const dw = new Float32Array(K * K * cin * C);
    for (let kh = 0; kh < K; kh++)
      for (let kw = 0; kw < K; kw++)
        for (let ci = 0; ci < cin; ci++)
          for (let co = 0; co < C; co++) {
            let acc = 0;
            for (let i = 0; i < n; i++)
              for (let oh = 0; oh < out; oh++)
                for (let ow = 0; ow < out; ow++)
                  acc = f(
                    acc +
                      f(x[at(side, i, oh + kh, ow + kw, ci, cin)]! * dz[at(out, i, oh, ow, co)]!),
                  );
            dw[tap(kh, kw, ci, co, cin)] = acc;
          }
    // The first convolution's kernels stop before dx (nothing comes before them).
    const dx = new Float32Array(n * side * side * cin);
    for (let i = 0; i < n; i++)
      for (let oh = 0; oh < out; oh++)
        for (let ow = 0; ow < out; ow++)
          for (let kh = 0; kh < K; kh++)
            for (let kw = 0; kw < K; kw++)
              for (let ci = 0; ci < cin; ci++) {
                let acc = 0;
                for (let co = 0; co < C; co++)
                  acc = f(acc + f(w[tap(kh, kw, ci, co, cin)]! * dz[at(out, i, oh, ow, co)]!));
                const e = at(side, i, oh + kh, ow + kw, ci, cin);
                dx[e] = f(dx[e]! + acc);
              }
    return { dz, db, dw, dx };
  }

  describe('CraterKernels: the second convolution', () => {
    // The crater CNN's shape; an odd output side (a lone last column); a single output.
    const shapes = [
      { n: 32, side: 12 },
      { n: 3, side: 6 },
      { n: 1, side: 4 },
    ];

    it.each(shapes)(
      'forward is bit for bit relu(conv + b) in the documented order ($n x $side)',
      (s) => {
        const { n, side } = s;
        const x = uniform(n * side * side * C, 1, 'conv-x').map(Math.abs);
        const w = uniform(K * K * C * C, 0.1, 'conv-w');
        const b = uniform(C, 0.1, 'conv-b');
        const layers = kernelsFor(side, 4);
        layers.convInput(n).set(x);
        const y = layers.forwardConv(n, w, b);
        const expected = referenceConv(x, w, b, n, side);
        expectSameFloats(y, expected);
        // Both signs occur, so the ReLU is exercised.
        expect(y.some((v) => v === 0) && y.some((v) => v > 0)).toBe(true);
      },
    );

    it.each(shapes)('backward gives dz, db, dW and dx bit for bit ($n x $side)', (s) => {
      const { n, side } = s;
      const out = side - K + 1;
      const x = uniform(n * side * side * C, 1, 'conv-x').map(Math.abs);
      const w = uniform(K * K * C * C, 0.1, 'conv-w');
      const b = uniform(C, 0.1, 'conv-b');
      const dy = uniform(n * out * out * C, 0.01, 'conv-dy');
      const layers = kernelsFor(side, 4);
      layers.convInput(n).set(x);
      const y = layers.forwardConv(n, w, b).slice();
      layers.convOutputGradient(n).set(dy);
      const got = layers.backwardConv(n);
      const expected = referenceConvBackward(x, y, dy, w, n, side);
      expectSameFloats(layers.convOutputGradient(n), expected.dz);
      expectSameFloats(got.db2, expected.db);
      expectSameFloats(got.dw2, expected.dw);
      expectSameFloats(got.da1, expected.dx);
    });

    it('lets a NaN through the ReLU and its gradient, so a diverging run is seen to diverge', () => {
      const n = 1;
      const side = 5;
      const x = uniform(n * side * side * C, 1, 'conv-x').map(Math.abs);
      x[at(side, 0, 0, 0, 3)] = NaN;
      const layers = kernelsFor(side, 4);
      layers.convInput(n).set(x);
      const y = layers.forwardConv(n, uniform(K * K * C * C, 0.1, 'conv-w'), new Float32Array(C));
      // Only output (0, 0) sees input (0, 0).
      expect(y.subarray(0, C).every(Number.isNaN)).toBe(true);
      expect(y.subarray(C).some(Number.isNaN)).toBe(false);
      layers.convOutputGradient(n).fill(1e-3);
      const { da1, dw2 } = layers.backwardConv(n);
      expect(layers.convOutputGradient(n).subarray(0, C).every(Number.isNaN)).toBe(true);
      expect(da1.some(Number.isNaN) && dw2.some(Number.isNaN)).toBe(true);
    });
  });

  describe('CraterKernels: the first convolution', () => {
    // The crater CNN's images; an odd output side (a lone last column); the smallest images the
    // layers after it take.
    const shapes = [
      { n: 32, side: 15 },
      { n: 3, side: 8 },
      { n: 1, side: 7 },
    ];

    function forward(n: number, side: number) {
      const x = uniform(n * side * side, 1, 'image-x');
      const w = uniform(K * K * C, 0.3, 'image-w');
      const b = uniform(C, 0.1, 'image-b');
      const kernels = new CraterKernels(side, 4, engine);
      kernels.imageInput(n).set(x);
      const y = kernels.forwardFirstConv(n, w, b).slice();
      return { x, w, b, y, kernels };
    }

    it.each(shapes)(
      'forward is bit for bit relu(conv + b) in the documented order ($n x $side)',
      ({ n, side }) => {
        const { x, w, b, y } = forward(n, side);
        expectSameFloats(y, referenceConv(x, w, b, n, side, 1));
        // Both signs occur, so the ReLU is exercised.
        expect(y.some((v) => v === 0) && y.some((v) => v > 0)).toBe(true);
      },
    );

    it.each(shapes)('backward gives dz, db and dW bit for bit ($n x $side)', ({ n, side }) => {
      const { x, w, y, kernels } = forward(n, side);
      const dy = uniform(y.length, 0.01, 'image-dy');
      kernels.firstConvOutputGradient(n).set(dy);
      const got = kernels.backwardFirstConv(n);
      const expected = referenceConvBackward(x, y, dy, w, n, side, 1);
      expectSameFloats(kernels.firstConvOutputGradient(n), expected.dz);
      expectSameFloats(got.db1, expected.db);
      expectSameFloats(got.dw1, expected.dw);
    });
  });
});
