import { describe, expect, it } from 'vitest';
import { RandomStream } from '@seedsweep/prng';
import { ImageBatch } from '../src/image-batch.js';

const size = 7;

function images(count: number): Float32Array {
  const values = new Float32Array(count * size * size);
  RandomStream.derive(1, 'image-batch-test').fillUniform(values, 1);
  return values;
}

describe('ImageBatch', () => {
  const all = images(10);
  const labels = Uint8Array.from([0, 1, 1, 0, 1, 0, 0, 1, 1, 0]);
  const order = Int32Array.from([7, 2, 9, 0, 4, 1, 3, 5, 6, 8]);

  function expectBatch(batch: ImageBatch, start: number, n: number): void {
    expect(batch.n).toBe(n);
    for (let i = 0; i < n; i++) {
      const example = order[start + i]!;
      expect(Array.from(batch.pixels.subarray(i * size * size, (i + 1) * size * size))).toEqual(
        Array.from(all.subarray(example * size * size, (example + 1) * size * size)),
      );
      const label = labels[example]!;
      expect([batch.targets[2 * i], batch.targets[2 * i + 1]]).toEqual([1 - label, label]);
    }
  }

  it('gathers the chosen examples in order, with one-hot targets', () => {
    const batch = new ImageBatch(4, size);
    batch.fill(all, labels, order, 2, 4);
    expectBatch(batch, 2, 4);
  });

  it('fills a smaller last batch into the same buffers', () => {
    const batch = new ImageBatch(4, size);
    batch.fill(all, labels, order, 0, 4);
    batch.fill(all, labels, order, 8, 2);
    expectBatch(batch, 8, 2);
  });

  it('refuses more examples than it was made for', () => {
    expect(() => new ImageBatch(2, size).fill(all, labels, order, 0, 3)).toThrow(RangeError);
  });
});
