import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineUnavailableError } from './errors/index.js';
import type { KernelEngine, KernelExports, KernelMemory } from './kernel-engine.js';

/** One code path's kernels: each takes the memory, then offsets and sizes. */
type NativeKernel = (memory: ArrayBuffer, ...args: number[]) => void;
type KernelName = Exclude<keyof KernelExports, 'memory' | 'heapBase'>;
type NativeKernels = Record<KernelName, NativeKernel>;

/** native/crater-kernels-native.c's exports. */
interface NativeAddon {
  /** ADDON_INTERFACE of native/crater-kernels-native.c. */
  interface: number;
  allocate(bytes: number): ArrayBuffer;
  /** The code paths this CPU runs, widest first. */
  codePaths(): string[];
  kernels(codePath: string): NativeKernels;
  peak(kind: 'muladd' | 'fma', iterations: number): PeakRun | null;
}

interface PeakRun {
  flops: number;
  seconds: number;
  lanes: number;
}

/** The core's measured floating-point peak at the widest vector width (native/peak.c). */
export interface CorePeak {
  /** Vector width, in float32 lanes. */
  lanes: number;
  /** Separate multiplies and adds, the kernels' instruction mix: GFLOP/s, best of the runs. */
  mulAddGflops: number;
  /** Fused multiply-adds, the hardware's peak; null where the CPU has no FMA. */
  fmaGflops: number | null;
}

const PAGE = 65536;
const ADDON_INTERFACE = 1;
/** Where `pnpm build` (scripts/build-native.mjs, node-gyp) leaves the addon. */
export const NATIVE_ADDON_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../build/Release/crater_kernels.node',
);

let addon: NativeAddon | null = null;

function loadAddon(): NativeAddon {
  if (addon) return addon;
  try {
    const loaded = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeAddon;
    if (loaded.interface !== ADDON_INTERFACE) {
      throw new Error(`it is of interface ${loaded.interface}, not ${ADDON_INTERFACE}`);
    }
    addon = loaded;
  } catch (error) {
    throw new EngineUnavailableError(
      'native',
      `the addon does not load (${(error as Error).message.split('\n')[0]}); ` +
        'run `pnpm build` where a C compiler is installed',
      { cause: error },
    );
  }
  return addon;
}

/** A growable memory of external ArrayBuffers, 64-byte aligned for the vector loads. */
class NativeMemory implements KernelMemory {
  buffer: ArrayBuffer;

  constructor(private readonly native: NativeAddon) {
    this.buffer = native.allocate(PAGE);
  }

  grow(pages: number): number {
    const before = this.buffer.byteLength / PAGE;
    const next = this.native.allocate(this.buffer.byteLength + pages * PAGE);
    new Uint8Array(next).set(new Uint8Array(this.buffer));
    this.buffer = next;
    return before;
  }
}

function instantiate(native: NativeAddon, kernels: NativeKernels): KernelExports {
  const memory = new NativeMemory(native);
  return {
    memory,
    heapBase: 64,
    dense_forward: (...args) => kernels.dense_forward(memory.buffer, ...args),
    dense_backward: (...args) => kernels.dense_backward(memory.buffer, ...args),
    conv_forward: (...args) => kernels.conv_forward(memory.buffer, ...args),
    first_conv_forward: (...args) => kernels.first_conv_forward(memory.buffer, ...args),
    conv_backward: (...args) => kernels.conv_backward(memory.buffer, ...args),
    first_conv_backward: (...args) => kernels.first_conv_backward(memory.buffer, ...args),
  };
}

/** The x86 code paths this CPU can run, widest first; throws when the addon is not built. */
export function nativeCodePaths(): string[] {
  return loadAddon().codePaths();
}

/**
 * The native engine on `codePath` (default: the widest this CPU runs). Every path gives the
 * same bits; choosing one is for tests and benchmarks.
 */
export function nativeKernelEngine(codePath?: string): KernelEngine {
  const native = loadAddon();
  const paths = native.codePaths();
  const path = codePath ?? paths[0]!;
  if (!paths.includes(path)) {
    throw new EngineUnavailableError(
      'native',
      `this CPU cannot run code path '${path}' (it runs ${paths.join(', ')})`,
    );
  }
  const kernels = native.kernels(path);
  return {
    name: 'native',
    codePath: path,
    panelWidth: 16,
    panelGroup: 32,
    instantiate: () => instantiate(native, kernels),
  };
}

/** Measures the core's peak (one thread, about a second); throws when the addon is not built. */
export function measureCorePeak(runs = 5, iterations = 20_000_000): CorePeak {
  const native = loadAddon();
  const best = (kind: 'muladd' | 'fma'): { gflops: number; lanes: number } | null => {
    let top: { gflops: number; lanes: number } | null = null;
    for (let i = 0; i < runs; i++) {
      const run = native.peak(kind, iterations);
      if (!run) return null;
      const gflops = run.flops / run.seconds / 1e9;
      if (!top || gflops > top.gflops) top = { gflops, lanes: run.lanes };
    }
    return top;
  };
  const mulAdd = best('muladd')!;
  return {
    lanes: mulAdd.lanes,
    mulAddGflops: mulAdd.gflops,
    fmaGflops: best('fma')?.gflops ?? null,
  };
}
