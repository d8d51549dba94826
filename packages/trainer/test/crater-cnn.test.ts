import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '@seedsweep/prng';
import { CraterCnn } from '../src/crater-cnn.js';
import { ImageBatch } from '../src/image-batch.js';
import { kernelEngines } from './kernel-engines.js';
import { registerWasmConv2dBackpropFilter } from '../src/wasm-conv2d-backprop-filter.js';

type Snapshot = ReturnType<CraterCnn['snapshot']>;
let variableCount = 0;

/**
 * The same network through tfjs autograd: the reference for the hand-written backward pass.
 * Also gives the hidden pre-activation nearest 0: where one sits within rounding of the ReLU's
 * kink, implementations that sum in different orders take different sides of it, and the
 * gradients differ by far more than rounding (the cpu and wasm backends' autograd disagree by
 * 0.4% on such a batch), so a comparison there tests the example, not the code.
 */
function referenceStep(before: Snapshot, x: tf.Tensor4D, y: tf.Tensor2D, lr: number) {
  const vars = Object.fromEntries(
    Object.entries(before).map(([name, p]) => [
      name,
      tf.variable(tf.tensor(p.values, p.shape), true, `reference-${name}-${++variableCount}`),
    ]),
  ) as Record<string, tf.Variable>;
  let nearestKink = Infinity;
  const loss = () =>
    tf.tidy(() => {
      const a1 = tf.relu(tf.add(tf.conv2d(x, vars.w1 as tf.Tensor4D, 1, 'valid'), vars.b1!));
      const a2 = tf.relu(
        tf.add(tf.conv2d(a1 as tf.Tensor4D, vars.w2 as tf.Tensor4D, 1, 'valid'), vars.b2!),
      );
      const flat = tf.reshape(a2, [x.shape[0], -1]);
      const z3 = tf.add(tf.matMul(flat, vars.w3 as tf.Tensor2D), vars.b3!);
      nearestKink = tf.min(tf.abs(z3)).dataSync()[0]!;
      const a3 = tf.relu(z3);
      const logits = tf.add(tf.matMul(a3, vars.w4 as tf.Tensor2D), vars.b4!);
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    });
  const { value, grads } = tf.variableGrads(loss);
  const after: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(vars)) {
    after[name] = tf.sub(v, tf.mul(grads[v.name]!, lr)).dataSync() as Float32Array;
  }
  const filterSums = (abs: boolean) =>
    [...(['w1', 'w2'] as const)].flatMap((name) => {
      const grad = grads[vars[name]!.name]!;
      return Array.from(tf.sum(abs ? tf.abs(grad) : grad, [0, 1, 2]).dataSync());
    });
  const cgn = { l1: filterSums(true), sum: filterSums(false) };
  const lossValue = value.dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads), ...Object.values(vars)]);
  return { after, cgn, loss: lossValue, nearestKink };
}

function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(
      worst,
      Math.abs(actual[i]! - expected[i]!) / Math.max(1e-3, Math.abs(expected[i]!)),
    );
  }
  return worst;
}

/** The tfjs backend the reference runs on (the model itself never calls tfjs). */
async function useTfjsBackend(backend: 'cpu' | 'wasm'): Promise<void> {
  if (backend === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(1);
    registerWasmConv2dBackpropFilter();
  }
  await tf.setBackend(backend);
  await tf.ready();
}

describe.each(['cpu', 'wasm'] as const)('CraterCnn against autograd on tfjs %s', (backend) => {
  let x: tf.Tensor4D;
  let y: tf.Tensor2D;
  /** The same 8 examples as the model trains on them. */
  let batch: ImageBatch;

  beforeAll(async () => {
    await useTfjsBackend(backend);
    const stream = RandomStream.derive(9, 'cnn-test');
    const pixels = new Float32Array(8 * 15 * 15);
    stream.fillUniform(pixels, 2);
    x = tf.tensor4d(pixels, [8, 15, 15, 1]);
    const labels = new Float32Array(16);
    for (let i = 0; i < 8; i++) labels[2 * i + (i % 2)] = 1;
    y = tf.tensor2d(labels, [8, 2]);
    batch = new ImageBatch(8, 15);
    const classes = Uint8Array.from({ length: 8 }, (_, i) => i % 2);
    batch.fill(
      pixels,
      classes,
      Int32Array.from({ length: 8 }, (_, i) => i),
      0,
      8,
    );
  });
  afterAll(() => tf.dispose([x, y]));

  it('takes the SGD step that autograd computes, and reports its filter CGNs in both norms', () => {
    const model = CraterCnn.initialise(15, RandomStream.derive(5, 'init'));
    const before = model.snapshot();
    const reference = referenceStep(before, x, y, 0.05);
    expect(reference.nearestKink, 'a hidden unit sits at the ReLU kink').toBeGreaterThan(1e-5);
    const { loss, cgn } = model.step(batch, 0.05);
    expect(loss).toBeCloseTo(reference.loss, 5);
    expect(maxRelativeError(cgn.l1, reference.cgn.l1)).toBeLessThan(1e-3);
    expect(maxRelativeError(cgn.sum, reference.cgn.sum)).toBeLessThan(1e-3);
    const after = model.snapshot();
    for (const name of Object.keys(before)) {
      expect(after[name]!.values).not.toEqual(before[name]!.values);
      expect(maxRelativeError(after[name]!.values, reference.after[name]!), name).toBeLessThan(
        1e-3,
      );
    }
    model.dispose();
  });

  it('signs the CGN with the plain sum and keeps it non-negative with l1', () => {
    const model = CraterCnn.initialise(15, RandomStream.derive(2, 'init'));
    const { cgn } = model.step(batch, 0);
    const l1Values = Array.from(cgn.l1);
    const sumValues = Array.from(cgn.sum);
    expect(l1Values.every((v) => v >= 0)).toBe(true);
    expect(sumValues.some((v) => v < 0)).toBe(true);
    sumValues.forEach((v, i) => expect(Math.abs(v)).toBeLessThanOrEqual(l1Values[i]! * (1 + 1e-5)));
    model.dispose();
  });

  it('re-initialises only the chosen filters, from the stream', () => {
    const model = CraterCnn.initialise(15, RandomStream.derive(3, 'init'));
    const before = model.snapshot().w2!.values;
    model.reinitialiseFilters('conv2', [4, 17], RandomStream.derive(3, 'reinit'));
    const after = model.snapshot().w2!.values;
    for (let i = 0; i < before.length; i++) {
      const filter = i % 20;
      if (filter === 4 || filter === 17) expect(after[i]).not.toBe(before[i]);
      else expect(after[i]).toBe(before[i]);
    }
    const limit = Math.sqrt(6 / (16 * 20 + 16 * 20));
    expect(Math.max(...Array.from(after).map(Math.abs))).toBeLessThanOrEqual(limit);
    model.dispose();
  });
});

it('takes the same step, bit for bit, on every kernels engine and code path', () => {
  const pixels = new Float32Array(8 * 15 * 15);
  RandomStream.derive(9, 'cnn-test').fillUniform(pixels, 2);
  const batch = new ImageBatch(8, 15);
  const order = Int32Array.from({ length: 8 }, (_, i) => i);
  batch.fill(
    pixels,
    Uint8Array.from(order, (i) => i % 2),
    order,
    0,
    8,
  );
  const steps = kernelEngines().map((engine) => {
    const model = CraterCnn.initialise(15, RandomStream.derive(6, 'init'), engine);
    const first = model.step(batch, 0.05);
    const result = {
      loss: first.loss,
      l1: Array.from(first.cgn.l1),
      sum: Array.from(first.cgn.sum),
    };
    model.step(batch, 0.05);
    const logits = Array.from(model.logits(pixels, 8));
    const weights = model.weightsHash();
    model.dispose();
    return {
      engine: engine.name,
      codePath: engine.codePath,
      result: { ...result, logits, weights },
    };
  });
  expect(steps.length).toBeGreaterThan(0);
  for (const step of steps)
    expect(step.result, `${step.engine} ${step.codePath}`).toEqual(steps[0]!.result);
});
