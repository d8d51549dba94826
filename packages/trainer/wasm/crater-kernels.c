/*
 * The crater CNN's layers as WebAssembly SIMD kernels: its two convolutions (4x4, 20 filters,
 * on the image and on the first one's 20 channels) with their bias and ReLU, and the 1620x500
 * dense layer, forward and backward. The head (500x2 and the loss) runs on the host.
 *
 * Built by scripts/build-wasm.sh into src/crater-kernels-wasm.ts (committed, so installing the
 * project needs no C compiler). Freestanding: no libc and no static data; every buffer is an
 * offset into the module's memory above __heap_base, laid out by CraterKernels
 * (src/crater-kernels.ts).
 *
 * Why not the wasm backend's kernels: a batch of 32 against 810,000 weights is XNNPACK's weak
 * case (about 15 GFLOP/s in training), keeping W3 in two layouts for it costs a transpose and
 * a subtraction per step, and the convolution's gradients take transposes, a padded
 * convolution and half a dozen elementwise kernels there. Here each runs as one loop nest. The
 * first convolution is 3% of the arithmetic, yet its forward pass, gradient and read-backs as
 * tfjs calls took a tenth of a step.
 *
 * Dense layer. W has one layout, updated in place, made for these loops: panels of 8 output
 * columns, w[k][j] at ((j / 8) * in + k) * 8 + j % 8, so that every loop reads W in contiguous
 * runs. `out` must be a multiple of 4; the last panel may be half full (its unused half stays 0).
 *
 * Every output is a float32 sum in a fixed order, so results are bit-identical on every
 * machine (test/crater-kernels.test.ts checks them against scalar references):
 *   forward   z[i][j]   = +0 + x[i][0] w[0][j] + x[i][1] w[1][j] + ... (in order of k)
 *   backward  dx[i][k]  = (s0 + s1) + (s2 + s3), where sl = +0 + the dz[i][j] w[k][j] with
 *                         j = l, l + 4, l + 8, ... (in order of j)
 *             w[k][j]  -= +0 + x[0][k] s[0][j] + x[1][k] s[1][j] + ... (in order of i),
 *                         with dx computed from W before the update.
 * The convolution's orders are given with its kernels below.
 * No fused multiply-add: WebAssembly has none, and -ffp-contract=off keeps clang from one.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef v128_t f4;
#define add wasm_f32x4_add
#define sub wasm_f32x4_sub
#define mul wasm_f32x4_mul
#define splat wasm_f32x4_splat
#define load(p) wasm_v128_load(p)
#define store(p, v) wasm_v128_store(p, v)

/* c_rv += a_r * b_v for rows r = 0..3 and vectors v = 0, 1: the 4x2 blocks' inner step. */
#define ACCUMULATE_4X2(a0, a1, a2, a3, b0, b1) \
  do {                                           \
    c00 = add(c00, mul(a0, b0));                 \
    c01 = add(c01, mul(a0, b1));                 \
    c10 = add(c10, mul(a1, b0));                 \
    c11 = add(c11, mul(a1, b1));                 \
    c20 = add(c20, mul(a2, b0));                 \
    c21 = add(c21, mul(a2, b1));                 \
    c30 = add(c30, mul(a3, b0));                 \
    c31 = add(c31, mul(a3, b1));                 \
  } while (0)

/* p_v += x * w_v and q_v += y * w_v for the 5 vectors of 20 channels. */
#define ACCUMULATE_2X5(x, y, w0, w1, w2, w3, w4) \
  do {                                            \
    p0 = add(p0, mul(x, w0));                     \
    p1 = add(p1, mul(x, w1));                     \
    p2 = add(p2, mul(x, w2));                     \
    p3 = add(p3, mul(x, w3));                     \
    p4 = add(p4, mul(x, w4));                     \
    q0 = add(q0, mul(y, w0));                     \
    q1 = add(q1, mul(y, w1));                     \
    q2 = add(q2, mul(y, w2));                     \
    q3 = add(q3, mul(y, w3));                     \
    q4 = add(q4, mul(y, w4));                     \
  } while (0)

/* z[r][0..8] for r < rows <= 4: a panel's 8 columns. Missing rows repeat row 0, unstored. */
static void forward_block(const float *x, const float *panel, float *z, int rows, int in,
                          int out, int width) {
  const float *x0 = x, *x1 = rows > 1 ? x + in : x, *x2 = rows > 2 ? x + 2 * in : x,
              *x3 = rows > 3 ? x + 3 * in : x;
  f4 c00 = splat(0), c01 = splat(0), c10 = splat(0), c11 = splat(0);
  f4 c20 = splat(0), c21 = splat(0), c30 = splat(0), c31 = splat(0);
  for (int k = 0; k < in; k++) {
    const float *wk = panel + k * 8;
    f4 b0 = load(wk), b1 = load(wk + 4);
    f4 a0 = splat(x0[k]), a1 = splat(x1[k]), a2 = splat(x2[k]), a3 = splat(x3[k]);
    ACCUMULATE_4X2(a0, a1, a2, a3, b0, b1);
  }
  f4 c[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  for (int r = 0; r < rows; r++) {
    store(z + r * out, c[r][0]);
    if (width == 8) store(z + r * out + 4, c[r][1]);
  }
}

/* z[n][out] = x[n][in] w[in][out], w in panels. */
EXPORT(dense_forward)
void dense_forward(const float *x, const float *w, float *z, int n, int in, int out) {
  for (int j = 0; j < out; j += 8) {
    const float *panel = w + j * in;
    int width = out - j < 8 ? 4 : 8;
    for (int i = 0; i < n; i += 4) {
      forward_block(x + i * in, panel, z + i * out + j, n - i < 4 ? n - i : 4, in, out, width);
    }
  }
}

static float lanes_sum(f4 v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

/*
 * dx[r][0] and dx[r][1] for r < rows <= 4 from rows k and k + 1 of w (`row` points at row k
 * of panel 0). Lane l of an accumulator sums j = l, l + 4, ...: 8p + l, then 8p + 4 + l.
 */
static void input_gradient_block(const float *dz, const float *row, float *dx, int rows, int in,
                                 int out) {
  const float *d0 = dz, *d1 = rows > 1 ? dz + out : dz, *d2 = rows > 2 ? dz + 2 * out : dz,
              *d3 = rows > 3 ? dz + 3 * out : dz;
  f4 c00 = splat(0), c01 = splat(0), c10 = splat(0), c11 = splat(0);
  f4 c20 = splat(0), c21 = splat(0), c30 = splat(0), c31 = splat(0);
  int j = 0;
  const float *wp = row;
  for (; j + 8 <= out; j += 8, wp += 8 * in) {
    f4 b0 = load(wp), b1 = load(wp + 8);
    f4 a0 = load(d0 + j), a1 = load(d1 + j), a2 = load(d2 + j), a3 = load(d3 + j);
    ACCUMULATE_4X2(a0, a1, a2, a3, b0, b1);
    b0 = load(wp + 4);
    b1 = load(wp + 12);
    a0 = load(d0 + j + 4);
    a1 = load(d1 + j + 4);
    a2 = load(d2 + j + 4);
    a3 = load(d3 + j + 4);
    ACCUMULATE_4X2(a0, a1, a2, a3, b0, b1);
  }
  if (j < out) { /* a half panel: 4 columns */
    f4 b0 = load(wp), b1 = load(wp + 8);
    f4 a0 = load(d0 + j), a1 = load(d1 + j), a2 = load(d2 + j), a3 = load(d3 + j);
    ACCUMULATE_4X2(a0, a1, a2, a3, b0, b1);
  }
  f4 c[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  for (int r = 0; r < rows; r++) {
    dx[r * in] = lanes_sum(c[r][0]);
    dx[r * in + 1] = lanes_sum(c[r][1]);
  }
}

/* Rows k..k+4 of one panel: w[k + r][0..8] -= sum over i of x[i][k + r] s[i][0..8]. */
static void update_block(const float *x, const float *s, float *panel_rows, int n, int in,
                         int out, int width) {
  f4 c00 = splat(0), c01 = splat(0), c10 = splat(0), c11 = splat(0);
  f4 c20 = splat(0), c21 = splat(0), c30 = splat(0), c31 = splat(0);
  for (int i = 0; i < n; i++) {
    const float *xi = x + i * in, *si = s + i * out;
    f4 b0 = load(si), b1 = width == 8 ? load(si + 4) : splat(0);
    f4 a0 = splat(xi[0]), a1 = splat(xi[1]), a2 = splat(xi[2]), a3 = splat(xi[3]);
    ACCUMULATE_4X2(a0, a1, a2, a3, b0, b1);
  }
  float *w = panel_rows;
  store(w, sub(load(w), c00));
  store(w + 8, sub(load(w + 8), c10));
  store(w + 16, sub(load(w + 16), c20));
  store(w + 24, sub(load(w + 24), c30));
  if (width == 8) {
    store(w + 4, sub(load(w + 4), c01));
    store(w + 12, sub(load(w + 12), c11));
    store(w + 20, sub(load(w + 20), c21));
    store(w + 28, sub(load(w + 28), c31));
  }
}

/*
 * dx[n][in] = dz[n][out] w^T with w as it was, then w -= x^T s, where s is the learning rate
 * times dz. One pass over w, four rows at a time, each block serving both while in cache.
 * `in` must be a multiple of 4.
 */
EXPORT(dense_backward)
void dense_backward(const float *x, const float *dz, const float *s, float *w, float *dx, int n,
                    int in, int out) {
  for (int k = 0; k < in; k += 4) {
    for (int pair = 0; pair < 4; pair += 2) {
      for (int i = 0; i < n; i += 4) {
        input_gradient_block(dz + i * out, w + (k + pair) * 8, dx + i * in + k + pair,
                             n - i < 4 ? n - i : 4, in, out);
      }
    }
    for (int j = 0; j < out; j += 8) {
      update_block(x + k, s + j, w + j * in + k * 8, n, in, out, out - j < 8 ? 4 : 8);
    }
  }
}

/* ---- The convolutions: 4x4, 20 filters, stride 1, valid, NHWC. The second has 20 input
 * channels, the first one (the image). `cin` is that count; each kernel row's taps (kw, ci)
 * are contiguous in the input and in w. ---- */

#define CH 20
#define KS 4
#define SEG (KS * CH) /* one kernel row's taps (kw, ci) in the second convolution */

static f4 relu_keep_nan(f4 z) {
  v128_t pass = wasm_v128_or(wasm_f32x4_gt(z, splat(0)), wasm_f32x4_ne(z, z));
  return wasm_v128_and(z, pass);
}

/* Output positions ow and ow + 1 (`two`) of one output row: 5 channel vectors each. */
static inline void conv_forward_pair(const float *a_row, const float *w, const float *b,
                                     float *out, int side_in, int cin, int two) {
  int seg = KS * cin;
  f4 p0 = splat(0), p1 = splat(0), p2 = splat(0), p3 = splat(0), p4 = splat(0);
  f4 q0 = splat(0), q1 = splat(0), q2 = splat(0), q3 = splat(0), q4 = splat(0);
  for (int kh = 0; kh < KS; kh++) {
    const float *a0 = a_row + kh * side_in * cin, *a1 = two ? a0 + cin : a0;
    const float *wk = w + kh * seg * CH;
    for (int t = 0; t < seg; t++) {
      const float *wt = wk + t * CH;
      f4 w0 = load(wt), w1 = load(wt + 4), w2 = load(wt + 8), w3 = load(wt + 12),
         w4 = load(wt + 16);
      f4 x = splat(a0[t]), y = splat(a1[t]);
      ACCUMULATE_2X5(x, y, w0, w1, w2, w3, w4);
    }
  }
  store(out, relu_keep_nan(add(p0, load(b))));
  store(out + 4, relu_keep_nan(add(p1, load(b + 4))));
  store(out + 8, relu_keep_nan(add(p2, load(b + 8))));
  store(out + 12, relu_keep_nan(add(p3, load(b + 12))));
  store(out + 16, relu_keep_nan(add(p4, load(b + 16))));
  if (two) {
    store(out + CH, relu_keep_nan(add(q0, load(b))));
    store(out + CH + 4, relu_keep_nan(add(q1, load(b + 4))));
    store(out + CH + 8, relu_keep_nan(add(q2, load(b + 8))));
    store(out + CH + 12, relu_keep_nan(add(q3, load(b + 12))));
    store(out + CH + 16, relu_keep_nan(add(q4, load(b + 16))));
  }
}

/*
 * y = relu(conv(x, w) + b): x [n][side_in][side_in][cin], w [4][4][cin][20] (kh, kw, ci, co),
 * y [n][side_out][side_out][20]. Each output: +0, plus the taps in order of (kh, kw, ci), plus
 * the bias; then the ReLU (NaN passes, as tf.relu lets it).
 */
static inline void conv_forward_any(const float *x, const float *w, const float *b, float *y,
                                    int n, int side_in, int cin) {
  int side_out = side_in - KS + 1;
  for (int i = 0; i < n; i++) {
    for (int oh = 0; oh < side_out; oh++) {
      const float *row = x + ((i * side_in + oh) * side_in) * cin;
      float *out = y + ((i * side_out + oh) * side_out) * CH;
      for (int ow = 0; ow < side_out; ow += 2) {
        conv_forward_pair(row + ow * cin, w, b, out + ow * CH, side_in, cin, ow + 1 < side_out);
      }
    }
  }
}

/* The second convolution, 20 channels in. */
EXPORT(conv_forward)
void conv_forward(const float *x, const float *w, const float *b, float *y, int n, int side_in) {
  conv_forward_any(x, w, b, y, n, side_in, CH);
}

/* The first convolution, on the images (one channel). */
EXPORT(first_conv_forward)
void first_conv_forward(const float *x, const float *w, const float *b, float *y, int n,
                        int side_in) {
  conv_forward_any(x, w, b, y, n, side_in, 1);
}

/*
 * From dy, the gradient at the ReLU's output, overwritten with dz, the gradient at its input
 * (dy where y > 0, else 0, NaN where y is NaN, as dy * tf.step(y)), and the x of the forward
 * pass:
 *   db[co]              = +0 + dz[p][co] over positions p in order
 *   dw[kh][kw][ci][co]  = +0 + x[...] dz[p][co] over positions p in order
 */
static inline void conv_weight_gradients(const float *x, const float *y, float *dy, float *db,
                                         float *dw, int n, int side_in, int cin) {
  int side_out = side_in - KS + 1;
  int positions = n * side_out * side_out;
  int seg = KS * cin;
  f4 one = splat(1);
  for (int e = 0; e < positions * CH; e += 4) {
    f4 a = load(y + e);
    f4 s = wasm_v128_bitselect(one, splat(0), wasm_f32x4_gt(a, splat(0)));
    s = wasm_v128_bitselect(a, s, wasm_f32x4_ne(a, a));
    store(dy + e, mul(load(dy + e), s));
  }
  const float *dz = dy;

  for (int c = 0; c < CH; c += 4) {
    f4 acc = splat(0);
    for (int p = 0; p < positions; p++) acc = add(acc, load(dz + p * CH + c));
    store(db + c, acc);
  }

  /* dw, two taps at a time: x at (i, oh + kh, ow + kw), taps t and t + 1 of kernel row kh. */
  for (int kh = 0; kh < KS; kh++) {
    for (int t = 0; t < seg; t += 2) {
      f4 p0 = splat(0), p1 = splat(0), p2 = splat(0), p3 = splat(0), p4 = splat(0);
      f4 q0 = splat(0), q1 = splat(0), q2 = splat(0), q3 = splat(0), q4 = splat(0);
      const float *dzp = dz;
      for (int i = 0; i < n; i++) {
        for (int oh = 0; oh < side_out; oh++) {
          const float *xs = x + ((i * side_in + oh + kh) * side_in) * cin + t;
          for (int ow = 0; ow < side_out; ow++, dzp += CH) {
            f4 d0 = load(dzp), d1 = load(dzp + 4), d2 = load(dzp + 8), d3 = load(dzp + 12),
               d4 = load(dzp + 16);
            f4 u = splat(xs[ow * cin]), v = splat(xs[ow * cin + 1]);
            ACCUMULATE_2X5(u, v, d0, d1, d2, d3, d4);
          }
        }
      }
      float *out = dw + (kh * seg + t) * CH;
      store(out, p0);
      store(out + 4, p1);
      store(out + 8, p2);
      store(out + 12, p3);
      store(out + 16, p4);
      store(out + CH, q0);
      store(out + CH + 4, q1);
      store(out + CH + 8, q2);
      store(out + CH + 12, q3);
      store(out + CH + 16, q4);
    }
  }
}

/*
 * The second convolution's backward pass: dz, db and dw as conv_weight_gradients gives them,
 * then
 *   dx (zeroed first)  += per position p in order, per kh, kw: (+0 + w[kh][kw][ci][co] dz[p][co]
 *                         over co in order)
 * `wt` is scratch for w with its channel axes swapped, [kh][co][kw][ci].
 */
EXPORT(conv_backward)
void conv_backward(const float *x, const float *y, float *dy, const float *w, float *wt, float *db,
                   float *dw, float *dx, int n, int side_in) {
  int side_out = side_in - KS + 1;
  conv_weight_gradients(x, y, dy, db, dw, n, side_in, CH);
  const float *dz = dy;

  for (int kh = 0; kh < KS; kh++)
    for (int kw = 0; kw < KS; kw++)
      for (int ci = 0; ci < CH; ci++)
        for (int co = 0; co < CH; co++)
          wt[((kh * CH + co) * KS + kw) * CH + ci] = w[((kh * KS + kw) * CH + ci) * CH + co];

  for (int e = 0; e < n * side_in * side_in * CH; e += 4) store(dx + e, splat(0));
  for (int i = 0; i < n; i++) {
    for (int oh = 0; oh < side_out; oh++) {
      for (int ow = 0; ow < side_out; ow++) {
        const float *d = dz + ((i * side_out + oh) * side_out + ow) * CH;
        for (int kh = 0; kh < KS; kh++) {
          float *seg = dx + ((i * side_in + oh + kh) * side_in + ow) * CH;
          const float *wk = wt + kh * CH * SEG;
          /* The 80 taps of this kernel row: 20 vectors, 5 at a time (one kw). */
          for (int v = 0; v < SEG; v += CH) {
            f4 s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0), s4 = splat(0);
            for (int co = 0; co < CH; co++) {
              const float *wc = wk + co * SEG + v;
              f4 g = splat(d[co]);
              s0 = add(s0, mul(load(wc), g));
              s1 = add(s1, mul(load(wc + 4), g));
              s2 = add(s2, mul(load(wc + 8), g));
              s3 = add(s3, mul(load(wc + 12), g));
              s4 = add(s4, mul(load(wc + 16), g));
            }
            float *o = seg + v;
            store(o, add(load(o), s0));
            store(o + 4, add(load(o + 4), s1));
            store(o + 8, add(load(o + 8), s2));
            store(o + 12, add(load(o + 12), s3));
            store(o + 16, add(load(o + 16), s4));
          }
        }
      }
    }
  }
}

/* The first convolution's backward pass: dz, db and dw only (nothing comes before it). */
EXPORT(first_conv_backward)
void first_conv_backward(const float *x, const float *y, float *dy, float *db, float *dw, int n,
                         int side_in) {
  conv_weight_gradients(x, y, dy, db, dw, n, side_in, 1);
}
