/*
 * The crater CNN's 1620x500 layer, forward and backward, as WebAssembly SIMD kernels.
 *
 * Built by scripts/build-wasm.sh into src/dense-layer-wasm.ts (committed, so installing the
 * project needs no C compiler). Freestanding: no libc and no static data; every buffer is an
 * offset into the module's memory above __heap_base, laid out by DenseLayer
 * (src/dense-layer.ts).
 *
 * Why not the wasm backend's matmul: a batch of 32 against 810,000 weights is XNNPACK's weak
 * case (about 15 GFLOP/s in training), and keeping W in two layouts for it costs a transpose
 * and a subtraction per step. Here W has one layout, updated in place, made for these loops:
 * panels of 8 output columns, w[k][j] at ((j / 8) * in + k) * 8 + j % 8, so that every loop
 * reads W in contiguous runs. `out` must be a multiple of 4; the last panel may be half full
 * (its unused half stays 0).
 *
 * Every output is a float32 sum in a fixed order, so results are bit-identical on every
 * machine (test/dense-layer.test.ts checks them against scalar references):
 *   forward   z[i][j]   = +0 + x[i][0] w[0][j] + x[i][1] w[1][j] + ... (in order of k)
 *   backward  dx[i][k]  = (s0 + s1) + (s2 + s3), where sl = +0 + the dz[i][j] w[k][j] with
 *                         j = l, l + 4, l + 8, ... (in order of j)
 *             w[k][j]  -= +0 + x[0][k] s[0][j] + x[1][k] s[1][j] + ... (in order of i),
 *                         with dx computed from W before the update.
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
    c00 = add(c00, mul(a0, b0));
    c01 = add(c01, mul(a0, b1));
    c10 = add(c10, mul(a1, b0));
    c11 = add(c11, mul(a1, b1));
    c20 = add(c20, mul(a2, b0));
    c21 = add(c21, mul(a2, b1));
    c30 = add(c30, mul(a3, b0));
    c31 = add(c31, mul(a3, b1));
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
    c00 = add(c00, mul(a0, b0));
    c01 = add(c01, mul(a0, b1));
    c10 = add(c10, mul(a1, b0));
    c11 = add(c11, mul(a1, b1));
    c20 = add(c20, mul(a2, b0));
    c21 = add(c21, mul(a2, b1));
    c30 = add(c30, mul(a3, b0));
    c31 = add(c31, mul(a3, b1));
    b0 = load(wp + 4);
    b1 = load(wp + 12);
    a0 = load(d0 + j + 4);
    a1 = load(d1 + j + 4);
    a2 = load(d2 + j + 4);
    a3 = load(d3 + j + 4);
    c00 = add(c00, mul(a0, b0));
    c01 = add(c01, mul(a0, b1));
    c10 = add(c10, mul(a1, b0));
    c11 = add(c11, mul(a1, b1));
    c20 = add(c20, mul(a2, b0));
    c21 = add(c21, mul(a2, b1));
    c30 = add(c30, mul(a3, b0));
    c31 = add(c31, mul(a3, b1));
  }
  if (j < out) { /* a half panel: 4 columns */
    f4 b0 = load(wp), b1 = load(wp + 8);
    f4 a0 = load(d0 + j), a1 = load(d1 + j), a2 = load(d2 + j), a3 = load(d3 + j);
    c00 = add(c00, mul(a0, b0));
    c01 = add(c01, mul(a0, b1));
    c10 = add(c10, mul(a1, b0));
    c11 = add(c11, mul(a1, b1));
    c20 = add(c20, mul(a2, b0));
    c21 = add(c21, mul(a2, b1));
    c30 = add(c30, mul(a3, b0));
    c31 = add(c31, mul(a3, b1));
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
    c00 = add(c00, mul(a0, b0));
    c01 = add(c01, mul(a0, b1));
    c10 = add(c10, mul(a1, b0));
    c11 = add(c11, mul(a1, b1));
    c20 = add(c20, mul(a2, b0));
    c21 = add(c21, mul(a2, b1));
    c30 = add(c30, mul(a3, b0));
    c31 = add(c31, mul(a3, b1));
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
