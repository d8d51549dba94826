import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError } from './errors/index.js';
import { TRAINER_VERSION } from './trainer-version.js';

import { BACKEND_CHOICES, type BackendChoice, type BackendName } from './backend-choice.js';

export { BACKEND_CHOICES, type BackendChoice, type BackendName };

export interface BackendInfo {
  name: BackendName;
  /** Package versions that determine results; recorded with every result. */
  versions: Record<string, string>;
}

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function loadTensorflow(): Promise<void> {
  try {
    // Optional dependency: absent, or present without libtensorflow when its install
    // script could not download it. Either way it fails here, and `auto` falls back.
    await import('@tensorflow/tfjs-node');
  } catch (error) {
    throw new BackendUnavailableError(
      'tensorflow',
      `@tensorflow/tfjs-node does not load (${(error as Error).message.split('\n')[0]})`,
      { cause: error },
    );
  }
}

async function loadWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // One thread per trial: results must not depend on the machine's core count, and a worker
  // runs one trial per core.
  wasm.setThreadsCount(1);
}

async function loadCpu(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
}

const loaders: Record<BackendName, () => Promise<void>> = {
  tensorflow: loadTensorflow,
  wasm: loadWasm,
  cpu: loadCpu,
};

const backendPackages: Record<BackendName, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

async function activate(name: BackendName): Promise<BackendInfo> {
  await loaders[name]();
  // tfjs prints advice about installing tfjs-node; seedsweep chooses its backend itself.
  tf.env().set('PROD', true);
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    throw new BackendUnavailableError(name, (error as Error).message, { cause: error });
  }
  if (!ok) throw new BackendUnavailableError(name, 'tfjs could not initialise it');
  await tf.ready();
  return {
    name,
    versions: {
      trainer: TRAINER_VERSION,
      '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
      [backendPackages[name]]: packageVersion(backendPackages[name]),
    },
  };
}

/**
 * Selects the backend for this process. `auto` takes the native `tensorflow` backend when
 * it loads, else `wasm`. tfjs has one global engine, so a process trains on one backend.
 */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new BackendUnavailableError(
      String(choice),
      `choose one of ${BACKEND_CHOICES.join(', ')}`,
    );
  }
  if (choice !== 'auto') return activate(choice);
  try {
    return await activate('tensorflow');
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    return activate('wasm');
  }
}

let active: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

/**
 * Chooses the process's backend (tfjs has one global engine): `auto` or the same name keeps the
 * one already chosen; a different explicit name switches to it.
 */
export function selectBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (active && (choice === 'auto' || choice === active.name)) return Promise.resolve(active);
  pending = initBackend(choice).then((info) => (active = info));
  return pending;
}

/** The backend trainings run on: the one selected, else `auto`. */
export function currentBackend(): Promise<BackendInfo> {
  if (active) return Promise.resolve(active);
  return pending ?? selectBackend('auto');
}
