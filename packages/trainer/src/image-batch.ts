/**
 * A mini-batch of single-channel images with their one-hot targets, gathered in the data
 * order. Buffers are allocated once, for the largest batch, and reused.
 */
export class ImageBatch {
  /** The images, [n, size, size]. */
  readonly pixels: Float32Array;
  /** One-hot targets, [n, 2]. */
  readonly targets: Float32Array;
  private count = 0;

  constructor(
    readonly capacity: number,
    readonly size: number,
  ) {
    this.pixels = new Float32Array(capacity * size * size);
    this.targets = new Float32Array(capacity * 2);
  }

  /** Examples in the batch. */
  get n(): number {
    return this.count;
  }

  /**
   * Fills the batch with examples `order[start]`, ..., `order[start + n - 1]` of `images`
   * (row-major, of side `size`) and their classes from `labels` (0 or 1).
   */
  fill(
    images: Float32Array,
    labels: ArrayLike<number>,
    order: ArrayLike<number>,
    start: number,
    n: number,
  ): void {
    if (n > this.capacity) throw new RangeError(`batch of ${n} exceeds ${this.capacity}`);
    this.count = n;
    const { size, pixels, targets } = this;
    const image = size * size;
    for (let i = 0; i < n; i++) {
      const example = order[start + i]!;
      pixels.set(images.subarray(example * image, (example + 1) * image), i * image);
      const label = labels[example]!;
      targets[2 * i] = label === 0 ? 1 : 0;
      targets[2 * i + 1] = label === 1 ? 1 : 0;
    }
  }
}
