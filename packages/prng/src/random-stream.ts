/**
 * xoshiro128** (Blackman & Vigna), seeded through splitmix32. Chosen because it needs only
 * 32-bit integer arithmetic, which JavaScript does exactly and fast, so a stream gives the
 * same numbers on every machine and engine. Streams are derived from a numeric seed and a
 * name, so that independent uses of one seed (initialisation, data order, split) never share
 * numbers and adding a new use never shifts an existing one.
 */
export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(state: readonly [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = state;
  }

  /** A stream for `seed` (a non-negative safe integer) and a purpose `name`. */
  static derive(seed: number, name: string): RandomStream {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
    }
    let h = hashString(name);
    // Fold both 32-bit halves of the seed, so seeds above 2^32 still differ.
    h = mix32(h ^ (seed >>> 0));
    h = mix32(h ^ Math.floor(seed / 0x1_0000_0000));
    let sm = h;
    const next = (): number => {
      sm = (sm + 0x9e3779b9) | 0;
      return mix32(sm);
    };
    const state: [number, number, number, number] = [next(), next(), next(), next()];
    if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
    return new RandomStream(state);
  }

  /** Restores a stream from `state()`, for checkpoints. */
  static fromState(state: readonly number[]): RandomStream {
    if (state.length !== 4) throw new RangeError('a stream state has four 32-bit words');
    return new RandomStream([state[0]! | 0, state[1]! | 0, state[2]! | 0, state[3]! | 0]);
  }

  state(): [number, number, number, number] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** A uniform double in [0, 1) with 32 bits of randomness. */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** A uniform integer in [0, n), without modulo bias. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x1_0000_0000) {
      throw new RangeError(`nextInt needs an integer bound in [1, 2^32], got ${n}`);
    }
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Fills `out` with uniform values in [-limit, limit), as float32. */
  fillUniform(out: Float32Array, limit: number, offset = 0, length = out.length - offset): void {
    for (let i = offset; i < offset + length; i++) {
      out[i] = (this.nextFloat() * 2 - 1) * limit;
    }
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The splitmix32 / murmur3 finaliser. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a over UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}
