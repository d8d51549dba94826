/*
 * The core's floating-point peak, measured: `bench trainer` prints the kernels' GFLOP/s as a
 * share of it. Two loops at the widest vector width this CPU runs, each of 16 independent
 * chains so that latency never limits them:
 *   mul+add  8 chains of multiplies and 8 of adds: the instruction mix of the kernels, which
 *            keep every multiply and add separate (no FMA, for bit-identity with WebAssembly)
 *   fma      16 chains of fused multiply-adds: the hardware's peak, 2 flops per lane
 * Compiled with FMA enabled (this file only: the kernels never are). Values stay finite and
 * normal: x * 1 and y + 0 would be folded, so the factors are near 1 and the steps tiny.
 */
#include <immintrin.h>
#include <stdint.h>

#define CHAINS 16

__attribute__((target("avx512f"))) double peak_muladd_avx512(int64_t iterations) {
  __m512 x[CHAINS / 2], y[CHAINS / 2];
  const __m512 m = _mm512_set1_ps(0.99999994f), a = _mm512_set1_ps(1e-7f);
  for (int c = 0; c < CHAINS / 2; c++) x[c] = y[c] = _mm512_set1_ps(1.0f + c);
  for (int64_t i = 0; i < iterations; i++) {
    for (int c = 0; c < CHAINS / 2; c++) {
      x[c] = _mm512_mul_ps(x[c], m);
      y[c] = _mm512_add_ps(y[c], a);
    }
  }
  __m512 s = _mm512_setzero_ps();
  for (int c = 0; c < CHAINS / 2; c++) s = _mm512_add_ps(s, _mm512_add_ps(x[c], y[c]));
  float out[16];
  _mm512_storeu_ps(out, s);
  return out[0];
}

__attribute__((target("avx512f,fma"))) double peak_fma_avx512(int64_t iterations) {
  __m512 x[CHAINS];
  const __m512 m = _mm512_set1_ps(0.99999994f), a = _mm512_set1_ps(1e-7f);
  for (int c = 0; c < CHAINS; c++) x[c] = _mm512_set1_ps(1.0f + c);
  for (int64_t i = 0; i < iterations; i++) {
    for (int c = 0; c < CHAINS; c++) x[c] = _mm512_fmadd_ps(x[c], m, a);
  }
  __m512 s = _mm512_setzero_ps();
  for (int c = 0; c < CHAINS; c++) s = _mm512_add_ps(s, x[c]);
  float out[16];
  _mm512_storeu_ps(out, s);
  return out[0];
}

__attribute__((target("avx2"))) double peak_muladd_avx2(int64_t iterations) {
  __m256 x[CHAINS / 2], y[CHAINS / 2];
  const __m256 m = _mm256_set1_ps(0.99999994f), a = _mm256_set1_ps(1e-7f);
  for (int c = 0; c < CHAINS / 2; c++) x[c] = y[c] = _mm256_set1_ps(1.0f + c);
  for (int64_t i = 0; i < iterations; i++) {
    for (int c = 0; c < CHAINS / 2; c++) {
      x[c] = _mm256_mul_ps(x[c], m);
      y[c] = _mm256_add_ps(y[c], a);
    }
  }
  __m256 s = _mm256_setzero_ps();
  for (int c = 0; c < CHAINS / 2; c++) s = _mm256_add_ps(s, _mm256_add_ps(x[c], y[c]));
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}

__attribute__((target("avx2,fma"))) double peak_fma_avx2(int64_t iterations) {
  __m256 x[CHAINS];
  const __m256 m = _mm256_set1_ps(0.99999994f), a = _mm256_set1_ps(1e-7f);
  for (int c = 0; c < CHAINS; c++) x[c] = _mm256_set1_ps(1.0f + c);
  for (int64_t i = 0; i < iterations; i++) {
    for (int c = 0; c < CHAINS; c++) x[c] = _mm256_fmadd_ps(x[c], m, a);
  }
  __m256 s = _mm256_setzero_ps();
  for (int c = 0; c < CHAINS; c++) s = _mm256_add_ps(s, x[c]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}

double peak_muladd_sse(int64_t iterations) {
  __m128 x[CHAINS / 2], y[CHAINS / 2];
  const __m128 m = _mm_set1_ps(0.99999994f), a = _mm_set1_ps(1e-7f);
  for (int c = 0; c < CHAINS / 2; c++) x[c] = y[c] = _mm_set1_ps(1.0f + c);
  for (int64_t i = 0; i < iterations; i++) {
    for (int c = 0; c < CHAINS / 2; c++) {
      x[c] = _mm_mul_ps(x[c], m);
      y[c] = _mm_add_ps(y[c], a);
    }
  }
  __m128 s = _mm_setzero_ps();
  for (int c = 0; c < CHAINS / 2; c++) s = _mm_add_ps(s, _mm_add_ps(x[c], y[c]));
  float out[4];
  _mm_storeu_ps(out, s);
  return out[0];
}
