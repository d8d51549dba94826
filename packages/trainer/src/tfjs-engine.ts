import * as tf from '@tensorflow/tfjs-core';
import type { Engine, EngineInfo } from './engine.js';
import { packageVersion } from './engine.js';
import { EngineUnavailableError } from './errors/index.js';
import { TfjsCraterCnn } from './tfjs-crater-cnn.js';
import { registerWasmConv2dBackpropFilter } from './wasm-conv2d-backprop-filter.js';
import { TRAINER_VERSION } from './trainer-version.js';

/** A tfjs backend the engine runs on, and the package that provides it. */
interface TfjsBackend {
  name: 'tensorflow' | 'wasm';
  packageName: string;
  load(): Promise<void>;
}

const backends: readonly TfjsBackend[] = [
  {
    name: 'tensorflow',
    packageName: '@tensorflow/tfjs-node',
    // An optional dependency: absent, or present without libtensorflow when its install script
    // could not download it. Either way it fails here, and the wasm backend is tried.
    load: async () => {
      await import('@tensorflow/tfjs-node');
    },
  },
  {
    name: 'wasm',
    packageName: '@tensorflow/tfjs-backend-wasm',
    load: async () => {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // One thread: results must not depend on the machine's core count, and a worker runs
      // one trial per core. Set before the backend initialises, which reads it then.
      wasm.setThreadsCount(1);
      registerWasmConv2dBackpropFilter();
    },
  },
];

async function activate(backend: TfjsBackend): Promise<void> {
  await backend.load();
  // tfjs prints advice about installing tfjs-node; the engine chooses its backend itself.
  tf.env().set('PROD', true);
  if (!(await tf.setBackend(backend.name))) {
    throw new Error(`tfjs could not initialise its '${backend.name}' backend`);
  }
  await tf.ready();
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/**
 * Autograd needs every op's gradient registered. tfjs-core leaves that to its users, and its
 * own registration module is ESM for bundlers (extensionless imports Node cannot resolve); the
 * union package's Node bundle registers them into the same tfjs-core.
 */
async function registerGradients(): Promise<void> {
  await import('@tensorflow/tfjs');
}

/** Loads TensorFlow.js, native where tfjs-node loads, else on wasm; the engine on it. */
async function load(): Promise<Engine> {
  await registerGradients();
  const failures: string[] = [];
  const causes: unknown[] = [];
  for (const backend of backends) {
    try {
      await activate(backend);
    } catch (error) {
      failures.push(`${backend.packageName} does not load (${firstLine(error)})`);
      causes.push(error);
      continue;
    }
    return tfjsEngineOn(backend);
  }
  throw new EngineUnavailableError('tfjs', failures.join('; '), {
    cause: new AggregateError(causes, 'no tfjs backend loads'),
  });
}

function tfjsEngineOn(backend: TfjsBackend): Engine {
  const info: EngineInfo = {
    name: 'tfjs',
    family: 'tfjs',
    codePath: `tfjs-${backend.name}`,
    versions: {
      trainer: TRAINER_VERSION,
      '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
      [backend.packageName]: packageVersion(backend.packageName),
    },
  };
  // tfjs has one global engine: a model built after something switched it would compute on
  // another backend than the one `info` records.
  const checkBackend = (): void => {
    const active = tf.getBackend();
    if (active !== backend.name) {
      throw new EngineUnavailableError(
        'tfjs',
        `the active tfjs backend is '${active}', not '${backend.name}', which this engine loaded`,
      );
    }
  };
  return {
    info,
    initialise: (inputSize, stream) => {
      checkBackend();
      return TfjsCraterCnn.initialise(inputSize, stream);
    },
    fromSnapshot: (snapshot, inputSize) => {
      checkBackend();
      return TfjsCraterCnn.fromSnapshot(snapshot, inputSize);
    },
  };
}

let loading: Promise<Engine> | null = null;

/**
 * The tfjs engine: the crater CNN through TensorFlow.js ops and autograd (TfjsCraterCnn), on
 * tfjs-node's native backend where it loads, else on the wasm backend with one thread.
 * TensorFlow.js is loaded once per process; a failed load is retried by the next call.
 * Throws EngineUnavailableError when neither backend loads.
 */
export function loadTfjsEngine(): Promise<Engine> {
  loading ??= load().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}
