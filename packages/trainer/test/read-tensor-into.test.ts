import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend.js';
import { readTensorInto } from '../src/read-tensor-into.js';

describe.each(['cpu', 'wasm'] as const)('readTensorInto on %s', (backend) => {
  it('copies what dataSync gives, for a kernel output and a slice of a larger buffer', async () => {
    await selectBackend(backend);
    tf.tidy(() => {
      const x = tf.reshape(tf.relu(tf.sub(tf.range(0, 600, 1, 'float32'), 300)), [2, 300]);
      const into = new Float32Array(700).fill(-1);
      readTensorInto(x, into.subarray(50, 650));
      expect(Array.from(into.subarray(50, 650))).toEqual(Array.from(x.dataSync()));
      expect(into[49]).toBe(-1);
      expect(into[650]).toBe(-1);
    });
  });

  it('refuses a tensor that is not float32', async () => {
    await selectBackend(backend);
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(() => readTensorInto(ints, new Float32Array(2))).toThrow(/expected float32, got int32/);
    ints.dispose();
  });
});
