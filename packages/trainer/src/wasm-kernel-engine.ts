import { CRATER_KERNELS_WASM } from './crater-kernels-wasm.js';
import type { KernelEngine, KernelExports, KernelMemory } from './kernel-engine.js';

/**
 * The part of the WebAssembly JS API used here. Node has it all; @types/node 20 declares none
 * of it (the DOM library does, which these packages do not load).
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type WasmExports = Omit<KernelExports, 'heapBase' | 'memory'> & {
  memory: KernelMemory;
  __heap_base: { value: number };
};

let compiled: object | undefined;

/** Compiled once per process; every instance has a memory of its own. */
function kernelModule(): object {
  compiled ??= new WebAssembly.Module(Buffer.from(CRATER_KERNELS_WASM, 'base64'));
  return compiled;
}

/** The kernels as WebAssembly SIMD (128-bit): runs wherever Node does. */
export const wasmKernelEngine: KernelEngine = {
  name: 'wasm',
  codePath: 'wasm-simd128',
  panelWidth: 8,
  panelGroup: 8,
  instantiate(): KernelExports {
    const exports = new WebAssembly.Instance(kernelModule(), {}).exports as WasmExports;
    return { ...exports, heapBase: exports.__heap_base.value };
  },
};
