import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '@seedsweep/prng';
import { registerWasmConv2dBackpropFilter } from '../src/wasm-conv2d-backprop-filter.js';

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: 'valid' | 'same';
}

const cases: Case[] = [
  { x: [32, 15, 15, 1], filter: [4, 4, 1, 20], strides: 1, pad: 'valid' },
  { x: [32, 12, 12, 20], filter: [4, 4, 20, 20], strides: 1, pad: 'valid' },
  { x: [1, 7, 9, 3], filter: [3, 2, 3, 5], strides: 1, pad: 'valid' },
  { x: [5, 8, 8, 2], filter: [3, 3, 2, 4], strides: 1, pad: 'same' },
  { x: [4, 11, 10, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'valid' },
  { x: [3, 9, 9, 2], filter: [4, 4, 2, 3], strides: 2, pad: 'same' },
  { x: [2, 6, 6, 1], filter: [1, 1, 1, 1], strides: 1, pad: 'valid' },
];

function randomValues(n: number, stream: RandomStream): Float32Array {
  const out = new Float32Array(n);
  stream.fillUniform(out, 1);
  return out;
}

/** dL/dW for L = sum(conv2d(x, W) * dy), through tf.grad: the path training takes. */
async function filterGradient(backend: string, c: Case, seed: number): Promise<Float32Array> {
  await tf.setBackend(backend);
  const stream = RandomStream.derive(seed, 'kernel-test');
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x = tf.tensor4d(randomValues(size(c.x), stream), c.x);
  const w = tf.tensor4d(randomValues(size(c.filter), stream), c.filter);
  const outShape = tf.tidy(() => tf.conv2d(x, w, c.strides, c.pad).shape);
  const dy = tf.tensor(randomValues(size(outShape), stream), outShape);
  const grad = tf.grad((filter: tf.Tensor4D) =>
    tf.sum(tf.mul(tf.conv2d(x, filter, c.strides, c.pad), dy)),
  );
  const g = grad(w);
  const values = (await g.data()) as Float32Array;
  tf.dispose([x, w, dy, g]);
  return values;
}

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(async () => {
    setThreadsCount(1);
    registerWasmConv2dBackpropFilter();
    await tf.setBackend('wasm');
    tf.env().set('PROD', true);
  });

  it.each(cases.map((c, i) => [JSON.stringify(c), c, i] as const))(
    'matches the cpu backend for %s',
    async (_name, c, i) => {
      const expected = await filterGradient('cpu', c, i);
      const actual = await filterGradient('wasm', c, i);
      expect(actual.length).toBe(c.filter.reduce((a, b) => a * b, 1));
      let worst = 0;
      for (let k = 0; k < expected.length; k++) {
        const scale = Math.max(1, Math.abs(expected[k]!));
        worst = Math.max(worst, Math.abs(actual[k]! - expected[k]!) / scale);
      }
      expect(worst).toBeLessThan(1e-4);
    },
  );

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    await filterGradient('wasm', cases[1]!, 0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
