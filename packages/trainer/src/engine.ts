import { createRequire } from 'node:module';
import type { RandomStream } from '@seedsweep/prng';
import { CraterCnn } from './crater-cnn.js';
import type { CraterModel, ModelSnapshot } from './crater-model.js';
import {
  ENGINE_CHOICES,
  numericFamilyOf,
  type EngineChoice,
  type EngineName,
  type NumericFamily,
} from './engine-choice.js';
import { EngineUnavailableError } from './errors/index.js';
import type { KernelEngine } from './kernel-engine.js';
import { nativeKernelEngine } from './native-kernel-engine.js';
import { TRAINER_VERSION } from './trainer-version.js';
import { wasmKernelEngine } from './wasm-kernel-engine.js';

/** What a result records of the engine that computed it. */
export interface EngineInfo {
  name: EngineName;
  /** The numeric family, part of the trial key: engines of one family give the same bits. */
  family: NumericFamily;
  /** The instruction set or backend that ran: avx512, avx2, sse, wasm-simd128, tfjs-wasm... */
  codePath: string;
  /** Package versions that determine results; recorded with every result. */
  versions: Record<string, string>;
}

/** An engine: the crater CNN built on it, fresh or from a checkpoint's parameters. */
export interface Engine {
  readonly info: EngineInfo;
  initialise(inputSize: number, stream: RandomStream): CraterModel;
  fromSnapshot(snapshot: ModelSnapshot, inputSize: number): CraterModel;
}

export interface EngineOptions {
  /** The native engine's code path (avx512, avx2, sse); default the widest the CPU runs. */
  codePath?: string;
}

const require = createRequire(import.meta.url);

export function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function kernelsEngine(kernels: KernelEngine): Engine {
  return {
    info: {
      name: kernels.name,
      family: 'kernels',
      codePath: kernels.codePath,
      versions: { trainer: TRAINER_VERSION },
    },
    initialise: (inputSize, stream) => CraterCnn.initialise(inputSize, stream, kernels),
    fromSnapshot: (snapshot, inputSize) => CraterCnn.fromSnapshot(snapshot, inputSize, kernels),
  };
}

async function tfjsEngine(): Promise<Engine> {
  // Loaded only here: processes on the kernels never load TensorFlow.js.
  const { loadTfjsEngine } = await import('./tfjs-engine.js');
  return loadTfjsEngine();
}

/** Builds the engine `choice` names; `auto` is native where the addon loads, else wasm. */
export async function initEngine(
  choice: EngineChoice = 'auto',
  options: EngineOptions = {},
): Promise<Engine> {
  if (!ENGINE_CHOICES.includes(choice)) {
    throw new EngineUnavailableError(String(choice), `choose one of ${ENGINE_CHOICES.join(', ')}`);
  }
  if (options.codePath !== undefined && choice !== 'native' && choice !== 'auto') {
    throw new EngineUnavailableError(choice, 'a code path is a choice of the native engine');
  }
  // A code path asks for the native engine: auto does not fall back to wasm then.
  if (options.codePath !== undefined) choice = 'native';
  switch (choice) {
    case 'native':
      return kernelsEngine(nativeKernelEngine(options.codePath));
    case 'wasm':
      return kernelsEngine(wasmKernelEngine);
    case 'tfjs':
      return tfjsEngine();
    case 'auto':
      try {
        return kernelsEngine(nativeKernelEngine(options.codePath));
      } catch (error) {
        if (!(error instanceof EngineUnavailableError)) throw error;
        return kernelsEngine(wasmKernelEngine);
      }
  }
}

let active: Engine | null = null;
let activeChoice: EngineChoice | null = null;
let activeCodePath: string | undefined;

/**
 * Chooses the process's engine for the trainings that follow. The same choice keeps the engine
 * already built; `auto` also keeps any kernels engine chosen before (they give the same bits).
 */
export async function selectEngine(
  choice: EngineChoice = 'auto',
  options: EngineOptions = {},
): Promise<EngineInfo> {
  const keeps =
    active !== null &&
    options.codePath === activeCodePath &&
    (choice === activeChoice ||
      (choice === 'auto' && options.codePath === undefined && active.info.family === 'kernels'));
  if (!keeps) {
    active = await initEngine(choice, options);
    activeChoice = choice;
    activeCodePath = options.codePath;
  }
  return active!.info;
}

/** The engine trainings run on: the one selected, else `auto`. */
export async function currentEngine(): Promise<Engine> {
  if (!active) await selectEngine('auto');
  return active!;
}

/** The family a choice trains in, for the trial key: see engine-choice.ts. */
export { numericFamilyOf };
