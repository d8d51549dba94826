/*
 * The native engine's kernels, written once for a vector width VW (4, 8 or 16 floats) and
 * compiled once per x86 code path (kernels-sse.c, kernels-avx2.c, kernels-avx512.c), each
 * with its own -m flags. They compute what wasm/crater-kernels.c computes, bit for bit: every
 * output is the float32 sum in the order documented there, starting from +0. Only which
 * outputs are computed side by side differs, which the order of a sum does not depend on:
 * a vector's lanes are always independent outputs. No fused multiply-add (-ffp-contract=off,
 * checked by scripts/build-native.mjs), and no flush-to-zero (Node leaves MXCSR alone).
 *
 * The dense layer's W is in panels of PANEL (16) columns here, not wasm's 8: w[k][j] at
 * ((j / 16) * in + k) * 16 + j % 16, with the columns rounded up to a multiple of 32 (two
 * panels, one AVX-512 block) and the padding kept at zero.
 *
 * Blocking, per width (registers: 16 vectors below AVX-512, 32 with it):
 *   dense forward       RB rows x CB vectors of columns, broadcast x, W loaded
 *   dense dx            vectorised over rows i (dz transposed), KB rows of W at a time, one
 *                       accumulator per j mod 4: the wasm kernel's lanes, which fix dx's order
 *   dense update        4 rows of W x UB vectors of columns, over i in order
 *   conv forward        PB positions x the 20 channels (NV vectors of VW and a 4-wide tail)
 *   conv dW             vectorised over one kernel row's 80 taps (kw, ci), COB channels
 *   conv dx             vectorised over one kernel row's 80 taps, DPB positions of one row
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef VW
#error "define VW (4, 8 or 16) and KERNEL(name) before including kernels-impl.h"
#endif

typedef float vf __attribute__((vector_size(VW * 4)));
typedef float vfu __attribute__((vector_size(VW * 4), aligned(4)));
typedef float v4 __attribute__((vector_size(16)));
typedef float v4u __attribute__((vector_size(16), aligned(4)));
typedef int32_t vi __attribute__((vector_size(VW * 4)));
typedef int32_t v4i __attribute__((vector_size(16)));

#define LOAD(p) (*(const vfu *)(p))
#define STORE(p, v) (*(vfu *)(p) = (v))
#define LOAD4(p) (*(const v4u *)(p))
#define STORE4(p, v) (*(v4u *)(p) = (v))
#define UNROLL _Pragma("GCC unroll 32")

/* A broadcast: lane 0 shuffled into every lane (a plain loop becomes VW masked inserts). */
static inline vf splat(float s) { return __builtin_shuffle((vf){s}, (vi){0}); }
static inline v4 splat4(float s) { return __builtin_shuffle((v4){s}, (v4i){0}); }

#define PANEL 16
#define CH 20
#define KS 4
#define NV (CH / VW)             /* whole vectors of the 20 channels */
#define TAIL (CH - NV * VW)      /* channels left for a 4-wide vector: 4, or 0 at VW 4 */

#if VW == 16
#define RB 8
#define CB 2
#define KB 4 /* 32 accumulators, a few spilt: still the fastest measured (vs 2, 3, 6x1, 8x1) */
#define IVB 2
#define UB 4
#define PB 8
#define COB 4
#define TVB 5
#define DPB 4
#elif VW == 8
#define RB 4
#define CB 2
#define KB 4 /* measured: 66 GFLOP/s against 51 at KB 1 x IVB 2 */
#define IVB 1
#define UB 2
#define PB 3
#define COB 2
#define TVB 5
#define DPB 2
#else
#define RB 2
#define CB 4
#define KB 1
#define IVB 2
#define UB 2
#define PB 2
#define COB 2
#define TVB 5
#define DPB 2
#endif

/* Scratch that lives as long as the thread: a trial process runs one kernel at a time. */
static __thread float *scratch_a, *scratch_b;
static __thread size_t scratch_a_size, scratch_b_size;

static float *scratch(float **buffer, size_t *size, size_t floats) {
  if (*size < floats) {
    free(*buffer);
    if (posix_memalign((void **)buffer, 64, floats * sizeof(float)) != 0) abort();
    *size = floats;
  }
  return *buffer;
}

static inline float relu_keep_nan(float z) { return (z > 0 || z != z) ? z : 0.0f; }

static inline const float *panel_at(const float *w, int in, int col) {
  return w + (col / PANEL) * in * PANEL + col % PANEL;
}

/* Stores lanes [0, count) of v at p: count is VW except at the end of a row. */
static inline void store_lanes(float *p, vf v, int count) {
  if (count >= VW) {
    STORE(p, v);
  } else {
    for (int l = 0; l < count; l++) p[l] = v[l];
  }
}

/* ---- dense layer ---- */

void KERNEL(dense_forward)(const float *x, const float *w, float *z, int n, int in, int out) {
  for (int j0 = 0; j0 < out; j0 += CB * VW) {
    const float *wp[CB];
    UNROLL for (int c = 0; c < CB; c++) wp[c] = panel_at(w, in, j0 + c * VW);
    for (int i0 = 0; i0 < n; i0 += RB) {
      int rows = n - i0 < RB ? n - i0 : RB;
      const float *xr[RB];
      UNROLL for (int r = 0; r < RB; r++) xr[r] = x + (i0 + (r < rows ? r : 0)) * in;
      vf acc[RB][CB];
      UNROLL for (int r = 0; r < RB; r++) UNROLL for (int c = 0; c < CB; c++) acc[r][c] = splat(0);
      for (int k = 0; k < in; k++) {
        vf b[CB];
        UNROLL for (int c = 0; c < CB; c++) b[c] = LOAD(wp[c] + k * PANEL);
        UNROLL for (int r = 0; r < RB; r++) {
          vf a = splat(xr[r][k]);
          UNROLL for (int c = 0; c < CB; c++) acc[r][c] = acc[r][c] + a * b[c];
        }
      }
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < CB; c++) {
          int col = j0 + c * VW;
          if (col < out) store_lanes(z + (i0 + r) * out + col, acc[r][c], out - col);
        }
      }
    }
  }
}

/*
 * dx[i][k] for KB rows k.. of W and all rows i: dzt is dz transposed, [out][np], np a multiple
 * of IVB * VW, its padding rows zero.
 */
static void dense_input_gradient(const float *dzt, const float *w, float *dx, int k, int n,
                                 int np, int in, int out) {
  for (int i0 = 0; i0 < np; i0 += IVB * VW) {
    vf acc[4][KB][IVB];
    UNROLL for (int l = 0; l < 4; l++) UNROLL for (int b = 0; b < KB; b++)
        UNROLL for (int v = 0; v < IVB; v++) acc[l][b][v] = splat(0);
    for (int j = 0; j < out; j += 4) {
      const float *wj = panel_at(w, in, j) + k * PANEL;
      UNROLL for (int l = 0; l < 4; l++) {
        const float *d = dzt + (j + l) * np + i0;
        vf dv[IVB];
        UNROLL for (int v = 0; v < IVB; v++) dv[v] = LOAD(d + v * VW);
        UNROLL for (int b = 0; b < KB; b++) {
          vf g = splat(wj[b * PANEL + l]);
          UNROLL for (int v = 0; v < IVB; v++) acc[l][b][v] = acc[l][b][v] + dv[v] * g;
        }
      }
    }
    UNROLL for (int b = 0; b < KB; b++) UNROLL for (int v = 0; v < IVB; v++) {
      vf sum = (acc[0][b][v] + acc[1][b][v]) + (acc[2][b][v] + acc[3][b][v]);
      for (int l = 0; l < VW; l++) {
        int i = i0 + v * VW + l;
        if (i < n) dx[i * in + k + b] = sum[l];
      }
    }
  }
}

/* Rows k..k+3 of W: w[k + r][j] -= +0 + sum over i in order of x[i][k + r] s[i][j]. */
static void dense_update(const float *x, const float *sp, float *w, int k, int n, int in, int out,
                         int outp) {
  for (int j0 = 0; j0 < out; j0 += UB * VW) {
    vf acc[4][UB];
    UNROLL for (int r = 0; r < 4; r++) UNROLL for (int c = 0; c < UB; c++) acc[r][c] = splat(0);
    for (int i = 0; i < n; i++) {
      const float *xi = x + i * in + k, *si = sp + i * outp + j0;
      vf b[UB];
      UNROLL for (int c = 0; c < UB; c++) b[c] = LOAD(si + c * VW);
      UNROLL for (int r = 0; r < 4; r++) {
        vf a = splat(xi[r]);
        UNROLL for (int c = 0; c < UB; c++) acc[r][c] = acc[r][c] + a * b[c];
      }
    }
    for (int c = 0; c < UB; c++) {
      int col = j0 + c * VW;
      if (col >= out) continue;
      float *wp = (float *)panel_at(w, in, col) + k * PANEL;
      for (int r = 0; r < 4; r++) store_lanes(wp + r * PANEL, LOAD(wp + r * PANEL) - acc[r][c], out - col);
    }
  }
}

void KERNEL(dense_backward)(const float *x, const float *dz, const float *s, float *w, float *dx,
                            int n, int in, int out) {
  int np = (n + IVB * VW - 1) / (IVB * VW) * (IVB * VW);
  int outp = (out + UB * VW - 1) / (UB * VW) * (UB * VW);
  float *dzt = scratch(&scratch_a, &scratch_a_size, (size_t)out * np);
  float *sp = scratch(&scratch_b, &scratch_b_size, (size_t)n * outp);
  for (int j = 0; j < out; j++) {
    for (int i = 0; i < np; i++) dzt[j * np + i] = i < n ? dz[i * out + j] : 0.0f;
  }
  for (int i = 0; i < n; i++) {
    memcpy(sp + i * outp, s + i * out, out * sizeof(float));
    memset(sp + i * outp + out, 0, (outp - out) * sizeof(float));
  }
  /* Four rows of W at a time: their dx from W as it was, then their update, while in cache. */
  for (int k = 0; k < in; k += 4) {
    for (int b = 0; b < 4; b += KB) dense_input_gradient(dzt, w, dx, k + b, n, np, in, out);
    dense_update(x, sp, w, k, n, in, out, outp);
  }
}

/* ---- the convolutions: 4x4, 20 filters, stride 1, valid, NHWC ---- */

/* Input offset of output position p (over n, side_out, side_out), `cin` channels. */
static inline int position_base(int p, int side_in, int side_out, int cin) {
  int per_image = side_out * side_out;
  int i = p / per_image, r = p % per_image;
  int oh = r / side_out, ow = r % side_out;
  return ((i * side_in + oh) * side_in + ow) * cin;
}

static void conv_forward_any(const float *x, const float *w, const float *b, float *y, int n,
                             int side_in, int cin) {
  int side_out = side_in - KS + 1;
  int positions = n * side_out * side_out;
  int seg = KS * cin;
  for (int p0 = 0; p0 < positions; p0 += PB) {
    int count = positions - p0 < PB ? positions - p0 : PB;
    const float *xb[PB];
    UNROLL for (int q = 0; q < PB; q++)
      xb[q] = x + position_base(p0 + (q < count ? q : 0), side_in, side_out, cin);
    vf acc[PB][NV > 0 ? NV : 1];
#if TAIL
    v4 tacc[PB];
#endif
    UNROLL for (int q = 0; q < PB; q++) {
      UNROLL for (int v = 0; v < NV; v++) acc[q][v] = splat(0);
#if TAIL
      tacc[q] = splat4(0);
#endif
    }
    for (int kh = 0; kh < KS; kh++) {
      int row = kh * side_in * cin;
      const float *wk = w + kh * seg * CH;
      for (int t = 0; t < seg; t++) {
        const float *wt = wk + t * CH;
        vf wv[NV > 0 ? NV : 1];
        UNROLL for (int v = 0; v < NV; v++) wv[v] = LOAD(wt + v * VW);
#if TAIL
        v4 wtail = LOAD4(wt + NV * VW);
#endif
        UNROLL for (int q = 0; q < PB; q++) {
          float a = xb[q][row + t];
          vf av = splat(a);
          UNROLL for (int v = 0; v < NV; v++) acc[q][v] = acc[q][v] + av * wv[v];
#if TAIL
          tacc[q] = tacc[q] + splat4(a) * wtail;
#endif
        }
      }
    }
    for (int q = 0; q < count; q++) {
      float *out = y + (p0 + q) * CH;
      for (int v = 0; v < NV; v++) {
        vf z = acc[q][v] + LOAD(b + v * VW);
        for (int l = 0; l < VW; l++) out[v * VW + l] = relu_keep_nan(z[l]);
      }
#if TAIL
      v4 z = tacc[q] + LOAD4(b + NV * VW);
      for (int l = 0; l < 4; l++) out[NV * VW + l] = relu_keep_nan(z[l]);
#endif
    }
  }
}

void KERNEL(conv_forward)(const float *x, const float *w, const float *b, float *y, int n,
                          int side_in) {
  conv_forward_any(x, w, b, y, n, side_in, CH);
}

void KERNEL(first_conv_forward)(const float *x, const float *w, const float *b, float *y, int n,
                                int side_in) {
  conv_forward_any(x, w, b, y, n, side_in, 1);
}

/* dy *= step(y), keeping NaN where y is NaN (wasm: dy * bitselect(...)); then db. */
static void relu_gradient_and_bias(const float *y, float *dy, float *db, int positions) {
  for (int e = 0; e < positions * CH; e++) {
    float a = y[e];
    float s = a != a ? a : (a > 0 ? 1.0f : 0.0f);
    dy[e] = dy[e] * s;
  }
  for (int c = 0; c < CH; c += 4) {
    v4 acc = splat4(0);
    for (int p = 0; p < positions; p++) acc = acc + LOAD4(dy + p * CH + c);
    STORE4(db + c, acc);
  }
}

/*
 * dw of the first convolution (one input channel, 4 taps a kernel row): the wasm kernel's loop,
 * 4-wide over output channels, two taps at a time.
 */
static void first_conv_weight_gradient(const float *x, const float *dz, float *dw, int n,
                                       int side_in) {
  int side_out = side_in - KS + 1;
  for (int kh = 0; kh < KS; kh++) {
    for (int t = 0; t < KS; t += 2) {
      v4 pa[5], qa[5];
      for (int v = 0; v < 5; v++) pa[v] = qa[v] = splat4(0);
      const float *dzp = dz;
      for (int i = 0; i < n; i++) {
        for (int oh = 0; oh < side_out; oh++) {
          const float *xs = x + (i * side_in + oh + kh) * side_in + t;
          for (int ow = 0; ow < side_out; ow++, dzp += CH) {
            v4 u = splat4(xs[ow]), v = splat4(xs[ow + 1]);
            UNROLL for (int c = 0; c < 5; c++) {
              v4 d = LOAD4(dzp + 4 * c);
              pa[c] = pa[c] + u * d;
              qa[c] = qa[c] + v * d;
            }
          }
        }
      }
      float *out = dw + (kh * KS + t) * CH;
      for (int c = 0; c < 5; c++) {
        STORE4(out + 4 * c, pa[c]);
        STORE4(out + CH + 4 * c, qa[c]);
      }
    }
  }
}

/*
 * dw of the second convolution: for one kernel row kh its 80 taps (kw, ci) are contiguous in
 * the input, so the taps are the vector axis; channels co are broadcast from dz. Each
 * dw[kh][t][co] = +0 + x[p + tap] dz[p][co] over positions p in order.
 */
static void conv_weight_gradient(const float *x, const float *dz, float *dw, int n, int side_in) {
  int side_out = side_in - KS + 1;
  int seg = KS * CH;
  for (int kh = 0; kh < KS; kh++) {
    for (int t0 = 0; t0 < seg; t0 += TVB * VW) {
      for (int c0 = 0; c0 < CH; c0 += COB) {
        vf acc[TVB][COB];
        UNROLL for (int v = 0; v < TVB; v++) UNROLL for (int c = 0; c < COB; c++) acc[v][c] = splat(0);
        const float *dzp = dz + c0;
        for (int i = 0; i < n; i++) {
          for (int oh = 0; oh < side_out; oh++) {
            const float *xs = x + ((i * side_in + oh + kh) * side_in) * CH + t0;
            for (int ow = 0; ow < side_out; ow++, dzp += CH, xs += CH) {
              vf d[COB];
              UNROLL for (int c = 0; c < COB; c++) d[c] = splat(dzp[c]);
              UNROLL for (int v = 0; v < TVB; v++) {
                vf xv = LOAD(xs + v * VW);
                UNROLL for (int c = 0; c < COB; c++) acc[v][c] = acc[v][c] + xv * d[c];
              }
            }
          }
        }
        for (int v = 0; v < TVB; v++) {
          for (int l = 0; l < VW; l++) {
            float *out = dw + (kh * seg + t0 + v * VW + l) * CH + c0;
            for (int c = 0; c < COB; c++) out[c] = acc[v][c][l];
          }
        }
      }
    }
  }
}

/*
 * dx of the second convolution: zeroed, then per position p in order, per kernel row kh, the
 * 80 values (kw, ci) = +0 + sum over co in order of w[kh][kw][ci][co] dz[p][co], added to dx
 * where that row of the kernel sat. Blocks of DPB positions stay within one output row, where
 * two positions' contributions to the same dx share their kh and so go in position order.
 * `wt` is w with its channel axes swapped, [kh][co][kw][ci].
 */
static void conv_input_gradient(const float *dz, const float *wt, float *dx, int n, int side_in) {
  int side_out = side_in - KS + 1;
  int seg = KS * CH;
  memset(dx, 0, (size_t)n * side_in * side_in * CH * sizeof(float));
  for (int i = 0; i < n; i++) {
    for (int oh = 0; oh < side_out; oh++) {
      for (int ow0 = 0; ow0 < side_out; ow0 += DPB) {
        int count = side_out - ow0 < DPB ? side_out - ow0 : DPB;
        const float *d[DPB];
        UNROLL for (int q = 0; q < DPB; q++)
          d[q] = dz + ((i * side_out + oh) * side_out + ow0 + (q < count ? q : 0)) * CH;
        for (int kh = 0; kh < KS; kh++) {
          float *row = dx + ((i * side_in + oh + kh) * side_in + ow0) * CH;
          const float *wk = wt + kh * CH * seg;
          /* Every tap block first, then the positions in order: position q's contribution to
           * a dx value may lie in a later tap block than position q + 1's. */
          float contribution[DPB][KS * CH] __attribute__((aligned(64)));
          for (int t0 = 0; t0 < seg; t0 += TVB * VW) {
            vf acc[DPB][TVB];
            UNROLL for (int q = 0; q < DPB; q++) UNROLL for (int v = 0; v < TVB; v++) acc[q][v] = splat(0);
            for (int co = 0; co < CH; co++) {
              const float *wc = wk + co * seg + t0;
              vf wv[TVB];
              UNROLL for (int v = 0; v < TVB; v++) wv[v] = LOAD(wc + v * VW);
              UNROLL for (int q = 0; q < DPB; q++) {
                vf g = splat(d[q][co]);
                UNROLL for (int v = 0; v < TVB; v++) acc[q][v] = acc[q][v] + wv[v] * g;
              }
            }
            UNROLL for (int q = 0; q < DPB; q++) UNROLL for (int v = 0; v < TVB; v++)
                STORE(&contribution[q][t0 + v * VW], acc[q][v]);
          }
          for (int q = 0; q < count; q++) {
            float *o = row + q * CH;
            for (int t = 0; t < seg; t += VW) STORE(o + t, LOAD(o + t) + LOAD(&contribution[q][t]));
          }
        }
      }
    }
  }
}

void KERNEL(conv_backward)(const float *x, const float *y, float *dy, const float *w, float *wt,
                           float *db, float *dw, float *dx, int n, int side_in) {
  int side_out = side_in - KS + 1;
  relu_gradient_and_bias(y, dy, db, n * side_out * side_out);
  conv_weight_gradient(x, dy, dw, n, side_in);
  for (int kh = 0; kh < KS; kh++)
    for (int kw = 0; kw < KS; kw++)
      for (int ci = 0; ci < CH; ci++)
        for (int co = 0; co < CH; co++)
          wt[((kh * CH + co) * KS + kw) * CH + ci] = w[((kh * KS + kw) * CH + ci) * CH + co];
  conv_input_gradient(dy, wt, dx, n, side_in);
}

void KERNEL(first_conv_backward)(const float *x, const float *y, float *dy, float *db, float *dw,
                                 int n, int side_in) {
  int side_out = side_in - KS + 1;
  relu_gradient_and_bias(y, dy, db, n * side_out * side_out);
  first_conv_weight_gradient(x, dy, dw, n, side_in);
}
