import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../src/errors/index.js';
import { initBackend } from '../src/backend.js';

async function tensorflowLoads(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

describe('initBackend', () => {
  it('auto takes tensorflow when @tensorflow/tfjs-node loads, else wasm', async () => {
    const native = await tensorflowLoads();
    const info = await initBackend('auto');
    expect(info.name).toBe(native ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(info.name);
    expect(info.versions['@tensorflow/tfjs-core']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info.versions.trainer).toBeDefined();
  });

  it('names the tensorflow backend unavailable where libtensorflow is missing', async () => {
    if (await tensorflowLoads()) {
      expect((await initBackend('tensorflow')).name).toBe('tensorflow');
      return;
    }
    const error = await initBackend('tensorflow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).code).toBe('BACKEND_UNAVAILABLE');
    expect((error as Error).message).toMatch(/tensorflow/);
  });

  it('runs on cpu, and refuses a backend it does not know', async () => {
    expect((await initBackend('cpu')).name).toBe('cpu');
    await expect(initBackend('gpu' as never)).rejects.toBeInstanceOf(BackendUnavailableError);
  });
});
