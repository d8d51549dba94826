import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '@seedsweep/prng';
import { CraterCnn } from '../src/crater-cnn.js';
import type { ModelSnapshot } from '../src/crater-model.js';
import type { Engine } from '../src/engine.js';
import { ImageBatch } from '../src/image-batch.js';
import { TfjsCraterCnn } from '../src/tfjs-crater-cnn.js';
import { loadTfjsEngine } from '../src/tfjs-engine.js';

const SIZE = 15;
const N = 8;
const LR = 0.05;

/** Relative difference, with values below 1e-3 compared absolutely (as crater-cnn.test.ts). */
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

/** The same 8 examples as crater-cnn.test.ts trains on. */
function testBatch(): ImageBatch {
  const pixels = new Float32Array(N * SIZE * SIZE);
  RandomStream.derive(9, 'cnn-test').fillUniform(pixels, 2);
  const batch = new ImageBatch(N, SIZE);
  const order = Int32Array.from({ length: N }, (_, i) => i);
  batch.fill(
    pixels,
    Uint8Array.from(order, (i) => i % 2),
    order,
    0,
    N,
  );
  return batch;
}

/**
 * The hidden pre-activation nearest 0 for `params` on `batch`: where one sits within rounding of
 * the ReLU's kink, engines that sum in different orders may take different sides of it and
 * their gradients differ by far more than rounding, so a comparison there tests the example.
 */
function nearestKink(params: ModelSnapshot, batch: ImageBatch): number {
  return tf.tidy(() => {
    const p = (name: string) => tf.tensor(params[name]!.values, params[name]!.shape);
    const x = tf.tensor4d(batch.pixels, [N, SIZE, SIZE, 1]);
    const a1 = tf.relu(tf.add(tf.conv2d(x, p('w1') as tf.Tensor4D, 1, 'valid'), p('b1')));
    const a2 = tf.relu(
      tf.add(tf.conv2d(a1 as tf.Tensor4D, p('w2') as tf.Tensor4D, 1, 'valid'), p('b2')),
    );
    const z3 = tf.add(tf.matMul(tf.reshape(a2, [N, -1]), p('w3') as tf.Tensor2D), p('b3'));
    return tf.min(tf.abs(z3)).dataSync()[0]!;
  });
}

describe('the tfjs engine', () => {
  let engine: Engine;
  const batch = testBatch();

  beforeAll(async () => {
    engine = await loadTfjsEngine();
  });

  it('loads TensorFlow.js once and says what it runs on', async () => {
    expect(engine.info.name).toBe('tfjs');
    expect(engine.info.family).toBe('tfjs');
    expect(['tfjs-tensorflow', 'tfjs-wasm']).toContain(engine.info.codePath);
    expect(tf.getBackend()).toBe(engine.info.codePath.slice('tfjs-'.length));
    expect(engine.info.versions.trainer).toBeTruthy();
    expect(engine.info.versions['@tensorflow/tfjs-core']).toMatch(/^\d+\.\d+\.\d+/);
    const backendPackage =
      engine.info.codePath === 'tfjs-wasm'
        ? '@tensorflow/tfjs-backend-wasm'
        : '@tensorflow/tfjs-node';
    expect(engine.info.versions[backendPackage]).toMatch(/^\d+\.\d+\.\d+/);
    expect(await loadTfjsEngine()).toBe(engine);
    const model = engine.initialise(SIZE, RandomStream.derive(1, 'init'));
    expect(model).toBeInstanceOf(TfjsCraterCnn);
    model.dispose();
  });

  it("takes the kernels' first step from the same initial weights, to float32 rounding", () => {
    const kernels = CraterCnn.initialise(SIZE, RandomStream.derive(6, 'init'));
    const model = engine.initialise(SIZE, RandomStream.derive(6, 'init'));
    const before = model.snapshot();
    expect(model.weightsHash()).toBe(kernels.weightsHash());
    expect(nearestKink(before, batch), 'a hidden unit sits at the ReLU kink').toBeGreaterThan(1e-5);

    expect(
      maxRelativeError(model.logits(batch.pixels, N), kernels.logits(batch.pixels, N)),
    ).toBeLessThan(1e-4);
    const expected = kernels.step(batch, LR);
    const actual = model.step(batch, LR);
    const differences: Record<string, number> = {
      loss: Math.abs(actual.loss - expected.loss) / Math.abs(expected.loss),
      'cgn.l1': maxRelativeError(actual.cgn.l1, expected.cgn.l1),
      'cgn.sum': maxRelativeError(actual.cgn.sum, expected.cgn.sum),
    };
    const after = model.snapshot();
    const kernelsAfter = kernels.snapshot();
    for (const name of Object.keys(before)) {
      expect(after[name]!.values, `${name} moved`).not.toEqual(before[name]!.values);
      differences[name] = maxRelativeError(after[name]!.values, kernelsAfter[name]!.values);
      // The steps themselves, p_after - p_before, a stricter comparison than of the weights.
      const step = (values: Float32Array) => values.map((v, i) => v - before[name]!.values[i]!);
      differences[`${name} step`] = maxRelativeError(
        step(after[name]!.values),
        step(kernelsAfter[name]!.values),
      );
    }
    console.log('tfjs vs kernels, max relative difference after one step:', differences);
    for (const [what, difference] of Object.entries(differences)) {
      expect(difference, what).toBeLessThan(what.endsWith(' step') ? 1e-3 : 1e-4);
    }
    kernels.dispose();
    model.dispose();
  });

  it('gives the same bits for the same seed, run after run', () => {
    const run = () => {
      const model = engine.initialise(SIZE, RandomStream.derive(6, 'init'));
      const losses: number[] = [];
      let cgn: number[] = [];
      for (let i = 0; i < 3; i++) {
        const out = model.step(batch, LR);
        losses.push(out.loss);
        cgn = [...out.cgn.l1, ...out.cgn.sum];
      }
      const result = { losses, cgn, hash: model.weightsHash() };
      model.dispose();
      return result;
    };
    const first = run();
    expect(run()).toEqual(first);
  });

  it('reuses its CGN buffers and leaks no tensors over steps', () => {
    const model = engine.initialise(SIZE, RandomStream.derive(2, 'init'));
    const first = model.step(batch, LR);
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) {
      const out = model.step(batch, LR);
      expect(out.cgn.l1).toBe(first.cgn.l1);
      expect(out.cgn.sum).toBe(first.cgn.sum);
      model.logits(batch.pixels, N);
      model.reinitialiseFilters('conv1', [3], RandomStream.derive(2, 'reinit'));
      model.setBias('conv2', 1, 0.5);
      expect(model.allFinite()).toBe(true);
      expect(tf.memory().numTensors).toBe(tensors);
    }
    const held = tf.memory().numTensors;
    model.dispose();
    expect(tf.memory().numTensors).toBe(held - 8);
  });

  it('re-initialises only the chosen filters, drawing from the stream as the kernels do', () => {
    const kernels = CraterCnn.initialise(SIZE, RandomStream.derive(3, 'init'));
    const model = engine.initialise(SIZE, RandomStream.derive(3, 'init'));
    for (const layer of ['conv1', 'conv2'] as const) {
      const name = layer === 'conv1' ? 'w1' : 'w2';
      const before = model.snapshot()[name]!.values;
      const stream = RandomStream.derive(3, `reinit-${layer}`);
      const kernelStream = RandomStream.derive(3, `reinit-${layer}`);
      model.reinitialiseFilters(layer, [4, 17], stream);
      kernels.reinitialiseFilters(layer, [4, 17], kernelStream);
      expect(stream.state()).toEqual(kernelStream.state());
      const after = model.snapshot()[name]!.values;
      expect(after).toEqual(kernels.snapshot()[name]!.values);
      for (let i = 0; i < before.length; i++) {
        const filter = i % 20;
        if (filter === 4 || filter === 17) expect(after[i]).not.toBe(before[i]);
        else expect(after[i]).toBe(before[i]);
      }
      const inChannels = layer === 'conv1' ? 1 : 20;
      const limit = Math.sqrt(6 / (16 * inChannels + 16 * 20));
      expect(Math.max(...Array.from(after).map(Math.abs))).toBeLessThanOrEqual(limit);
    }
    expect(model.weightsHash()).toBe(kernels.weightsHash());
    kernels.dispose();
    model.dispose();
  });

  it('round-trips through a snapshot, and checks its shapes', () => {
    const model = engine.initialise(SIZE, RandomStream.derive(4, 'init'));
    model.step(batch, LR);
    const snapshot = model.snapshot();
    const copy = engine.fromSnapshot(snapshot, SIZE);
    expect(copy.weightsHash()).toBe(model.weightsHash());
    // A copy: writing the snapshot changes neither model.
    snapshot.w1!.values.fill(0);
    expect(copy.weightsHash()).toBe(model.weightsHash());
    expect(copy.step(batch, LR).loss).toBe(model.step(batch, LR).loss);
    expect(copy.weightsHash()).toBe(model.weightsHash());
    // The kernels continue from the tfjs engine's parameters, and the other way round.
    const kernels = CraterCnn.fromSnapshot(model.snapshot(), SIZE);
    expect(kernels.weightsHash()).toBe(model.weightsHash());
    expect(() => engine.fromSnapshot(model.snapshot(), 16)).toThrow(
      /snapshot parameter w3 is not of shape \[2000, 500\]/,
    );
    const missing = model.snapshot();
    delete missing.b4;
    expect(() => TfjsCraterCnn.fromSnapshot(missing, SIZE)).toThrow(RangeError);
    kernels.dispose();
    copy.dispose();
    model.dispose();
  });

  it('is not finite once a bias is NaN', () => {
    const model = engine.initialise(SIZE, RandomStream.derive(5, 'init'));
    expect(model.allFinite()).toBe(true);
    model.setBias('conv2', 7, Number.NaN);
    expect(model.allFinite()).toBe(false);
    expect(model.snapshot().b2!.values[7]).toBeNaN();
    model.setBias('conv2', 7, 0);
    expect(model.allFinite()).toBe(true);
    model.setBias('conv1', 0, Number.POSITIVE_INFINITY);
    expect(model.allFinite()).toBe(false);
    model.dispose();
    expect(() => model.step(batch, LR)).toThrow(/disposed/);
  });

  afterAll(() => {
    expect(tf.memory().numTensors).toBe(0);
  });
});
