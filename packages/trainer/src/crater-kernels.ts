import type { KernelEngine, KernelExports } from './kernel-engine.js';
import { wasmKernelEngine } from './wasm-kernel-engine.js';

/** What the kernels are built for: crater-kernels.c fixes the convolutions' 4x4 and 20. */
export const KERNEL_SHAPE = { channels: 20, kernel: 4 } as const;
const ALIGN = 64;
const PAGE = 65536;

/** Byte offsets of the buffers that scale with the batch, for up to `capacity` rows. */
interface Layout {
  capacity: number;
  image: number;
  a1: number;
  x: number;
  z: number;
  dz: number;
  s: number;
  dx: number;
  da1: number;
  end: number;
}

/** The gradients `backwardFirstConv` gives; views into the module's memory. */
export interface FirstConvGradients {
  /** dL/dW1, [4, 4, 1, 20], and dL/db1, [20]. */
  dw1: Float32Array;
  db1: Float32Array;
}

/** The gradients `backwardConv` gives; views into the module's memory. */
export interface ConvGradients {
  /** dL/d(input), [n, side, side, 20]: what the first convolution's backward pass needs. */
  da1: Float32Array;
  /** dL/dW2, [4, 4, 20, 20], and dL/db2, [20]. */
  dw2: Float32Array;
  db2: Float32Array;
}

/** Instances given back with `release()`, by engine and shape. */
const released = new Map<string, CraterKernels[]>();

/**
 * The crater CNN's two convolutions (bias and ReLU fused) and its 1620x500 dense layer, run by
 * kernels of our own in a memory of their own: an engine's (KernelEngine), the WebAssembly
 * module (wasm/crater-kernels.c) or the native addon (native/), which give the same bits. W3
 * lives there, in the engine's panel layout, and is updated in place; `denseWeights()` and
 * `setDenseWeights()` speak tfjs's [inputs, outputs]. The convolutions' weights and biases stay
 * with the caller, which passes them to each forward pass. Each layer's output is the next
 * one's input, in place: the images go in `imageInput`, the first convolution writes
 * `convInput`, the second writes `denseInput`.
 *
 * Arrays returned are views into the module's memory, valid until the next call; the `*Input`
 * views are filled in place, which spares a copy of the activations every step.
 *
 * The memory (some 5 MB, more for larger batches) goes back only when the garbage collector
 * finalises the instance, long after a trial ends: `acquire` and `release` let a process that
 * trains trial after trial reuse one instead.
 */
export class CraterKernels {
  /** Side of the first convolution's output, the second's input. */
  readonly inputSide: number;
  readonly outputSide: number;
  /** The dense layer's inputs: the convolution's outputs, flattened. */
  readonly flat: number;
  private readonly exports: KernelExports;
  private readonly w3At: number;
  private readonly w1At: number;
  private readonly b1At: number;
  private readonly dw1At: number;
  private readonly db1At: number;
  private readonly w2At: number;
  private readonly b2At: number;
  private readonly wtAt: number;
  private readonly dw2At: number;
  private readonly db2At: number;
  private readonly panelsSize: number;
  private readonly panel: number;
  private layout: Layout;
  private f32: Float32Array;
  private firstConvRows = 0;
  private convRows = 0;
  private denseRows = 0;

  /** A released instance for images of side `imageSide`, else a new one; W3 is as it was. */
  static acquire(
    imageSide: number,
    hidden: number,
    engine: KernelEngine = wasmKernelEngine,
  ): CraterKernels {
    return (
      released.get(poolKey(engine, imageSide, hidden))?.pop() ??
      new CraterKernels(imageSide, hidden, engine)
    );
  }

  /** Gives the instance back for `acquire`; the caller must not use it afterwards. */
  release(): void {
    const shape = poolKey(this.engine, this.imageSide, this.hidden);
    const free = released.get(shape) ?? [];
    if (!free.includes(this)) free.push(this);
    released.set(shape, free);
  }

  /** For images [n, imageSide, imageSide, 1], on `engine`'s kernels. */
  constructor(
    readonly imageSide: number,
    readonly hidden: number,
    readonly engine: KernelEngine = wasmKernelEngine,
  ) {
    const { channels, kernel } = KERNEL_SHAPE;
    this.inputSide = imageSide - kernel + 1;
    this.outputSide = this.inputSide - kernel + 1;
    if (this.outputSide < 1) throw new RangeError(`images of side ${imageSide} are too small`);
    if (hidden % 4 !== 0) throw new RangeError(`hidden size ${hidden} is not a multiple of 4`);
    this.flat = this.outputSide * this.outputSide * channels;
    this.exports = engine.instantiate();
    this.panel = engine.panelWidth;
    const filter = kernel * kernel * channels * channels;
    this.panelsSize = Math.ceil(hidden / engine.panelGroup) * engine.panelGroup * this.flat;
    const firstFilter = kernel * kernel * channels;
    this.w3At = align(this.exports.heapBase);
    this.w1At = align(this.w3At + this.panelsSize * 4);
    this.b1At = align(this.w1At + firstFilter * 4);
    this.dw1At = align(this.b1At + channels * 4);
    this.db1At = align(this.dw1At + firstFilter * 4);
    this.w2At = align(this.db1At + channels * 4);
    this.wtAt = align(this.w2At + filter * 4);
    this.dw2At = align(this.wtAt + filter * 4);
    this.b2At = align(this.dw2At + filter * 4);
    this.db2At = align(this.b2At + channels * 4);
    this.layout = this.layoutFor(0);
    this.f32 = new Float32Array(this.exports.memory.buffer);
    this.ensureCapacity(1);
  }

  /** Sets W3 from `values` in tfjs's layout, [flat, hidden]. */
  setDenseWeights(values: Float32Array): void {
    const { flat, hidden } = this;
    if (values.length !== flat * hidden) {
      throw new RangeError(`dense layer weights: ${values.length} values for ${flat}x${hidden}`);
    }
    const f32 = this.f32;
    const base = this.w3At / 4;
    f32.fill(0, base, base + this.panelsSize);
    for (let k = 0; k < flat; k++) {
      for (let j = 0; j < hidden; j++) f32[this.panelIndex(base, k, j)] = values[k * hidden + j]!;
    }
  }

  /** W3 in tfjs's layout, [flat, hidden]: a copy. */
  denseWeights(): Float32Array {
    const { flat, hidden, f32 } = this;
    const base = this.w3At / 4;
    const values = new Float32Array(flat * hidden);
    for (let k = 0; k < flat; k++) {
      for (let j = 0; j < hidden; j++) values[k * hidden + j] = f32[this.panelIndex(base, k, j)]!;
    }
    return values;
  }

  /** False once any weight of W3 is NaN or infinite. */
  denseWeightsFinite(): boolean {
    const base = this.w3At / 4;
    const panels = this.f32.subarray(base, base + this.panelsSize);
    for (let i = 0; i < panels.length; i++) if (!Number.isFinite(panels[i]!)) return false;
    return true;
  }

  /** The first convolution's input buffer for `n` images, [n, side, side]: fill it, then forward. */
  imageInput(n: number): Float32Array {
    this.ensureCapacity(n);
    return this.view(this.layout.image, n * this.imageSide * this.imageSide);
  }

  /**
   * relu(conv(images, w1) + b1) for the `n` images of `imageInput(n)`, w1 [4, 4, 1, 20] and b1
   * [20] in tfjs's layouts. Returns the output, [n, side - 3, side - 3, 20], which is also the
   * second convolution's input.
   */
  forwardFirstConv(n: number, w1: Float32Array, b1: Float32Array): Float32Array {
    this.ensureCapacity(n);
    this.f32.set(w1, this.w1At / 4);
    this.f32.set(b1, this.b1At / 4);
    const { image, a1 } = this.layout;
    this.exports.first_conv_forward(image, this.w1At, this.b1At, a1, n, this.imageSide);
    this.firstConvRows = n;
    return this.convInput(n);
  }

  /** The second convolution's input buffer for `n` rows, [n, side, side, 20]. */
  convInput(n: number): Float32Array {
    this.ensureCapacity(n);
    return this.view(this.layout.a1, n * this.inputSide * this.inputSide * KERNEL_SHAPE.channels);
  }

  /**
   * relu(conv(a1, w2) + b2) for the `n` rows of `convInput(n)`, w2 [4, 4, 20, 20] and b2 [20]
   * in tfjs's layouts. Returns the output, [n, side - 3, side - 3, 20], which is also the dense
   * layer's input.
   */
  forwardConv(n: number, w2: Float32Array, b2: Float32Array): Float32Array {
    this.ensureCapacity(n);
    this.f32.set(w2, this.w2At / 4);
    this.f32.set(b2, this.b2At / 4);
    const { a1, x } = this.layout;
    this.exports.conv_forward(a1, this.w2At, this.b2At, x, n, this.inputSide);
    this.convRows = n;
    return this.view(x, n * this.flat);
  }

  /** The dense layer's input buffer for `n` rows, [n, flat] (where forwardConv writes). */
  denseInput(n: number): Float32Array {
    this.ensureCapacity(n);
    return this.view(this.layout.x, n * this.flat);
  }

  /** z3 = x W3 for the `n` rows of `denseInput(n)`; returns z3, [n, hidden]. */
  forwardDense(n: number): Float32Array {
    this.ensureCapacity(n);
    const { x, z } = this.layout;
    this.exports.dense_forward(x, this.w3At, z, n, this.flat, this.hidden);
    this.denseRows = n;
    return this.view(z, n * this.hidden);
  }

  /**
   * For the rows of the last `forwardDense`: returns dL/dx = dz3 W3^T ([n, flat]) with W3 as it
   * was, and updates W3 to W3 - x^T scaledDz3, where scaledDz3 is the learning rate times dz3
   * (both [n, hidden]).
   */
  backwardDense(dz3: Float32Array, scaledDz3: Float32Array, n: number): Float32Array {
    if (n !== this.denseRows) {
      throw new RangeError(
        `dense layer backward of ${n} rows after a forward of ${this.denseRows}`,
      );
    }
    const { flat, hidden } = this;
    const { x, dz, s, dx } = this.layout;
    this.f32.set(dz3.subarray(0, n * hidden), dz / 4);
    this.f32.set(scaledDz3.subarray(0, n * hidden), s / 4);
    this.exports.dense_backward(x, dz, s, this.w3At, dx, n, flat, hidden);
    return this.view(dx, n * flat);
  }

  /**
   * The convolution's gradients for the rows of the last `forwardConv`, from the gradient at
   * its output: what `backwardDense` returned, or what `convOutputGradient(n)` was filled with.
   * That buffer is overwritten with the gradient before the ReLU. W2 is the forward pass's.
   */
  backwardConv(n: number): ConvGradients {
    if (n !== this.convRows) {
      throw new RangeError(`convolution backward of ${n} rows after a forward of ${this.convRows}`);
    }
    const { channels, kernel } = KERNEL_SHAPE;
    const { a1, x, dx, da1 } = this.layout;
    this.exports.conv_backward(
      a1,
      x,
      dx,
      this.w2At,
      this.wtAt,
      this.db2At,
      this.dw2At,
      da1,
      n,
      this.inputSide,
    );
    return {
      da1: this.view(da1, n * this.inputSide * this.inputSide * channels),
      dw2: this.view(this.dw2At, kernel * kernel * channels * channels),
      db2: this.view(this.db2At, channels),
    };
  }

  /**
   * The first convolution's gradients for the images of the last `forwardFirstConv`, from the
   * gradient at its output: what `backwardConv` returned as `da1`, or what
   * `firstConvOutputGradient(n)` was filled with. That buffer is overwritten with the gradient
   * before the ReLU.
   */
  backwardFirstConv(n: number): FirstConvGradients {
    if (n !== this.firstConvRows) {
      throw new RangeError(
        `first convolution backward of ${n} rows after a forward of ${this.firstConvRows}`,
      );
    }
    const { channels, kernel } = KERNEL_SHAPE;
    const { image, a1, da1 } = this.layout;
    this.exports.first_conv_backward(image, a1, da1, this.db1At, this.dw1At, n, this.imageSide);
    return {
      dw1: this.view(this.dw1At, kernel * kernel * channels),
      db1: this.view(this.db1At, channels),
    };
  }

  /** The buffer `backwardFirstConv` reads the output gradient from: for tests. */
  firstConvOutputGradient(n: number): Float32Array {
    this.ensureCapacity(n);
    return this.view(this.layout.da1, n * this.inputSide * this.inputSide * KERNEL_SHAPE.channels);
  }

  /** The buffer `backwardConv` reads the output gradient from, [n, flat]: for tests. */
  convOutputGradient(n: number): Float32Array {
    this.ensureCapacity(n);
    return this.view(this.layout.dx, n * this.flat);
  }

  private view(byteOffset: number, length: number): Float32Array {
    return this.f32.subarray(byteOffset / 4, byteOffset / 4 + length);
  }

  private panelIndex(base: number, k: number, j: number): number {
    const panel = this.panel;
    return base + (Math.floor(j / panel) * this.flat + k) * panel + (j % panel);
  }

  private layoutFor(capacity: number): Layout {
    const imageRow = this.imageSide * this.imageSide * 4 * capacity;
    const inputRow = this.inputSide * this.inputSide * KERNEL_SHAPE.channels * 4 * capacity;
    const flatRow = this.flat * 4 * capacity;
    const hiddenRow = this.hidden * 4 * capacity;
    const image = align(this.db2At + KERNEL_SHAPE.channels * 4);
    const a1 = align(image + imageRow);
    const x = align(a1 + inputRow);
    const z = align(x + flatRow);
    const dz = align(z + hiddenRow);
    const s = align(dz + hiddenRow);
    const dx = align(s + hiddenRow);
    const da1 = align(dx + flatRow);
    return { capacity, image, a1, x, z, dz, s, dx, da1, end: align(da1 + inputRow) };
  }

  /**
   * Room for batches of `n` rows. The buffers that scale with the batch move (their contents
   * do not survive); the weights before them stay where they are.
   */
  private ensureCapacity(n: number): void {
    if (n <= this.layout.capacity) return;
    this.layout = this.layoutFor(Math.max(n, this.layout.capacity));
    const memory = this.exports.memory;
    const missing = this.layout.end - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
    this.f32 = new Float32Array(memory.buffer);
    this.firstConvRows = 0;
    this.convRows = 0;
    this.denseRows = 0;
  }
}

function poolKey(engine: KernelEngine, imageSide: number, hidden: number): string {
  // The code path too: an instance's kernels are bound to the path it was made for.
  return `${engine.name}:${engine.codePath}:${imageSide}x${hidden}`;
}

function align(offset: number): number {
  return Math.ceil(offset / ALIGN) * ALIGN;
}
