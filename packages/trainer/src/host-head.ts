/**
 * The network's head on the host: bias and ReLU of the hidden layer, the output layer (two
 * classes) and the mean softmax cross-entropy, forward and backward. Per batch this is
 * [n, 500] x [500, 2] and a few elementwise passes: a fraction of a millisecond in JavaScript,
 * against some twenty tiny tfjs kernels (each paying the engine's per-op bookkeeping) on the
 * device. The hidden layer comes and goes as [n, hidden], the dense layer's layout; inside,
 * the passes run over it transposed, [hidden, n], so that each unit's parameters are read
 * once. Sums accumulate in float64 and are rounded to float32 where a tensor or parameter
 * receives them.
 */
export interface HeadGradients {
  /** Mean softmax cross-entropy of the batch. */
  loss: number;
  /** dL/dz of the hidden layer (before its ReLU): [n, hidden]. */
  dz3: Float32Array;
  /** The same times the learning rate, for W3's update. */
  scaledDz3: Float32Array;
  /** dL/db3, dL/dW4 ([hidden, 2]) and dL/db4. */
  db3: Float64Array;
  dw4: Float64Array;
  db4: Float64Array;
}

export class HostHead {
  private readonly a3T: Float32Array;
  private readonly dz3: Float32Array;
  private readonly scaledDz3: Float32Array;
  private readonly db3: Float64Array;
  private readonly dw4: Float64Array;
  private readonly db4: Float64Array;
  private readonly scores: Float64Array;
  private readonly dLogits: Float64Array;

  constructor(
    readonly capacity: number,
    readonly hidden: number,
  ) {
    this.a3T = new Float32Array(capacity * hidden);
    this.dz3 = new Float32Array(capacity * hidden);
    this.scaledDz3 = new Float32Array(capacity * hidden);
    this.db3 = new Float64Array(hidden);
    this.dw4 = new Float64Array(hidden * 2);
    this.db4 = new Float64Array(2);
    this.scores = new Float64Array(capacity * 2);
    this.dLogits = new Float64Array(capacity * 2);
  }

  /**
   * Class scores of a batch of `n` examples from the hidden layer's pre-bias outputs (`z3`,
   * [n, hidden]): [n, 2], reused by the next call.
   */
  logits(
    z3: Float32Array,
    n: number,
    params: { b3: Float32Array; w4: Float32Array; b4: Float32Array },
  ): Float64Array {
    const { hidden: h, a3T, scores: logits } = this;
    const { b3, w4, b4 } = params;
    // Two classes, written out: the loops over them cost more than the arithmetic otherwise.
    for (let i = 0; i < n; i++) {
      logits[2 * i] = b4[0]!;
      logits[2 * i + 1] = b4[1]!;
    }
    for (let j = 0; j < h; j++) {
      const bias = b3[j]!;
      const w0 = w4[2 * j]!;
      const w1 = w4[2 * j + 1]!;
      for (let i = 0, at = j * n; i < n; i++, at++) {
        const z = Math.fround(z3[i * h + j]! + bias);
        // ReLU that lets NaN through, as tf.relu does: a diverging run must stay visible.
        const a = z > 0 || z !== z ? z : 0;
        a3T[at] = a;
        logits[2 * i]! += a * w0;
        logits[2 * i + 1]! += a * w1;
      }
    }
    return logits.subarray(0, 2 * n);
  }

  /**
   * Forward and backward through the head for a batch of `n` examples, from the hidden
   * layer's pre-bias outputs (`z3`, [n, hidden]). The returned arrays are reused by the next
   * call.
   */
  run(
    z3: Float32Array,
    n: number,
    targets: Float32Array,
    params: { b3: Float32Array; w4: Float32Array; b4: Float32Array },
    learningRate: number,
  ): HeadGradients {
    const { hidden: h, a3T, dz3, scaledDz3, db3, dw4, db4, dLogits } = this;
    const { w4 } = params;
    const logits = this.logits(z3, n, params);

    let lossSum = 0;
    db4[0] = 0;
    db4[1] = 0;
    for (let i = 0; i < n; i++) {
      const l0 = logits[2 * i]!;
      const l1 = logits[2 * i + 1]!;
      const max = Math.max(l0, l1);
      const logSum = max + Math.log(Math.exp(l0 - max) + Math.exp(l1 - max));
      const y0 = targets[2 * i]!;
      const y1 = targets[2 * i + 1]!;
      lossSum -= y0 * (l0 - logSum) + y1 * (l1 - logSum);
      const d0 = (Math.exp(l0 - logSum) - y0) / n;
      const d1 = (Math.exp(l1 - logSum) - y1) / n;
      dLogits[2 * i] = d0;
      dLogits[2 * i + 1] = d1;
      db4[0]! += d0;
      db4[1]! += d1;
    }

    for (let j = 0; j < h; j++) {
      const w0 = w4[2 * j]!;
      const w1 = w4[2 * j + 1]!;
      let g0 = 0;
      let g1 = 0;
      let bias = 0;
      for (let i = 0, at = j * n; i < n; i++, at++) {
        const a = a3T[at]!;
        const d0 = dLogits[2 * i]!;
        const d1 = dLogits[2 * i + 1]!;
        g0 += a * d0;
        g1 += a * d1;
        // The ReLU passes the gradient where its output is positive (tf.step's convention).
        const g = a > 0 ? Math.fround(d0 * w0 + d1 * w1) : a === a ? 0 : a;
        dz3[i * h + j] = g;
        scaledDz3[i * h + j] = learningRate * g;
        bias += g;
      }
      dw4[2 * j] = g0;
      dw4[2 * j + 1] = g1;
      db3[j] = bias;
    }
    return {
      loss: lossSum / n,
      dz3: dz3.subarray(0, n * h),
      scaledDz3: scaledDz3.subarray(0, n * h),
      db3,
      dw4,
      db4,
    };
  }
}
