import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type { RandomStream } from '@seedsweep/prng';
import { glorotLimit, reinitialiseUnits } from './glorot.js';

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

export interface StepOutput {
  /** Mean softmax cross-entropy of the batch. */
  loss: tf.Scalar;
  /** CGN of every filter: conv1's filters, then conv2's. */
  cgn: tf.Tensor1D;
}

/**
 * Forward and backward passes written out by hand against tfjs-core ops: no autograd tape,
 * fused bias + ReLU in the forward pass, and matmul operands laid out so that no kernel
 * runs with a transpose flag (the wasm backend's transposed matmul is ten times slower).
 */
export class CraterCnn {
  private constructor(
    private params: Params,
    readonly inputSize: number,
  ) {}

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
    return tf.tidy(() => this.forward(x).logits as tf.Tensor2D);
  }

  /**
   * The dense layer runs as W3^T x flat^T: XNNPACK packs a matmul's second operand before
   * multiplying, and the weights change every step while the batch's activations are small.
   */
  private forward(x: tf.Tensor4D) {
    const { w1, b1, w2, b2, w3, b3, w4, b4 } = this.params;
    const a1 = tf.fused.conv2d({
      x,
      filter: w1,
      bias: b1,
      activation: 'relu',
      strides: 1,
      pad: 'valid',
    });
    const a2 = tf.fused.conv2d({
      x: a1,
      filter: w2,
      bias: b2,
      activation: 'relu',
      strides: 1,
      pad: 'valid',
    });
    const flatT = tf.transpose(tf.reshape(a2, [x.shape[0], -1])) as tf.Tensor2D;
    const z3 = tf.transpose(tf.matMul(tf.transpose(w3), flatT));
    const a3 = tf.relu(tf.add(z3, b3)) as tf.Tensor2D;
    const logits = tf.fused.matMul({ a: a3, b: w4, bias: b4 });
    return { a1, a2, flatT, a3, logits };
  }

  /**
   * One step of plain SGD on a batch (`y` one-hot), returning the batch loss and the CGN of
   * every filter, computed from the same gradients the update used.
   */
  trainStep(x: tf.Tensor4D, y: tf.Tensor2D, learningRate: tf.Scalar, norm: CgnNorm): StepOutput {
    const next = {} as Params;
    const out = tf.tidy(() => {
      const { w1, w2, w3, w4 } = this.params;
      const n = x.shape[0];
      const { a1, a2, flatT, a3, logits } = this.forward(x);
      const logp = tf.logSoftmax(logits);
      const loss = tf.div(tf.neg(tf.sum(tf.mul(y, logp))), n) as tf.Scalar;

      const dLogits = tf.div(tf.sub(tf.exp(logp), y), n) as tf.Tensor2D;
      const dw4 = tf.matMul(tf.transpose(a3), dLogits);
      const db4 = tf.sum(dLogits, 0);
      const dz3 = tf.mul(tf.matMul(dLogits, tf.transpose(w4)), tf.step(a3)) as tf.Tensor2D;
      const dw3 = tf.matMul(flatT, dz3);
      const db3 = tf.sum(dz3, 0);
      const dFlat = tf.transpose(tf.matMul(w3, tf.transpose(dz3)));
      const dz2 = tf.mul(tf.reshape(dFlat, a2.shape), tf.step(a2)) as tf.Tensor4D;
      const dw2 = conv2dFilterGradient(a1, dz2, w2.shape);
      const db2 = tf.sum(dz2, [0, 1, 2]);
      const dz1 = tf.mul(conv2dInputGradient(dz2, w2), tf.step(a1)) as tf.Tensor4D;
      const dw1 = conv2dFilterGradient(x, dz1, w1.shape);
      const db1 = tf.sum(dz1, [0, 1, 2]);

      const grads: Params = {
        w1: dw1,
        b1: db1,
        w2: dw2,
        b2: db2,
        w3: dw3,
        b3: db3,
        w4: dw4,
        b4: db4,
      } as Params;
      for (const name of PARAM_ORDER) {
        (next as unknown as Record<string, tf.Tensor>)[name] = tf.keep(
          tf.sub(this.params[name], tf.mul(grads[name], learningRate)),
        );
      }
      const perFilter = (g: tf.Tensor4D) => tf.sum(norm === 'l1' ? tf.abs(g) : g, [0, 1, 2]);
      const cgn = tf.concat([perFilter(dw1), perFilter(dw2)]) as tf.Tensor1D;
      return { loss, cgn };
    });
    this.replace(next);
    return out;
  }

  /** Re-initialises the weights (not the biases) of the given filters of one layer. */
  reinitialiseFilters(
    layer: ConvLayer,
    filterIndices: readonly number[],
    stream: RandomStream,
  ): void {
    if (filterIndices.length === 0) return;
    const { filters: f, kernel: k } = CRATER_CNN;
    const key = layer === 'conv1' ? 'w1' : 'w2';
    const current = this.params[key];
    const inChannels = current.shape[2];
    const values = current.dataSync().slice() as Float32Array;
    reinitialiseUnits(values, f, filterIndices, glorotLimit(k * k * inChannels, k * k * f), stream);
    const replaced = tf.tensor4d(values, current.shape);
    current.dispose();
    this.params[key] = replaced;
  }

  /** Overrides one bias value; for constructing known situations (a dead filter) in tests. */
  setBias(layer: ConvLayer, filter: number, value: number): void {
    const key = layer === 'conv1' ? 'b1' : 'b2';
    const values = this.params[key].dataSync().slice() as Float32Array;
    values[filter] = value;
    this.params[key].dispose();
    this.params[key] = tf.tensor1d(values);
  }

  /** A copy of every parameter, by name (w1, b1, ..., w4, b4). */
  snapshot(): ModelSnapshot {
    return Object.fromEntries(
      PARAM_ORDER.map((name) => [
        name,
        {
          shape: [...this.params[name].shape],
          values: this.params[name].dataSync().slice() as Float32Array,
        },
      ]),
    );
  }

  /** False once any weight or bias is NaN or infinite. */
  allFinite(): boolean {
    return tf.tidy(() =>
      PARAM_ORDER.every((name) => tf.all(tf.isFinite(this.params[name])).dataSync()[0] === 1),
    );
  }

  /** SHA-256 over every parameter's float32 bytes, in a fixed order. */
  weightsHash(): string {
    const hash = createHash('sha256');
    for (const name of PARAM_ORDER) {
      const data = this.params[name].dataSync() as Float32Array;
      hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    return hash.digest('hex');
  }

  dispose(): void {
    for (const name of PARAM_ORDER) this.params[name].dispose();
  }

  private replace(next: Params): void {
    for (const name of PARAM_ORDER) this.params[name].dispose();
    this.params = next;
  }
}

/** dL/dW of a stride-1 valid convolution; on wasm this runs our registered kernel. */
function conv2dFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
): tf.Tensor4D {
  return tf.engine().runKernel(
    tf.Conv2DBackpropFilter,
    { x, dy } as unknown as tf.NamedTensorMap,
    {
      strides: [1, 1],
      pad: 'valid',
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
      filterShape,
    } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor4D;
}

/**
 * dL/dx of a stride-1 valid convolution, as a "full" convolution of dy with the filter
 * rotated by 180 degrees and its channel axes swapped: an XNNPACK convolution on wasm,
 * where Conv2DBackpropInput runs a naive loop twenty times slower.
 */
function conv2dInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw] = filter.shape;
  const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return tf.conv2d(dy, rotated, 1, [
    [0, 0],
    [kh - 1, kh - 1],
    [kw - 1, kw - 1],
    [0, 0],
  ]);
}
