import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type { RandomStream } from '@seedsweep/prng';
import { glorotLimit, reinitialiseUnits } from './glorot.js';
import { HostHead } from './host-head.js';
import { MiddleLayers, type ConvGradients } from './middle-layers.js';
import { PatchBatch } from './patch-batch.js';
import { readTensorInto } from './read-tensor-into.js';

/** The crater CNN of METHOD.md: two 4x4 convolutions of 20 filters, dense 500, dense 2. */
export const CRATER_CNN = { filters: 20, kernel: 4, hidden: 500, classes: 2 } as const;

export type ConvLayer = 'conv1' | 'conv2';
export const CONV_LAYERS: readonly ConvLayer[] = ['conv1', 'conv2'];
export type CgnNorm = 'l1' | 'sum';

/** Every parameter by name (w1, b1, ..., w4, b4), in tfjs layouts: what checkpoints hold. */
export type ModelSnapshot = Record<string, { shape: number[]; values: Float32Array }>;

interface Params {
  w1: tf.Tensor4D;
  b1: tf.Tensor1D;
  w2: tf.Tensor4D;
  b2: tf.Tensor1D;
  w3: tf.Tensor2D;
  b3: tf.Tensor1D;
  w4: tf.Tensor2D;
  b4: tf.Tensor1D;
}
const PARAM_ORDER: readonly (keyof Params)[] = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3', 'w4', 'b4'];

/**
 * The parameters held as plain arrays, in their tfjs layouts (w1 [k, k, 1, f] is also
 * [k*k, f]); W3 lives in the MiddleLayers.
 */
type HostParams = Record<Exclude<keyof Params, 'w3'>, Float32Array>;

export interface StepOutput {
  /** Mean softmax cross-entropy of the batch. */
  loss: number;
  /** CGN of every filter: conv1's filters, then conv2's. */
  cgn: Float32Array;
}

/**
 * Forward and backward passes written out by hand: no autograd tape, fused bias + ReLU. The
 * first convolution runs on the tfjs backend. The second and the 1620x500 layer, nearly all
 * the arithmetic, run in WebAssembly kernels of our own (MiddleLayers), which update W3 in
 * place: on the wasm backend XNNPACK handles a batch of 32 against those weights poorly,
 * keeping them as tensors costs a new W3 every step, and the convolution's gradients take a
 * dozen kernels there. The head and the parameters other than W3, 8,000 values in all, live
 * on the host, where their updates cost less than the per-kernel overhead of doing them as
 * tensors.
 */
export class CraterCnn {
  private readonly host: HostParams;
  private readonly layers: MiddleLayers;
  private head: HostHead | null = null;

  /** Takes ownership of `params` (tfjs layouts). */
  private constructor(
    params: Params,
    readonly inputSize: number,
  ) {
    const read = (t: tf.Tensor): Float32Array => {
      const values = t.dataSync().slice() as Float32Array;
      t.dispose();
      return values;
    };
    this.host = {
      w1: read(params.w1),
      b1: read(params.b1),
      w2: read(params.w2),
      b2: read(params.b2),
      b3: read(params.b3),
      w4: read(params.w4),
      b4: read(params.b4),
    };
    const side = inputSize - CRATER_CNN.kernel + 1;
    this.layers = MiddleLayers.acquire(side, CRATER_CNN.hidden);
    this.layers.setDenseWeights(read(params.w3));
  }

  /** Glorot-uniform weights drawn from `stream` in the order w1, w2, w3, w4; zero biases. */
  static initialise(inputSize: number, stream: RandomStream): CraterCnn {
    const { filters: f, kernel: k, hidden, classes } = CRATER_CNN;
    const flat = CraterCnn.flatSize(inputSize);
    const draw = (size: number, fanIn: number, fanOut: number): Float32Array => {
      const values = new Float32Array(size);
      stream.fillUniform(values, glorotLimit(fanIn, fanOut));
      return values;
    };
    const w1 = draw(k * k * f, k * k, k * k * f);
    const w2 = draw(k * k * f * f, k * k * f, k * k * f);
    const w3 = draw(flat * hidden, flat, hidden);
    const w4 = draw(hidden * classes, hidden, classes);
    return new CraterCnn(
      {
        w1: tf.tensor4d(w1, [k, k, 1, f]),
        b1: tf.zeros([f]),
        w2: tf.tensor4d(w2, [k, k, f, f]),
        b2: tf.zeros([f]),
        w3: tf.tensor2d(w3, [flat, hidden]),
        b3: tf.zeros([hidden]),
        w4: tf.tensor2d(w4, [hidden, classes]),
        b4: tf.zeros([classes]),
      },
      inputSize,
    );
  }

  /** The model `snapshot()` copied, for inputs of side `inputSize`; shapes are checked. */
  static fromSnapshot(snapshot: ModelSnapshot, inputSize: number): CraterCnn {
    const fresh = CraterCnn.shapesFor(inputSize);
    const params = {} as Record<keyof Params, tf.Tensor>;
    for (const name of PARAM_ORDER) {
      const entry = snapshot[name];
      const shape = fresh[name];
      const size = shape.reduce((a, b) => a * b, 1);
      if (!entry || entry.shape.join() !== shape.join() || entry.values.length !== size) {
        for (const made of Object.values(params)) made.dispose();
        throw new RangeError(`snapshot parameter ${name} is not of shape [${shape.join(', ')}]`);
      }
      params[name] = tf.tensor(entry.values, shape);
    }
    return new CraterCnn(params as unknown as Params, inputSize);
  }

  private static shapesFor(inputSize: number): Record<keyof Params, number[]> {
    const { filters: f, kernel: k, hidden, classes } = CRATER_CNN;
    const flat = CraterCnn.flatSize(inputSize);
    return {
      w1: [k, k, 1, f],
      b1: [f],
      w2: [k, k, f, f],
      b2: [f],
      w3: [flat, hidden],
      b3: [hidden],
      w4: [hidden, classes],
      b4: [classes],
    };
  }

  static flatSize(inputSize: number): number {
    const side = inputSize - 2 * (CRATER_CNN.kernel - 1);
    if (side < 1)
      throw new RangeError(`input of side ${inputSize} is too small for the crater CNN`);
    return side * side * CRATER_CNN.filters;
  }

  /** Class scores for a batch [n, size, size, 1]. */
  logits(x: tf.Tensor4D): tf.Tensor2D {
    const n = x.shape[0];
    const { layers, host } = this;
    tf.tidy(() => readTensorInto(this.firstConvolution(x), layers.convInput(n)));
    layers.forwardConv(n, host.w2, host.b2);
    const scores = this.headFor(n).logits(layers.forwardDense(n), n, host);
    return tf.tensor2d(Float32Array.from(scores), [n, CRATER_CNN.classes]);
  }

  /** The first convolution with its bias and ReLU, on the backend. */
  private firstConvolution(x: tf.Tensor4D): tf.Tensor4D {
    const { filters: f, kernel: k } = CRATER_CNN;
    const { w1, b1 } = this.host;
    return tf.fused.conv2d({
      x,
      filter: tf.tensor4d(w1, [k, k, 1, f]),
      bias: tf.tensor1d(b1),
      activation: 'relu',
      strides: 1,
      pad: 'valid',
    });
  }

  /**
   * One step of plain SGD on `batch`. The first convolution runs on the backend, the second
   * and the 1620x500 layer in their kernels; the head (hidden bias and ReLU, output layer,
   * loss) and the remaining updates run on the host, which holds those parameters. A step
   * reads back from the backend only the first convolution's output and filter gradient.
   */
  step(batch: PatchBatch, learningRate: number, norm: CgnNorm): StepOutput {
    const { filters: f, kernel: k } = CRATER_CNN;
    const { n, positions, taps } = batch;
    const lr = Math.fround(learningRate);
    const host = this.host;
    const head = this.headFor(n);
    const { layers } = this;
    let dw1b!: Float32Array;
    let head3!: ReturnType<HostHead['run']>;
    let conv2!: ConvGradients;
    tf.tidy(() => {
      const size = this.inputSize;
      const x = tf.tensor4d(batch.pixels.subarray(0, n * size * size), [n, size, size, 1]);
      const a1 = this.firstConvolution(x);
      readTensorInto(a1, layers.convInput(n));
      layers.forwardConv(n, host.w2, host.b2);
      head3 = head.run(layers.forwardDense(n), n, batch.targets, host, lr);
      // W3 - flat^T (lr dz3): the learning rate goes on the small operand, saving a pass over W3.
      layers.backwardDense(head3.dz3, head3.scaledDz3, n);
      conv2 = layers.backwardConv(n);
      const dz1 = tf.mul(tf.tensor4d(conv2.da1, a1.shape), tf.step(a1));
      const colsT = tf.tensor2d(batch.colsT.subarray(0, positions * (taps + 1)), [
        taps + 1,
        positions,
      ]);
      // [taps + 1, positions] x [positions, f]: dW1 in its rows, db1 in the row of ones.
      dw1b = tf.matMul(colsT, tf.reshape(dz1, [positions, f])).dataSync() as Float32Array;
    });
    // The views into the kernels' memory are read before their next call.
    const { dw2, db2 } = conv2;

    const cgn = new Float32Array(2 * f);
    filterCgn(dw1b, taps, f, norm, cgn, 0);
    filterCgn(dw2, k * k * f, f, norm, cgn, f);
    sgd(host.w1, dw1b.subarray(0, taps * f), lr);
    sgd(host.b1, dw1b.subarray(taps * f), lr);
    sgd(host.w2, dw2, lr);
    sgd(host.b2, db2, lr);
    sgd(host.b3, head3.db3, lr);
    sgd(host.w4, head3.dw4, lr);
    sgd(host.b4, head3.db4, lr);
    return { loss: head3.loss, cgn };
  }

  /** Re-initialises the weights (not the biases) of the given filters of one layer. */
  reinitialiseFilters(
    layer: ConvLayer,
    filterIndices: readonly number[],
    stream: RandomStream,
  ): void {
    if (filterIndices.length === 0) return;
    const { filters: f, kernel: k } = CRATER_CNN;
    const values = layer === 'conv1' ? this.host.w1 : this.host.w2;
    const inChannels = layer === 'conv1' ? 1 : f;
    reinitialiseUnits(values, f, filterIndices, glorotLimit(k * k * inChannels, k * k * f), stream);
  }

  /** Overrides one bias value; for constructing known situations (a dead filter) in tests. */
  setBias(layer: ConvLayer, filter: number, value: number): void {
    (layer === 'conv1' ? this.host.b1 : this.host.b2)[filter] = value;
  }

  /** A copy of every parameter, by name (w1, b1, ..., w4, b4), in the tfjs layouts. */
  snapshot(): ModelSnapshot {
    const shapes = CraterCnn.shapesFor(this.inputSize);
    return Object.fromEntries(
      PARAM_ORDER.map((name) => [name, { shape: shapes[name], values: this.values(name).slice() }]),
    );
  }

  /** False once any weight or bias is NaN or infinite. */
  allFinite(): boolean {
    for (const name of PARAM_ORDER) {
      if (name !== 'w3' && !this.values(name).every(Number.isFinite)) return false;
    }
    return this.layers.denseWeightsFinite();
  }

  /** SHA-256 over every parameter's float32 bytes, in a fixed order. */
  weightsHash(): string {
    const hash = createHash('sha256');
    for (const name of PARAM_ORDER) {
      const data = this.values(name);
      hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    return hash.digest('hex');
  }

  /** Gives the kernels' memory (MiddleLayers) back for the next model; unusable after. */
  dispose(): void {
    this.layers.release();
  }

  /** A parameter's values in its tfjs layout: the host's array, or W3 read back. */
  private values(name: keyof Params): Float32Array {
    return name === 'w3' ? this.layers.denseWeights() : this.host[name];
  }

  private headFor(n: number): HostHead {
    if (!this.head || this.head.capacity < n) {
      this.head = new HostHead(n, CRATER_CNN.hidden);
    }
    return this.head;
  }
}

/** The float32 SGD update tfjs's sub(p, mul(g, lr)) makes, with the gradient rounded first. */
function sgd(param: Float32Array, grad: ArrayLike<number>, lr: number): void {
  for (let i = 0; i < param.length; i++) {
    param[i] = param[i]! - Math.fround(Math.fround(grad[i]!) * lr);
  }
}

/** CGN of each of `units` filters from a [rows, units] gradient (rows beyond `rows` ignored). */
function filterCgn(
  grad: Float32Array,
  rows: number,
  units: number,
  norm: CgnNorm,
  out: Float32Array,
  offset: number,
): void {
  for (let u = 0; u < units; u++) {
    let s = 0;
    for (let r = 0; r < rows; r++) {
      const g = grad[r * units + u]!;
      s += norm === 'l1' ? Math.abs(g) : g;
    }
    out[offset + u] = s;
  }
}
