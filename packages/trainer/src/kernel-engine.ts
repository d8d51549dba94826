/**
 * An engine that runs the crater CNN's kernels (src/crater-kernels.ts drives it): the
 * WebAssembly module (wasm/crater-kernels.c) or the native addon (native/*.c). Both compute
 * the same bits; they differ in speed and in the dense layer's panel width.
 */
export type KernelEngineName = 'native' | 'wasm';

/** A memory the kernels work in; pointers are byte offsets into `buffer`. */
export interface KernelMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `pages` of 64 KiB, keeping the contents (as WebAssembly.Memory#grow does). */
  grow(pages: number): number;
}

/** The kernels' entry points (wasm/crater-kernels.c), over one memory. */
export interface KernelExports {
  memory: KernelMemory;
  /** Where buffers may start: above the module's own data. */
  heapBase: number;
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
  conv_forward(x: number, w: number, b: number, y: number, n: number, sideIn: number): void;
  first_conv_forward(x: number, w: number, b: number, y: number, n: number, sideIn: number): void;
  first_conv_backward(
    x: number,
    y: number,
    dy: number,
    db: number,
    dw: number,
    n: number,
    sideIn: number,
  ): void;
  conv_backward(
    x: number,
    y: number,
    dy: number,
    w: number,
    wt: number,
    db: number,
    dw: number,
    dx: number,
    n: number,
    sideIn: number,
  ): void;
}

export interface KernelEngine {
  readonly name: KernelEngineName;
  /** The instruction set the kernels run: `wasm-simd128`, or the native `avx512`, `avx2`, `sse`. */
  readonly codePath: string;
  /** W3's layout: panels of this many columns, the columns rounded up to `panelGroup`. */
  readonly panelWidth: number;
  readonly panelGroup: number;
  /** A new memory with the kernels bound to it. */
  instantiate(): KernelExports;
}
