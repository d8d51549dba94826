import type { RandomStream } from '@seedsweep/prng';
import { CraterKernels } from './crater-kernels.js';
import type { CgnNorm, ConvLayer, CraterModel, ModelSnapshot, StepOutput } from './crater-model.js';
import { glorotLimit, reinitialiseUnits } from './glorot.js';
import { HostHead } from './host-head.js';
import { ImageBatch } from './image-batch.js';
import type { KernelEngine } from './kernel-engine.js';
import { wasmKernelEngine } from './wasm-kernel-engine.js';

export { CRATER_CNN, CONV_LAYERS, type CgnNorm, type ConvLayer } from './crater-model.js';
import {
  CRATER_CNN,
  PARAM_ORDER,
  hashParams,
  initialParams,
  paramShapes,
  type ParamName,
} from './crater-model.js';

/**
 * The parameters held as plain arrays, in their tfjs layouts (w1 [k, k, 1, f] is also
 * [k*k, f]); W3 lives in the kernels' memory (CraterKernels).
 */
type HostParams = Record<Exclude<ParamName, 'w3'>, Float32Array>;

/**
 * The crater CNN on the `kernels` engines (native or wasm: the same bits). Forward and backward
 * passes written out by hand: no autograd tape, fused bias + ReLU. The convolutions and the
 * 1620x500 layer, nearly all the arithmetic, run in kernels of our own (CraterKernels), which
 * update W3 in place: tfjs's XNNPACK handled a batch of 32 against those weights poorly, keeping
 * them as tensors cost a new W3 every step, and each tfjs call cost more bookkeeping than the
 * first convolution's arithmetic. The head and the parameters other than W3, 8,000 values in
 * all, live on the host. TfjsCraterCnn is the same network through tfjs's ops and autograd.
 */
export class CraterCnn implements CraterModel {
  private readonly host: HostParams;
  private readonly layers: CraterKernels;
  private head: HostHead | null = null;
  /** Every step's CGNs: allocated once, since a step runs thousands of times a trial. */
  private readonly cgn = {
    l1: new Float32Array(2 * CRATER_CNN.filters),
    sum: new Float32Array(2 * CRATER_CNN.filters),
  };

  /** Takes ownership of `params` (tfjs layouts). */
  private constructor(
    params: Record<ParamName, Float32Array>,
    readonly inputSize: number,
    engine: KernelEngine,
  ) {
    const { w3, ...host } = params;
    this.host = host;
    this.layers = CraterKernels.acquire(inputSize, CRATER_CNN.hidden, engine);
    this.layers.setDenseWeights(w3);
  }

  /** Glorot-uniform weights drawn from `stream` (initialParams), on `engine`'s kernels. */
  static initialise(
    inputSize: number,
    stream: RandomStream,
    engine: KernelEngine = wasmKernelEngine,
  ): CraterCnn {
    return new CraterCnn(initialParams(inputSize, stream), inputSize, engine);
  }

  /** The model `snapshot()` copied, for inputs of side `inputSize`; shapes are checked. */
  static fromSnapshot(
    snapshot: ModelSnapshot,
    inputSize: number,
    engine: KernelEngine = wasmKernelEngine,
  ): CraterCnn {
    const fresh = paramShapes(inputSize);
    const params = {} as Record<ParamName, Float32Array>;
    for (const name of PARAM_ORDER) {
      const entry = snapshot[name];
      const shape = fresh[name];
      const size = shape.reduce((a, b) => a * b, 1);
      if (!entry || entry.shape.join() !== shape.join() || entry.values.length !== size) {
        throw new RangeError(`snapshot parameter ${name} is not of shape [${shape.join(', ')}]`);
      }
      params[name] = entry.values.slice();
    }
    return new CraterCnn(params, inputSize, engine);
  }

  /**
   * Class scores for the `n` images in `pixels` ([n, size, size]): [n, 2], valid until the next
   * call.
   */
  logits(pixels: Float32Array, n: number): Float64Array {
    const { layers, host } = this;
    this.forwardConvolutions(pixels, n);
    return this.headFor(n).logits(layers.forwardDense(n), n, host);
  }

  /**
   * One step of plain SGD on `batch`. The layers run in their kernels; the head (hidden bias
   * and ReLU, output layer, loss) and the updates of every parameter but W3 run on the host,
   * which holds them.
   */
  step(batch: ImageBatch, learningRate: number): StepOutput {
    const { filters: f, kernel: k } = CRATER_CNN;
    const { n } = batch;
    const lr = Math.fround(learningRate);
    const { host, layers } = this;
    const head = this.headFor(n);
    this.forwardConvolutions(batch.pixels, n);
    const head3 = head.run(layers.forwardDense(n), n, batch.targets, host, lr);
    // W3 - flat^T (lr dz3): the learning rate goes on the small operand, saving a pass over W3.
    layers.backwardDense(head3.dz3, head3.scaledDz3, n);
    // Views into the kernels' memory, each in a buffer of its own, read before their next call.
    const { dw2, db2 } = layers.backwardConv(n);
    const { dw1, db1 } = layers.backwardFirstConv(n);

    const { cgn } = this;
    filterCgn(dw1, k * k, f, cgn, 0);
    filterCgn(dw2, k * k * f, f, cgn, f);
    sgd(host.w1, dw1, lr);
    sgd(host.b1, db1, lr);
    sgd(host.w2, dw2, lr);
    sgd(host.b2, db2, lr);
    sgd(host.b3, head3.db3, lr);
    sgd(host.w4, head3.dw4, lr);
    sgd(host.b4, head3.db4, lr);
    return { loss: head3.loss, cgn };
  }

  /** Both convolutions' forward passes over `n` images: the dense layer's input is ready. */
  private forwardConvolutions(pixels: Float32Array, n: number): void {
    const { layers, host } = this;
    const size = this.inputSize;
    layers.imageInput(n).set(pixels.subarray(0, n * size * size));
    layers.forwardFirstConv(n, host.w1, host.b1);
    layers.forwardConv(n, host.w2, host.b2);
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
    const shapes = paramShapes(this.inputSize);
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
    return hashParams((name) => this.values(name));
  }

  /** Gives the kernels' memory (CraterKernels) back for the next model; unusable after. */
  dispose(): void {
    this.layers.release();
  }

  /** A parameter's values in its tfjs layout: the host's array, or W3 read back. */
  private values(name: ParamName): Float32Array {
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

/**
 * Both CGNs of each of `units` filters from a [rows, units] gradient (rows beyond `rows`
 * ignored). Each is a float64 sum over the rows in order, rounded once to float32: the values
 * RandomOut compares with tau and the records' minima must be the same numbers.
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
