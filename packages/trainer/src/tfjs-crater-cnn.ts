// Built by the tfjs engine (tfjs-engine.ts), which registers the gradients autograd needs.
import * as tf from '@tensorflow/tfjs-core';
import type { RandomStream } from '@seedsweep/prng';
import {
  CRATER_CNN,
  PARAM_ORDER,
  hashParams,
  initialParams,
  paramShapes,
  type CgnNorm,
  type ConvLayer,
  type CraterModel,
  type ModelSnapshot,
  type ParamName,
  type StepOutput,
} from './crater-model.js';
import { glorotLimit, reinitialiseUnits } from './glorot.js';
import type { ImageBatch } from './image-batch.js';

type Params = Record<ParamName, tf.Variable>;

/**
 * The crater CNN through TensorFlow.js: the network written in tfjs ops, its gradients taken by
 * tfjs autograd (variableGrads), plain SGD as tensor ops. An independent reference for the
 * hand-written kernels (CraterCnn): the same initial weights and the same step, computed by
 * other code in other orders, so its results agree with theirs to rounding, not bit for bit.
 * It runs on whichever tfjs backend is active; loadTfjsEngine (tfjs-engine.ts) chooses it.
 */
export class TfjsCraterCnn implements CraterModel {
  private readonly params: Params;
  /** Every step's CGNs: allocated once, like CraterCnn's, and overwritten by each step. */
  private readonly cgn = {
    l1: new Float32Array(2 * CRATER_CNN.filters),
    sum: new Float32Array(2 * CRATER_CNN.filters),
  };
  private disposed = false;

  /** Takes ownership of `values` (tfjs layouts): a backend may keep the arrays themselves. */
  private constructor(
    values: Record<ParamName, Float32Array>,
    readonly inputSize: number,
  ) {
    const shapes = paramShapes(inputSize);
    this.params = {} as Params;
    for (const name of PARAM_ORDER) {
      const initial = tf.tensor(values[name], shapes[name], 'float32');
      // The variable holds its own reference to the data; the initial tensor is not needed.
      this.params[name] = tf.variable(initial, true);
      initial.dispose();
    }
  }

  /** Glorot-uniform weights drawn from `stream` (initialParams): the kernels' initial weights. */
  static initialise(inputSize: number, stream: RandomStream): TfjsCraterCnn {
    return new TfjsCraterCnn(initialParams(inputSize, stream), inputSize);
  }

  /** The model `snapshot()` copied, for inputs of side `inputSize`; shapes are checked. */
  static fromSnapshot(snapshot: ModelSnapshot, inputSize: number): TfjsCraterCnn {
    const fresh = paramShapes(inputSize);
    const values = {} as Record<ParamName, Float32Array>;
    for (const name of PARAM_ORDER) {
      const entry = snapshot[name];
      const shape = fresh[name];
      const size = shape.reduce((a, b) => a * b, 1);
      if (!entry || entry.shape.join() !== shape.join() || entry.values.length !== size) {
        throw new RangeError(`snapshot parameter ${name} is not of shape [${shape.join(', ')}]`);
      }
      values[name] = entry.values.slice();
    }
    return new TfjsCraterCnn(values, inputSize);
  }

  /** Class scores for the `n` images in `pixels` ([n, size, size]): [n, 2], a fresh array. */
  logits(pixels: Float32Array, n: number): Float32Array {
    this.checkUsable();
    const out = tf.tidy(() => this.forward(this.images(pixels, n)));
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  }

  /**
   * One step of plain SGD on `batch`: p <- p - lr * dL/dp for every parameter, in float32,
   * the gradients from tfjs autograd. The CGNs are taken on the host from the convolutions'
   * weight gradients, as CraterCnn takes them from its own.
   */
  step(batch: ImageBatch, learningRate: number): StepOutput {
    this.checkUsable();
    const { filters: f, kernel: k } = CRATER_CNN;
    const { n } = batch;
    const lr = Math.fround(learningRate);
    const { params, cgn } = this;
    const variables = PARAM_ORDER.map((name) => params[name]);
    const { value, grads } = tf.tidy(() => {
      const x = this.images(batch.pixels, n);
      const y = tf.tensor2d(batch.targets.subarray(0, 2 * n), [n, 2], 'float32');
      return tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(y, this.forward(x)) as tf.Scalar,
        variables,
      );
    });
    try {
      const gradOf = (name: ParamName): tf.Tensor => {
        const grad = grads[params[name].name];
        if (!grad) throw new Error(`autograd gave no gradient for ${name}`);
        return grad;
      };
      filterCgn(gradOf('w1').dataSync() as Float32Array, k * k, f, cgn, 0);
      filterCgn(gradOf('w2').dataSync() as Float32Array, k * k * f, f, cgn, f);
      tf.tidy(() => {
        const rate = tf.scalar(lr, 'float32');
        for (const name of PARAM_ORDER) {
          const p = params[name];
          p.assign(tf.sub(p, tf.mul(gradOf(name), rate)));
        }
      });
      return { loss: value.dataSync()[0]!, cgn };
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  }

  /** Re-initialises the weights (not the biases) of the given filters of one layer. */
  reinitialiseFilters(
    layer: ConvLayer,
    filterIndices: readonly number[],
    stream: RandomStream,
  ): void {
    this.checkUsable();
    if (filterIndices.length === 0) return;
    const { filters: f, kernel: k } = CRATER_CNN;
    const name = layer === 'conv1' ? 'w1' : 'w2';
    const inChannels = layer === 'conv1' ? 1 : f;
    const values = this.values(name);
    // The same draws, in the same order, as CraterCnn makes on its host copy.
    reinitialiseUnits(values, f, filterIndices, glorotLimit(k * k * inChannels, k * k * f), stream);
    this.overwrite(name, values);
  }

  /** Overrides one bias value; for constructing known situations (a dead filter) in tests. */
  setBias(layer: ConvLayer, filter: number, value: number): void {
    this.checkUsable();
    const name = layer === 'conv1' ? 'b1' : 'b2';
    const values = this.values(name);
    values[filter] = value;
    this.overwrite(name, values);
  }

  /** A copy of every parameter, by name (w1, b1, ..., w4, b4), in the tfjs layouts. */
  snapshot(): ModelSnapshot {
    this.checkUsable();
    const shapes = paramShapes(this.inputSize);
    return Object.fromEntries(
      PARAM_ORDER.map((name) => [name, { shape: shapes[name], values: this.values(name) }]),
    );
  }

  /** False once any weight or bias is NaN or infinite. */
  allFinite(): boolean {
    this.checkUsable();
    for (const name of PARAM_ORDER) {
      const values = this.params[name].dataSync() as Float32Array;
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i]!)) return false;
      }
    }
    return true;
  }

  /** SHA-256 over every parameter's float32 bytes, in PARAM_ORDER. */
  weightsHash(): string {
    this.checkUsable();
    return hashParams((name) => this.params[name].dataSync() as Float32Array);
  }

  /** Disposes the parameters' variables; unusable after. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(PARAM_ORDER.map((name) => this.params[name]));
  }

  /** The network's logits for `x` ([n, size, size, 1]): [n, 2]. Call inside a tidy. */
  private forward(x: tf.Tensor4D): tf.Tensor2D {
    const { w1, b1, w2, b2, w3, b3, w4, b4 } = this.params;
    const a1 = tf.relu(tf.add(tf.conv2d(x, w1 as tf.Tensor4D, 1, 'valid'), b1)) as tf.Tensor4D;
    const a2 = tf.relu(tf.add(tf.conv2d(a1, w2 as tf.Tensor4D, 1, 'valid'), b2));
    // NHWC flattened, the layout W3's rows follow.
    const flat = tf.reshape(a2, [x.shape[0], -1]) as tf.Tensor2D;
    const a3 = tf.relu(tf.add(tf.matMul(flat, w3 as tf.Tensor2D), b3)) as tf.Tensor2D;
    return tf.add(tf.matMul(a3, w4 as tf.Tensor2D), b4) as tf.Tensor2D;
  }

  /** The first `n` images of `pixels` as a [n, size, size, 1] tensor. Call inside a tidy. */
  private images(pixels: Float32Array, n: number): tf.Tensor4D {
    const size = this.inputSize;
    return tf.tensor4d(pixels.subarray(0, n * size * size), [n, size, size, 1], 'float32');
  }

  /** A copy of a parameter's values (a backend may hand out its own array: never write it). */
  private values(name: ParamName): Float32Array {
    return (this.params[name].dataSync() as Float32Array).slice();
  }

  /** Replaces a parameter's values with `values`, which the variable may keep. */
  private overwrite(name: ParamName, values: Float32Array): void {
    const p = this.params[name];
    tf.tidy(() => p.assign(tf.tensor(values, p.shape, 'float32')));
  }

  private checkUsable(): void {
    if (this.disposed) throw new Error('the model has been disposed');
  }
}

/**
 * Both CGNs of each of `units` filters from a [rows, units] gradient (rows beyond `rows`
 * ignored). Each is a float64 sum over the rows in order, rounded once to float32: the values
 * RandomOut compares with tau and the records' minima must be the same numbers.
 *
 * A copy of crater-cnn.ts's filterCgn (private there), so that both engines take their CGNs
 * from their gradients the same way: change both together.
 */
function filterCgn(
  grad: Float32Array,
  rows: number,
  units: number,
  out: Record<CgnNorm, Float32Array>,
  offset: number,
): void {
  for (let u = 0; u < units; u++) {
    let l1 = 0;
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const g = grad[r * units + u]!;
      l1 += Math.abs(g);
      sum += g;
    }
    out.l1[offset + u] = l1;
    out.sum[offset + u] = sum;
  }
}
