import { createHash } from 'node:crypto';
import type { RandomStream } from '@seedsweep/prng';
import { glorotLimit } from './glorot.js';
import type { ImageBatch } from './image-batch.js';

/** The crater CNN of METHOD.md: two 4x4 convolutions of 20 filters, dense 500, dense 2. */
export const CRATER_CNN = { filters: 20, kernel: 4, hidden: 500, classes: 2 } as const;

export type ConvLayer = 'conv1' | 'conv2';
export const CONV_LAYERS: readonly ConvLayer[] = ['conv1', 'conv2'];
export type CgnNorm = 'l1' | 'sum';

/** Every parameter by name (w1, b1, ..., w4, b4), in tfjs layouts: what checkpoints hold. */
export type ModelSnapshot = Record<string, { shape: number[]; values: Float32Array }>;

export type ParamName = 'w1' | 'b1' | 'w2' | 'b2' | 'w3' | 'b3' | 'w4' | 'b4';
export const PARAM_ORDER: readonly ParamName[] = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3', 'w4', 'b4'];

export interface StepOutput {
  /** Mean softmax cross-entropy of the batch. */
  loss: number;
  /**
   * CGN of every filter in both norms (conv1's filters, then conv2's): a run checks its own, and
   * records the smallest of each so a baseline can judge RandomOut runs of either norm. The
   * model's own buffers, overwritten by its next step.
   */
  cgn: Readonly<Record<CgnNorm, Float32Array>>;
}

/**
 * The crater CNN as the training loop drives it, whatever engine computes it: CraterCnn on the
 * kernels (native or wasm, the same bits), TfjsCraterCnn on TensorFlow.js's ops and autograd.
 */
export interface CraterModel {
  readonly inputSize: number;
  /** Class scores for the `n` images in `pixels` ([n, size, size]): [n, 2]. */
  logits(pixels: Float32Array, n: number): ArrayLike<number>;
  /** One step of plain SGD on `batch`. */
  step(batch: ImageBatch, learningRate: number): StepOutput;
  /** Re-initialises the weights (not the biases) of the given filters of one layer. */
  reinitialiseFilters(
    layer: ConvLayer,
    filterIndices: readonly number[],
    stream: RandomStream,
  ): void;
  /** Overrides one bias value; for constructing known situations (a dead filter) in tests. */
  setBias(layer: ConvLayer, filter: number, value: number): void;
  /** A copy of every parameter, by name, in the tfjs layouts. */
  snapshot(): ModelSnapshot;
  /** False once any weight or bias is NaN or infinite. */
  allFinite(): boolean;
  /** SHA-256 over every parameter's float32 bytes, in PARAM_ORDER. */
  weightsHash(): string;
  /** Frees what the model holds; unusable after. */
  dispose(): void;
}

/** Side of the dense layer's input, flattened, for inputs of side `inputSize`. */
export function flatSize(inputSize: number): number {
  const side = inputSize - 2 * (CRATER_CNN.kernel - 1);
  if (side < 1) throw new RangeError(`input of side ${inputSize} is too small for the crater CNN`);
  return side * side * CRATER_CNN.filters;
}

export function paramShapes(inputSize: number): Record<ParamName, number[]> {
  const { filters: f, kernel: k, hidden, classes } = CRATER_CNN;
  const flat = flatSize(inputSize);
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

/**
 * Glorot-uniform weights drawn from `stream` in the order w1, w2, w3, w4, zero biases, in the
 * tfjs layouts: every engine starts a seed from these values.
 */
export function initialParams(
  inputSize: number,
  stream: RandomStream,
): Record<ParamName, Float32Array> {
  const { filters: f, kernel: k, hidden, classes } = CRATER_CNN;
  const flat = flatSize(inputSize);
  const draw = (size: number, fanIn: number, fanOut: number): Float32Array => {
    const values = new Float32Array(size);
    stream.fillUniform(values, glorotLimit(fanIn, fanOut));
    return values;
  };
  const w1 = draw(k * k * f, k * k, k * k * f);
  const w2 = draw(k * k * f * f, k * k * f, k * k * f);
  const w3 = draw(flat * hidden, flat, hidden);
  const w4 = draw(hidden * classes, hidden, classes);
  return {
    w1,
    b1: new Float32Array(f),
    w2,
    b2: new Float32Array(f),
    w3,
    b3: new Float32Array(hidden),
    w4,
    b4: new Float32Array(classes),
  };
}

/** SHA-256 over the parameters' float32 bytes in PARAM_ORDER: `valuesOf` gives each one. */
export function hashParams(valuesOf: (name: ParamName) => Float32Array): string {
  const hash = createHash('sha256');
  for (const name of PARAM_ORDER) {
    const data = valuesOf(name);
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex');
}
