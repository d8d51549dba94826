import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { RandomStream } from '@seedsweep/prng';
import { HostHead } from '../src/host-head.js';

const hidden = 50;
const n = 6;

function uniform(count: number, limit: number, name: string): Float32Array {
  const values = new Float32Array(count);
  RandomStream.derive(3, name).fillUniform(values, limit);
  return values;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, name: string) {
  expect(actual.length, name).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `${name}[${i}]`).toBeLessThan(
      1e-5 * Math.max(1, Math.abs(expected[i]!)),
    );
  }
}

describe('HostHead', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const z3Values = uniform(n * hidden, 1, 'z3');
  const params = {
    b3: uniform(hidden, 0.3, 'b3'),
    w4: uniform(hidden * 2, 0.5, 'w4'),
    b4: uniform(2, 0.1, 'b4'),
  };
  const targets = Float32Array.from({ length: 2 * n }, (_, i) =>
    ((i >> 1) % 3 === 0) === (i % 2 === 0) ? 1 : 0,
  );

  it('gives the loss and gradients tfjs autograd gives', () => {
    const lr = Math.fround(0.05);
    const got = new HostHead(n, hidden).run(z3Values, n, targets, params, lr);

    const z3 = tf.tensor2d(z3Values, [n, hidden]);
    const y = tf.tensor2d(targets, [n, 2]);
    const b3 = tf.tensor1d(params.b3);
    const w4 = tf.tensor2d(params.w4, [hidden, 2]);
    const b4 = tf.tensor1d(params.b4);
    const loss = (z: tf.Tensor, bias3: tf.Tensor, weights4: tf.Tensor, bias4: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(
        y,
        tf.add(tf.matMul(tf.relu(tf.add(z, bias3)) as tf.Tensor2D, weights4 as tf.Tensor2D), bias4),
      ) as tf.Scalar;
    const { value, grads } = tf.valueAndGrads(loss)([z3, b3, w4, b4]);
    const [dz3, db3, dw4, db4] = grads as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];

    expect(Math.abs(got.loss - value.dataSync()[0]!)).toBeLessThan(1e-6);
    expectClose(got.dz3, dz3.dataSync(), 'dz3');
    expectClose(got.scaledDz3, tf.mul(dz3, lr).dataSync(), 'scaledDz3');
    expectClose(got.db3, db3.dataSync(), 'db3');
    expectClose(got.dw4, dw4.dataSync(), 'dw4');
    expectClose(got.db4, db4.dataSync(), 'db4');
    tf.dispose([z3, y, b3, w4, b4, value, ...grads]);
  });

  it('gives the class scores tfjs gives, without a backward pass', () => {
    const got = new HostHead(n, hidden).logits(z3Values, n, params);
    const expected = tf.tidy(() =>
      tf
        .add(
          tf.matMul(
            tf.relu(tf.add(tf.tensor2d(z3Values, [n, hidden]), tf.tensor1d(params.b3))),
            tf.tensor2d(params.w4, [hidden, 2]),
          ),
          tf.tensor1d(params.b4),
        )
        .dataSync(),
    );
    expectClose(got, expected, 'logits');
  });

  it('lets a NaN through to the loss, so a diverging run is seen to diverge', () => {
    const poisoned = z3Values.slice();
    poisoned[7] = NaN;
    const got = new HostHead(n, hidden).run(poisoned, n, targets, params, 0.01);
    expect(got.loss).toBeNaN();
  });

  it('serves a smaller batch from buffers made for a larger one', () => {
    const head = new HostHead(n, hidden);
    head.run(z3Values, n, targets, params, 0.01);
    const small = z3Values.subarray(0, hidden * 2);
    const reused = head.run(small, 2, targets, params, 0.01);
    const fresh = new HostHead(2, hidden).run(small, 2, targets, params, 0.01);
    expect(reused.loss).toBe(fresh.loss);
    expect(Array.from(reused.dz3)).toEqual(Array.from(fresh.dz3));
    expect(Array.from(reused.dw4)).toEqual(Array.from(fresh.dw4));
  });
});
