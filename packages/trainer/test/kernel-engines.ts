import { EngineUnavailableError } from '../src/errors/index.js';
import type { KernelEngine } from '../src/kernel-engine.js';
import { nativeCodePaths, nativeKernelEngine } from '../src/native-kernel-engine.js';
import { wasmKernelEngine } from '../src/wasm-kernel-engine.js';

/**
 * Every engine of the kernels family this machine runs: wasm, and the native addon on each
 * code path the CPU supports (none where the addon is not built; test/engine.test.ts fails
 * then, where a C compiler is installed).
 */
export function kernelEngines(): KernelEngine[] {
  let paths: string[] = [];
  try {
    paths = nativeCodePaths();
  } catch (error) {
    if (!(error instanceof EngineUnavailableError)) throw error;
  }
  return [wasmKernelEngine, ...paths.map((path) => nativeKernelEngine(path))];
}
