// Packed, register-blocked matrix multiply for wasm32 + SIMD128, shared by one or two threads.
// C[M,N] (+)= op(A)[M,K] * op(B)[K,N], op an optional transpose, everything row-major.
//
// Micro-tile: 4 rows by 2 vectors (4x8 float32, 4x4 float64), one k step per loop iteration.
// V8's TurboFan moves every load of an iteration ahead of its arithmetic and allocates 15 xmm
// registers (xmm15 is its scratch); 8 accumulators + 2 B vectors + 4 broadcast A values + one
// product temporary fit, so the loop never spills. The 4x12 tile unrolled by 4 needed 12
// accumulators + up to 28 loaded values and spilled on every step: 46 GFLOP/s against 58 here
// at 512^3 float32 (float64: 22 -> 29), with a pure register loop peaking at 65.
//
// Threads: a call first plans a job (matmul_*_plan), then every participating thread runs
// matmul_*(job) (the posting thread runs matmul_*_lead(job)). Work is handed out by atomic
// counters in the job: first packing items (panels of A and B, each packed once into shared
// scratch), then output blocks. A thread that arrives late (a helper woken while V8's GC threads
// hold the other core) only takes what is left. Neither thread ever waits inside wasm for the
// other, which may be descheduled: panels still held by the other thread are packed again, and
// when K <= KC the lead also recomputes blocks the helper still holds (the same bits: every
// output element is summed in the same k order by whichever thread computes it, so results do
// not depend on the thread count).
#include <wasm_simd128.h>
#define EXPORT __attribute__((visibility("default")))
#define MR 4
// k is blocked so a B panel (KC x 8 floats or 4 doubles, 32 KiB) stays in L1 across an item's
// row panels. When K <= KC (and C is not accumulated into) each block is stored, never added
// to, so computing one twice is harmless.
#define KC 1024
// Packing items: A in groups of 8 row panels, B in groups of 4 column panels.
#define A_GROUP 8
#define B_GROUP 4

/** A planned product; only the counters and the item states change after planning. */
typedef struct {
  int M, N, K, ars, acs, brs, bcs, accumulate;
  const void* A; const void* B; void* C; void* Ap; void* Bp;
  int mPanels, nPanels, mcP, ncP, itemsM, itemsN;
  int packItems, aItems, items, idempotent;
  int* state;  // per packing item, then per output block: 0 free, 1 taken, 2 done
  int packNext, itemNext;
} Job;

static inline int min_i(int a, int b) { return a < b ? a : b; }
static inline int claim(int* counter) { return __atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST); }

/** Elements of scratch (beyond the 128-byte job) a product needs: both operands, packed, and
 * an int per packing item and output block (fewer than mPanels + nPanels + 128). */
static int packed_elements(int M, int N, int K, int nr) {
  int mPanels = (M + MR - 1) / MR, nPanels = (N + nr - 1) / nr;
  return mPanels * MR * K + nPanels * nr * K + mPanels + nPanels + 128;
}

static void plan(Job* j, int M, int N, int K, const void* A, int tA, const void* B, int tB, void* C, int acc,
                 void* Ap, void* Bp, int nr, int esize) {
  j->M = M; j->N = N; j->K = K; j->accumulate = acc;
  j->ars = tA ? 1 : K; j->acs = tA ? M : 1;
  j->brs = tB ? 1 : N; j->bcs = tB ? K : 1;
  j->A = A; j->B = B; j->C = C; j->Ap = Ap; j->Bp = Bp;
  j->mPanels = (M + MR - 1) / MR; j->nPanels = (N + nr - 1) / nr;
  // About 32 output blocks: fine enough that the threads finish within a small block of each
  // other, coarse enough that a B panel serves several row panels while it is in L1.
  int mcP = (j->mPanels + 15) / 16;
  mcP = mcP < 2 ? 2 : mcP > 16 ? 16 : mcP;
  j->mcP = min_i(mcP, j->mPanels);
  j->itemsM = (j->mPanels + j->mcP - 1) / j->mcP;
  int splitsN = (32 + j->itemsM - 1) / j->itemsM;
  splitsN = splitsN < 1 ? 1 : min_i(splitsN, j->nPanels);
  j->ncP = (j->nPanels + splitsN - 1) / splitsN;
  j->itemsN = (j->nPanels + j->ncP - 1) / j->ncP;
  j->aItems = (j->mPanels + A_GROUP - 1) / A_GROUP;
  j->packItems = j->aItems + (j->nPanels + B_GROUP - 1) / B_GROUP;
  j->items = j->itemsM * j->itemsN;
  j->idempotent = K <= KC && !acc;
  j->state = (int*)((char*)Bp + j->nPanels * nr * K * esize);
  for (int i = 0; i < j->packItems + j->items; i++) j->state[i] = 0;
  j->packNext = 0; j->itemNext = 0;
}

// 4x4 float32 transpose: rows r0..r3 in, columns out.
#define TRANSPOSE4(r0, r1, r2, r3, c0, c1, c2, c3)                         \
  do {                                                                     \
    v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5); \
    v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7); \
    c0 = wasm_i64x2_shuffle(t0, t1, 0, 2); c1 = wasm_i64x2_shuffle(t0, t1, 1, 3);                   \
    c2 = wasm_i64x2_shuffle(t2, t3, 0, 2); c3 = wasm_i64x2_shuffle(t2, t3, 1, 3);                   \
  } while (0)

// Packed A panel p: K steps of MR values (rows p*MR.., zero past M). Packed B panel q: K steps of
// NR values (columns q*NR.., zero past N). Fast paths cover full panels of the four layouts.
static void matmul_f32_pack_a(const Job* j, int p) {
  const float* A = j->A; float* out = (float*)j->Ap + p * MR * j->K;
  int i0 = p * MR, mr = min_i(MR, j->M - i0), K = j->K, k = 0;
  if (mr == MR && j->acs == 1) {  // rows contiguous in k: transpose 4x4 blocks
    const float* a = A + i0 * j->ars;
    for (; k + 4 <= K; k += 4) {
      v128_t c0, c1, c2, c3;
      TRANSPOSE4(wasm_v128_load(a + k), wasm_v128_load(a + j->ars + k), wasm_v128_load(a + 2 * j->ars + k),
                 wasm_v128_load(a + 3 * j->ars + k), c0, c1, c2, c3);
      wasm_v128_store(out + k * MR, c0); wasm_v128_store(out + k * MR + 4, c1);
      wasm_v128_store(out + k * MR + 8, c2); wasm_v128_store(out + k * MR + 12, c3);
    }
  } else if (mr == MR && j->ars == 1) {  // A transposed: the panel's rows are contiguous
    for (; k < K; k++) wasm_v128_store(out + k * MR, wasm_v128_load(A + i0 + k * j->acs));
  }
  for (; k < K; k++)
    for (int r = 0; r < MR; r++) out[k * MR + r] = r < mr ? A[(i0 + r) * j->ars + k * j->acs] : 0.0f;
}

static void matmul_f32_pack_b(const Job* j, int q) {
  enum { NR = 8 };
  const float* B = j->B; float* out = (float*)j->Bp + q * NR * j->K;
  int c0 = q * NR, nr = min_i(NR, j->N - c0), K = j->K, k = 0;
  if (nr == NR && j->bcs == 1) {
    for (; k < K; k++) {
      const float* b = B + k * j->brs + c0;
      wasm_v128_store(out + k * NR, wasm_v128_load(b));
      wasm_v128_store(out + k * NR + 4, wasm_v128_load(b + 4));
    }
  } else if (nr == NR && j->brs == 1) {  // B transposed: each column is contiguous in k
    for (; k + 4 <= K; k += 4) {
      for (int g = 0; g < NR; g += 4) {
        const float* b = B + (c0 + g) * j->bcs + k;
        v128_t v0, v1, v2, v3;
        TRANSPOSE4(wasm_v128_load(b), wasm_v128_load(b + j->bcs), wasm_v128_load(b + 2 * j->bcs),
                   wasm_v128_load(b + 3 * j->bcs), v0, v1, v2, v3);
        wasm_v128_store(out + k * NR + g, v0); wasm_v128_store(out + (k + 1) * NR + g, v1);
        wasm_v128_store(out + (k + 2) * NR + g, v2); wasm_v128_store(out + (k + 3) * NR + g, v3);
      }
    }
  }
  for (; k < K; k++)
    for (int c = 0; c < NR; c++) out[k * NR + c] = c < nr ? B[k * j->brs + (c0 + c) * j->bcs] : 0.0f;
}

static void matmul_f64_pack_a(const Job* j, int p) {
  const double* A = j->A; double* out = (double*)j->Ap + p * MR * j->K;
  int i0 = p * MR, mr = min_i(MR, j->M - i0), K = j->K, k = 0;
  if (mr == MR && j->acs == 1) {  // 2x2 transposes of rows (0,1) and (2,3)
    const double* a = A + i0 * j->ars;
    for (; k + 2 <= K; k += 2) {
      v128_t r0 = wasm_v128_load(a + k), r1 = wasm_v128_load(a + j->ars + k);
      v128_t r2 = wasm_v128_load(a + 2 * j->ars + k), r3 = wasm_v128_load(a + 3 * j->ars + k);
      wasm_v128_store(out + k * MR, wasm_i64x2_shuffle(r0, r1, 0, 2));
      wasm_v128_store(out + k * MR + 2, wasm_i64x2_shuffle(r2, r3, 0, 2));
      wasm_v128_store(out + k * MR + 4, wasm_i64x2_shuffle(r0, r1, 1, 3));
      wasm_v128_store(out + k * MR + 6, wasm_i64x2_shuffle(r2, r3, 1, 3));
    }
  } else if (mr == MR && j->ars == 1) {
    for (; k < K; k++) {
      const double* a = A + i0 + k * j->acs;
      wasm_v128_store(out + k * MR, wasm_v128_load(a));
      wasm_v128_store(out + k * MR + 2, wasm_v128_load(a + 2));
    }
  }
  for (; k < K; k++)
    for (int r = 0; r < MR; r++) out[k * MR + r] = r < mr ? A[(i0 + r) * j->ars + k * j->acs] : 0.0;
}

static void matmul_f64_pack_b(const Job* j, int q) {
  enum { NR = 4 };
  const double* B = j->B; double* out = (double*)j->Bp + q * NR * j->K;
  int c0 = q * NR, nr = min_i(NR, j->N - c0), K = j->K, k = 0;
  if (nr == NR && j->bcs == 1) {
    for (; k < K; k++) {
      const double* b = B + k * j->brs + c0;
      wasm_v128_store(out + k * NR, wasm_v128_load(b));
      wasm_v128_store(out + k * NR + 2, wasm_v128_load(b + 2));
    }
  } else if (nr == NR && j->brs == 1) {
    for (; k + 2 <= K; k += 2) {
      const double* b = B + c0 * j->bcs + k;
      v128_t r0 = wasm_v128_load(b), r1 = wasm_v128_load(b + j->bcs);
      v128_t r2 = wasm_v128_load(b + 2 * j->bcs), r3 = wasm_v128_load(b + 3 * j->bcs);
      wasm_v128_store(out + k * NR, wasm_i64x2_shuffle(r0, r1, 0, 2));
      wasm_v128_store(out + k * NR + 2, wasm_i64x2_shuffle(r2, r3, 0, 2));
      wasm_v128_store(out + (k + 1) * NR, wasm_i64x2_shuffle(r0, r1, 1, 3));
      wasm_v128_store(out + (k + 1) * NR + 2, wasm_i64x2_shuffle(r2, r3, 1, 3));
    }
  }
  for (; k < K; k++)
    for (int c = 0; c < NR; c++) out[k * NR + c] = c < nr ? B[k * j->brs + (c0 + c) * j->bcs] : 0.0;
}

// The micro-kernel and the thread loop, per element type. `add` says whether C already holds a
// partial sum (an earlier k block, or accumulate) to add to; otherwise the tile is stored.
#define DEFINE_MATMUL(T, LANES, SPLAT, LOADSPLAT, ADD, MUL, NAME)                                     \
  enum { NAME##_NR = 2 * LANES };                                                                     \
  static void NAME##_tile(int kc, const T* Ap, const T* Bp, T* C, int ldc, int mr, int nr, int add) { \
    v128_t z = SPLAT(0), c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;    \
    _Pragma("clang loop unroll(disable)")                                                             \
    for (int k = 0; k < kc; k++) {                                                                    \
      v128_t b0 = wasm_v128_load(Bp), b1 = wasm_v128_load(Bp + LANES), a;                             \
      a = LOADSPLAT(Ap + 0); c00 = ADD(c00, MUL(a, b0)); c01 = ADD(c01, MUL(a, b1));                  \
      a = LOADSPLAT(Ap + 1); c10 = ADD(c10, MUL(a, b0)); c11 = ADD(c11, MUL(a, b1));                  \
      a = LOADSPLAT(Ap + 2); c20 = ADD(c20, MUL(a, b0)); c21 = ADD(c21, MUL(a, b1));                  \
      a = LOADSPLAT(Ap + 3); c30 = ADD(c30, MUL(a, b0)); c31 = ADD(c31, MUL(a, b1));                  \
      Ap += MR; Bp += NAME##_NR;                                                                      \
    }                                                                                                 \
    if (mr == MR && nr == NAME##_NR) {                                                                \
      if (add) {                                                                                      \
        c00 = ADD(wasm_v128_load(C), c00); c01 = ADD(wasm_v128_load(C + LANES), c01);                 \
        c10 = ADD(wasm_v128_load(C + ldc), c10); c11 = ADD(wasm_v128_load(C + ldc + LANES), c11);     \
        c20 = ADD(wasm_v128_load(C + 2 * ldc), c20); c21 = ADD(wasm_v128_load(C + 2 * ldc + LANES), c21); \
        c30 = ADD(wasm_v128_load(C + 3 * ldc), c30); c31 = ADD(wasm_v128_load(C + 3 * ldc + LANES), c31); \
      }                                                                                               \
      wasm_v128_store(C, c00); wasm_v128_store(C + LANES, c01);                                       \
      wasm_v128_store(C + ldc, c10); wasm_v128_store(C + ldc + LANES, c11);                           \
      wasm_v128_store(C + 2 * ldc, c20); wasm_v128_store(C + 2 * ldc + LANES, c21);                   \
      wasm_v128_store(C + 3 * ldc, c30); wasm_v128_store(C + 3 * ldc + LANES, c31);                   \
      return;                                                                                         \
    }                                                                                                 \
    T t[MR * NAME##_NR];                                                                              \
    wasm_v128_store(t, c00); wasm_v128_store(t + LANES, c01);                                         \
    wasm_v128_store(t + 2 * LANES, c10); wasm_v128_store(t + 3 * LANES, c11);                         \
    wasm_v128_store(t + 4 * LANES, c20); wasm_v128_store(t + 5 * LANES, c21);                         \
    wasm_v128_store(t + 6 * LANES, c30); wasm_v128_store(t + 7 * LANES, c31);                         \
    for (int r = 0; r < mr; r++)                                                                      \
      for (int c = 0; c < nr; c++) C[r * ldc + c] = add ? C[r * ldc + c] + t[r * NAME##_NR + c] : t[r * NAME##_NR + c]; \
  }                                                                                                   \
  static void NAME##_block(const Job* j, int item) {                                                 \
    const int NR = NAME##_NR, K = j->K, N = j->N;                                                     \
    int pi0 = (item / j->itemsN) * j->mcP, pi1 = min_i(pi0 + j->mcP, j->mPanels);                     \
    int pj0 = (item % j->itemsN) * j->ncP, pj1 = min_i(pj0 + j->ncP, j->nPanels);                     \
    const T* Ap = j->Ap; const T* Bp = j->Bp; T* C = j->C;                                            \
    for (int k0 = 0; k0 < K; k0 += KC) {                                                              \
      int kc = min_i(KC, K - k0), add = k0 > 0 || j->accumulate;                                      \
      for (int q = pj0; q < pj1; q++) {                                                               \
        int nr = min_i(NR, N - q * NR);                                                               \
        for (int p = pi0; p < pi1; p++)                                                               \
          NAME##_tile(kc, Ap + p * MR * K + k0 * MR, Bp + q * NR * K + k0 * NR, C + p * MR * N + q * NR, N, \
                      min_i(MR, j->M - p * MR), nr, add);                                             \
      }                                                                                               \
    }                                                                                                 \
  }                                                                                                   \
  /** Elements of scratch matmul plan needs after the 128-byte job. */                                \
  EXPORT int NAME##_scratch(int M, int N, int K) { return packed_elements(M, N, K, NAME##_NR); }      \
  /** Fill `job` (128 bytes) for C = op(A) op(B) (+ C when accumulate), packing into scratch. */       \
  EXPORT void NAME##_plan(Job* job, int M, int N, int K, const T* A, int transA, const T* B, int transB, \
                          T* C, int accumulate, T* scratch) {                                         \
    plan(job, M, N, K, A, transA, B, transB, C, accumulate, scratch,                                  \
         scratch + ((M + MR - 1) / MR) * MR * K, NAME##_NR, sizeof(T));                                          \
  }                                                                                                   \
  static void NAME##_pack(const Job* j, int i) {                                                      \
    if (i < j->aItems)                                                                                \
      for (int p = i * A_GROUP, e = min_i(p + A_GROUP, j->mPanels); p < e; p++) NAME##_pack_a(j, p);  \
    else                                                                                              \
      for (int q = (i - j->aItems) * B_GROUP, e = min_i(q + B_GROUP, j->nPanels); q < e; q++) NAME##_pack_b(j, q); \
  }                                                                                                   \
  /* Take items from `next` until none is left. An item goes free (0) -> taken (1) -> done (2); */ \
  /* one another thread has already redone (2) is skipped. */                                      \
  static void NAME##_take(Job* j, int* next, int n, int* state, int pack) {                           \
    for (int i; (i = claim(next)) < n;) {                                                             \
      int expect = 0;                                                                                 \
      if (!__atomic_compare_exchange_n(&state[i], &expect, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) continue; \
      if (pack) NAME##_pack(j, i); else NAME##_block(j, i);                                           \
      expect = 1;                                                                                     \
      __atomic_compare_exchange_n(&state[i], &expect, 2, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);      \
    }                                                                                                 \
  }                                                                                                   \
  /* Redo every item not yet done (another thread's result would be the same bits). */              \
  static void NAME##_redo(Job* j, int n, int* state, int pack) {                                      \
    for (int i = 0; i < n; i++) {                                                                     \
      int expect = __atomic_load_n(&state[i], __ATOMIC_SEQ_CST);                                      \
      if (expect == 2) continue;                                                                      \
      if (pack) NAME##_pack(j, i); else NAME##_block(j, i);                                           \
      __atomic_store_n(&state[i], 2, __ATOMIC_SEQ_CST);                                               \
    }                                                                                                 \
  }                                                                                                   \
  /** The helper's part of a planned product: take items until none is left. */                      \
  EXPORT void NAME(Job* job) {                                                                        \
    NAME##_take(job, &job->packNext, job->packItems, job->state, 1);                                  \
    /* Every panel must be packed before any block reads it. Rather than wait for panels the     */  \
    /* other thread holds (it may be descheduled, even by this thread on a shared core), pack   */  \
    /* them again: packing is always harmless to repeat. */                                         \
    NAME##_redo(job, job->packItems, job->state, 1);                                                  \
    NAME##_take(job, &job->itemNext, job->items, job->state + job->packItems, 0);                     \
  }                                                                                                   \
  /**                                                                                                 \
   * The calling thread's part: take items like the helper, and when none is left, redo the ones     \
   * the helper holds if that is harmless (every block stored, not added). Returns 1 when the whole  \
   * product is in C (the helper may still be rewriting an item with the same bits), 0 when the    \
   * caller must wait for the helper to finish.                                                     \
   */                                                                                               \
  EXPORT int NAME##_lead(Job* job) {                                                                  \
    NAME##_take(job, &job->packNext, job->packItems, job->state, 1);                                  \
    NAME##_redo(job, job->packItems, job->state, 1);                                                  \
    NAME##_take(job, &job->itemNext, job->items, job->state + job->packItems, 0);                     \
    if (!job->idempotent) return 0;                                                                   \
    NAME##_redo(job, job->items, job->state + job->packItems, 0);                                     \
    return 1;                                                                                         \
  }

DEFINE_MATMUL(float, 4, wasm_f32x4_splat, wasm_v128_load32_splat, wasm_f32x4_add, wasm_f32x4_mul, matmul_f32)
DEFINE_MATMUL(double, 2, wasm_f64x2_splat, wasm_v128_load64_splat, wasm_f64x2_add, wasm_f64x2_mul, matmul_f64)
