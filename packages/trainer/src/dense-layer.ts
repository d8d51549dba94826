import { DENSE_LAYER_WASM } from './dense-layer-wasm.js';

/**
 * The part of the WebAssembly JS API used here. Node has it all; @types/node 20 declares none
 * of it (the DOM library does, which these packages do not load).
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface DenseLayerExports {
  memory: WasmMemory;
  __heap_base: { value: number };
  dense_forward(x: number, w: number, z: number, n: number, inputs: number, outputs: number): void;
  dense_backward(
    x: number,
    dz: number,
    s: number,
    w: number,
    dx: number,
    n: number,
    inputs: number,
    outputs: number,
  ): void;
}

let compiled: object | undefined;

/** Compiled once per process; every layer instantiates it with its own memory. */
function denseLayerModule(): object {
  compiled ??= new WebAssembly.Module(Buffer.from(DENSE_LAYER_WASM, 'base64'));
  return compiled;
}

const PANEL = 8;
const ALIGN = 64;
const PAGE = 65536;

/** Byte offsets of the buffers in the module's memory, for batches of up to `capacity`. */
interface Layout {
  capacity: number;
  x: number;
  z: number;
  dz: number;
  s: number;
  dx: number;
  end: number;
}

/** Layers given back with `release()`, by shape, for the next model of a process. */
const released = new Map<string, DenseLayer[]>();

/**
 * A fully connected layer without bias or activation, z = x W, whose weights live in a
 * WebAssembly module of its own (wasm/dense-layer.c): forward, then backward with the SGD
 * update of W in place. W is kept in the kernels' panel layout; `weights()` and
 * `setWeights()` speak tfjs's [inputs, outputs]. The arrays `forward` and `backward` return
 * are views into the module's memory, valid until the next call.
 *
 * A layer's memory (some 13 MB once it has served an evaluation batch) goes back only when the
 * garbage collector finalises its instance, long after a trial ends: `acquire` and `release`
 * let a process that trains trial after trial reuse one instead.
 */
export class DenseLayer {
  /** A released layer of this shape, else a new one; its weights are whatever they were. */
  static acquire(inputs: number, outputs: number): DenseLayer {
    return released.get(`${inputs}x${outputs}`)?.pop() ?? new DenseLayer(inputs, outputs);
  }

  /** Gives the layer back for `acquire`; the caller must not use it afterwards. */
  release(): void {
    const key = `${this.inputs}x${this.outputs}`;
    const free = released.get(key) ?? [];
    if (!free.includes(this)) free.push(this);
    released.set(key, free);
  }

  private readonly exports: DenseLayerExports;
  private readonly weightsAt: number;
  private readonly panelsSize: number;
  private layout: Layout;
  private f32: Float32Array;
  /** Rows held in x since the last forward. */
  private rows = 0;

  constructor(
    readonly inputs: number,
    readonly outputs: number,
  ) {
    if (inputs % 4 !== 0 || outputs % 4 !== 0) {
      throw new RangeError(`dense layer ${inputs}x${outputs}: both sizes must be multiples of 4`);
    }
    const instance = new WebAssembly.Instance(denseLayerModule(), {});
    this.exports = instance.exports as unknown as DenseLayerExports;
    this.weightsAt = align(this.exports.__heap_base.value);
    this.panelsSize = Math.ceil(outputs / PANEL) * PANEL * inputs;
    this.layout = this.layoutFor(0);
    this.f32 = new Float32Array(this.exports.memory.buffer);
  }

  /** Sets W from `values` in tfjs's layout, [inputs, outputs]. */
  setWeights(values: Float32Array): void {
    const { inputs, outputs } = this;
    if (values.length !== inputs * outputs) {
      throw new RangeError(`dense layer weights: ${values.length} values for ${inputs}x${outputs}`);
    }
    this.ensureCapacity(1);
    const f32 = this.f32;
    const base = this.weightsAt / 4;
    f32.fill(0, base, base + this.panelsSize);
    for (let k = 0; k < inputs; k++) {
      for (let j = 0; j < outputs; j++) f32[this.panelIndex(base, k, j)] = values[k * outputs + j]!;
    }
  }

  /** W in tfjs's layout, [inputs, outputs]: a copy. */
  weights(): Float32Array {
    const { inputs, outputs, f32 } = this;
    const base = this.weightsAt / 4;
    const values = new Float32Array(inputs * outputs);
    for (let k = 0; k < inputs; k++) {
      for (let j = 0; j < outputs; j++) values[k * outputs + j] = f32[this.panelIndex(base, k, j)]!;
    }
    return values;
  }

  /** False once any weight is NaN or infinite. */
  allFinite(): boolean {
    const base = this.weightsAt / 4;
    const panels = this.f32.subarray(base, base + this.panelsSize);
    for (let i = 0; i < panels.length; i++) if (!Number.isFinite(panels[i]!)) return false;
    return true;
  }

  /**
   * The layer's input buffer for `n` rows, [n, inputs]: fill it, then call `forward(n)`. Filling
   * it in place spares a copy of the activations, which would be garbage every step.
   */
  inputRows(n: number): Float32Array {
    this.ensureCapacity(n);
    const at = this.layout.x / 4;
    return this.f32.subarray(at, at + n * this.inputs);
  }

  /** z = x W for the `n` rows of x in `inputRows(n)`; returns z, [n, outputs]. */
  forward(n: number): Float32Array {
    const { inputs, outputs } = this;
    this.ensureCapacity(n);
    const { x: xAt, z: zAt } = this.layout;
    this.exports.dense_forward(xAt, this.weightsAt, zAt, n, inputs, outputs);
    this.rows = n;
    return this.f32.subarray(zAt / 4, zAt / 4 + n * outputs);
  }

  /**
   * For the rows of the last `forward`: returns dL/dx = dz W^T ([n, inputs]) with W as it
   * was, and updates W to W - x^T scaledDz, where scaledDz is the learning rate times dz
   * (both [n, outputs]).
   */
  backward(dz: Float32Array, scaledDz: Float32Array, n: number): Float32Array {
    if (n !== this.rows) {
      throw new RangeError(`dense layer backward of ${n} rows after a forward of ${this.rows}`);
    }
    const { inputs, outputs } = this;
    const { x, dz: dzAt, s, dx } = this.layout;
    this.f32.set(dz.subarray(0, n * outputs), dzAt / 4);
    this.f32.set(scaledDz.subarray(0, n * outputs), s / 4);
    this.exports.dense_backward(x, dzAt, s, this.weightsAt, dx, n, inputs, outputs);
    return this.f32.subarray(dx / 4, dx / 4 + n * inputs);
  }

  private panelIndex(base: number, k: number, j: number): number {
    return base + (Math.floor(j / PANEL) * this.inputs + k) * PANEL + (j % PANEL);
  }

  private layoutFor(capacity: number): Layout {
    const rowsIn = capacity * this.inputs * 4;
    const rowsOut = capacity * this.outputs * 4;
    const x = align(this.weightsAt + this.panelsSize * 4);
    const z = align(x + rowsIn);
    const dz = align(z + rowsOut);
    const s = align(dz + rowsOut);
    const dx = align(s + rowsOut);
    return { capacity, x, z, dz, s, dx, end: align(dx + rowsIn) };
  }

  /** Room for batches of `n` rows: grows the memory (which moves no weights) when needed. */
  private ensureCapacity(n: number): void {
    if (n <= this.layout.capacity) return;
    this.layout = this.layoutFor(Math.max(n, this.layout.capacity));
    const memory = this.exports.memory;
    const missing = this.layout.end - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
    this.f32 = new Float32Array(memory.buffer);
  }
}

function align(offset: number): number {
  return Math.ceil(offset / ALIGN) * ALIGN;
}
