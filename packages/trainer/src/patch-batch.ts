/**
 * A mini-batch of single-channel images with their one-hot targets, and the images unfolded
 * (im2col) for the first convolution's filter gradient. That convolution has one input
 * channel, so its filter gradient is a plain [taps, positions] x [positions, filters] matmul;
 * unfolding on the host costs less than the transposes and the naive convolution shape the
 * generic route takes on wasm. The unfolded copy carries a row of ones, so the same matmul
 * also yields the bias gradient (the sum over positions). Buffers are allocated once, for the
 * largest batch, and reused.
 */
export class PatchBatch {
  /** The images, [n, size, size]. */
  readonly pixels: Float32Array;
  /** Kernel taps (kh, kw) by output positions (example, row, column), then a row of ones. */
  readonly colsT: Float32Array;
  /** One-hot targets, [n, 2]. */
  readonly targets: Float32Array;
  readonly side: number;
  readonly taps: number;
  private count = 0;

  constructor(
    readonly capacity: number,
    readonly size: number,
    readonly kernel: number,
  ) {
    this.side = size - kernel + 1;
    this.taps = kernel * kernel;
    this.pixels = new Float32Array(capacity * size * size);
    this.colsT = new Float32Array(capacity * this.side * this.side * (this.taps + 1));
    this.targets = new Float32Array(capacity * 2);
  }

  /** Examples in the batch. */
  get n(): number {
    return this.count;
  }

  /** Output positions of the first convolution: n x side x side. */
  get positions(): number {
    return this.count * this.side * this.side;
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
    const { size, kernel: k, side, taps, pixels, colsT, targets } = this;
    const image = size * size;
    for (let i = 0; i < n; i++) {
      const example = order[start + i]!;
      pixels.set(images.subarray(example * image, (example + 1) * image), i * image);
      const label = labels[example]!;
      targets[2 * i] = label === 0 ? 1 : 0;
      targets[2 * i + 1] = label === 1 ? 1 : 0;
    }
    // Written in memory order; the reads stay within an image's rows.
    const positions = n * side * side;
    for (let kh = 0, t = 0; kh < k; kh++) {
      for (let kw = 0; kw < k; kw++, t++) {
        let p = t * positions;
        for (let i = 0; i < n; i++) {
          const base = i * image + kh * size + kw;
          for (let oh = 0; oh < side; oh++) {
            const row = base + oh * size;
            for (let ow = 0; ow < side; ow++) colsT[p++] = pixels[row + ow]!;
          }
        }
      }
    }
    colsT.fill(1, taps * positions, (taps + 1) * positions);
  }
}
