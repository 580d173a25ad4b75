// A block interpreter for fused elementwise chains (numexpr-style). A deferred expression tree
// (src/ops/lazyElementwise.ts) arrives as a short program over slots; the host streams the
// full-size inputs through staging buffers chunk by chunk, and each chunk is evaluated in
// sub-blocks of SUB elements so every intermediate stays in L1: one pass over memory for the
// whole chain instead of one pass (plus copies) per op. Broadcast inputs are small and copied
// in whole once; the interpreter walks their rows with an odometer over the outer axes.
// Arithmetic rounds exactly like the JS backend (float32 ops are single IEEE float32 operations,
// which is what Math.fround of the double result gives; the fused gradients of float32 run in
// float64 and round once, as the JS expressions do); exp/sigmoid and float64 tanh are
// simdMath.h's, float32 tanh the rational below. Besides its result, a plan may write side
// stores (other values of the loop's shape that later readers need) in the same pass.
#include <wasm_simd128.h>
#include <stdint.h>
#include "simdMath.h"
#include "opcodes.h"
#define EXPORT __attribute__((visibility("default")))

// Limits shared with fusedPlanRunner.ts (FUSED_LIMITS).
#define MAXD 8
#define MAXS 48
#define MAXI 32
#define MAXR 8
#define SUB 256

// Opcodes (OP_*) come from opcodes.h, generated from src/backend/kernelTable.ts.
// Slot kinds: a register (SUB elements), a full-size input streamed into `data` (chunk staging),
// a broadcast input held whole at `data` (materialised per sub-block into `reg`), a constant
// (register filled with the value by the host).
enum { K_REG = 0, K_FULL, K_BCAST, K_CONST };
// Modes: store the (single) result, sum it over everything, sum each result over each row.
enum { M_STORE = 0, M_SUM, M_ROWS };

typedef struct {
  int32_t kind, reg, data, off;     // byte offsets into memory; off: element offset of the current row
  int32_t stride[MAXD];             // element strides over the output's axes (last = along the row)
} Slot;

// Written by the host (fields up to `slots`), then state kept across fused_run calls.
typedef struct {
  int32_t f64, mode, nd, nslots, ninstr, nres, last, out;   // out: staging of the result (M_STORE)
  int32_t rowsums;                                          // double[nres][rows][4] (M_ROWS)
  int32_t rows, pad0, pad1;
  int32_t shape[MAXD];
  int32_t instr[MAXI * 4];                                  // op, dst, a, b (slot indices)
  int32_t res[MAXR];
  int32_t nst;                                              // side stores: slot st_slot[k] is also
  int32_t st_slot[MAXR], st_out[MAXR];                      // written to staging st_out[k] (any mode)
  Slot slots[MAXS];
  // State.
  int32_t idx[MAXD];
  int32_t row, col, flat, pad2;
  double acc[4];                                            // M_SUM partial sums by flat index mod 4
} Prog;

EXPORT int fused_prog_bytes(void) { return (int)sizeof(Prog); }
EXPORT int fused_slot_offset(void) { return (int)__builtin_offsetof(Prog, slots); }
EXPORT int fused_sub(void) { return SUB; }
/** Byte offset of acc (the M_SUM partial sums S0..S3) in Prog: fusedPlanJit.ts's loops add into them. */

/** Reset the row walk and the accumulators before the first chunk. */
EXPORT void fused_begin(Prog* p) {
  for (int d = 0; d < MAXD; d++) p->idx[d] = 0;
  p->row = 0;
  p->col = 0;
  p->flat = 0;
  for (int k = 0; k < 4; k++) p->acc[k] = 0;
  for (int s = 0; s < p->nslots; s++) p->slots[s].off = 0;
  if (p->mode == M_ROWS) {
    double* rs = (double*)(intptr_t)p->rowsums;
    for (long i = 0, e = (long)p->rows * p->nres * 4; i < e; i++) rs[i] = 0;
  }
}

/** Move to the next row: odometer over the outer axes, updating every broadcast slot's offset. */
static void next_row(Prog* p) {
  p->row++;
  p->col = 0;
  for (int d = p->nd - 2; d >= 0; d--) {
    p->idx[d]++;
    for (int s = 0; s < p->nslots; s++) if (p->slots[s].kind == K_BCAST) p->slots[s].off += p->slots[s].stride[d];
    if (p->idx[d] < p->shape[d]) return;
    for (int s = 0; s < p->nslots; s++) if (p->slots[s].kind == K_BCAST) p->slots[s].off -= p->slots[s].stride[d] * p->shape[d];
    p->idx[d] = 0;
  }
}

#define TANH_f32x4 tanh_rational_f32x4
#define TANH_f64x2 tanh_f64x2
#define COPY_T(T, dst, src, n) do { for (int q_ = 0; q_ < (n); q_++) (dst)[q_] = (src)[q_]; } while (0)

// float32 tanh in float32 lanes: the odd rational the JS backend's tanhF32 evaluates in float64
// (Eigen's, whose coefficients were fitted for float32 arithmetic), clamped where float32 tanh
// rounds to +-1 (Eigen's 7.9053...), and x itself below 0.0004 where tanh(x) rounds to x. Four
// lanes and one division instead of two float64 halves (the earlier bit-exact form): a third of
// the cost, within 3 eps of the JS kernel and of Math.tanh (test/wasm/fusedVm.test.ts).
static inline v128_t tanh_rational_f32x4(v128_t x) {
  v128_t v = wasm_f32x4_pmin(wasm_f32x4_pmax(x, F32(-7.90531110763549805f)), F32(7.90531110763549805f));
  v128_t x2 = wasm_f32x4_mul(v, v);
  v128_t p = wasm_f32x4_add(F32(2.00018790482477e-13f), wasm_f32x4_mul(x2, F32(-2.76076847742355e-16f)));
  p = wasm_f32x4_add(F32(-8.60467152213735e-11f), wasm_f32x4_mul(x2, p));
  p = wasm_f32x4_add(F32(5.12229709037114e-8f), wasm_f32x4_mul(x2, p));
  p = wasm_f32x4_add(F32(1.48572235717979e-5f), wasm_f32x4_mul(x2, p));
  p = wasm_f32x4_add(F32(6.37261928875436e-4f), wasm_f32x4_mul(x2, p));
  p = wasm_f32x4_add(F32(4.89352455891786e-3f), wasm_f32x4_mul(x2, p));
  p = wasm_f32x4_mul(v, p);
  v128_t q = wasm_f32x4_add(F32(1.18534705686654e-4f), wasm_f32x4_mul(x2, F32(1.19825839466702e-6f)));
  q = wasm_f32x4_add(F32(2.268434632439e-3f), wasm_f32x4_mul(x2, q));
  q = wasm_f32x4_add(F32(4.89352518554385e-3f), wasm_f32x4_mul(x2, q));
  v128_t r = wasm_f32x4_div(p, q);
  return wasm_v128_bitselect(x, r, wasm_f32x4_lt(wasm_f32x4_abs(x), F32(0.0004f)));
}

// The per-dtype interpreter: W is the lane type (f32x4 / f64x2), L the lanes per vector.
#define VM(T, W, L, SPLAT)                                                                         \
  static inline v128_t un_##W(int op, v128_t x) {                                                  \
    switch (op) {                                                                                  \
      case OP_NEG: return wasm_##W##_neg(x);                                                       \
      case OP_SQUARE: return wasm_##W##_mul(x, x);                                                 \
      case OP_TANH: return TANH_##W(x);                                                            \
      case OP_SIGMOID: return sigmoid_##W(x);                                                      \
      case OP_RELU: return wasm_v128_and(x, wasm_##W##_gt(x, SPLAT(0)));                           \
      default: return exp_##W(x);                                                                  \
    }                                                                                              \
  }                                                                                                \
  static void seg_sum_##W(const T* x, int n, int phase, double* S);                                \
  static void eval_##T(Prog* p, int pos, int m) {                                                  \
    T* ptr[MAXS];                                                                                  \
    /* spl[s]: slot s holds one value for the whole sub-block, in its first vector (constants,  */ \
    /* a row's stride-0 inputs, and ops on those only: computed once, not per element).         */ \
    uint8_t spl[MAXS];                                                                             \
    /* Segments of this sub-block: pieces of consecutive rows. */                                  \
    int segStart[SUB + 1], segRow[SUB], segCol[SUB];                                                \
    int nseg = 0, hasB = 0;                                                                        \
    const int single = p->last - p->col >= m;                                                      \
    for (int s = 0; s < p->nslots; s++) {                                                          \
      Slot* sl = &p->slots[s];                                                                     \
      if (sl->kind == K_FULL) ptr[s] = (T*)(intptr_t)sl->data + pos;                               \
      else ptr[s] = (T*)(intptr_t)sl->reg;                                                         \
      if (sl->kind == K_BCAST) hasB = 1;                                                           \
      spl[s] = sl->kind == K_CONST;                                                                \
    }                                                                                              \
    int done = 0;                                                                                  \
    while (done < m) {                                                                             \
      int len = p->last - p->col;                                                                  \
      if (len > m - done) len = m - done;                                                          \
      segStart[nseg] = done;                                                                       \
      segCol[nseg] = p->col;                                                                       \
      segRow[nseg++] = p->row;                                                                     \
      if (hasB) {                                                                                  \
        for (int s = 0; s < p->nslots; s++) {                                                      \
          Slot* sl = &p->slots[s];                                                                 \
          if (sl->kind != K_BCAST) continue;                                                       \
          const T* src = (const T*)(intptr_t)sl->data + sl->off;                                   \
          int z = sl->stride[p->nd - 1];                                                           \
          T* dst = ptr[s] + done;                                                                  \
          if (z == 0) {                                                                            \
            T v = src[0];                                                                          \
            if (single) { wasm_v128_store(ptr[s], SPLAT(v)); spl[s] = 1; }                         \
            else for (int q = 0; q < len; q++) dst[q] = v;                                         \
          }                                                                                        \
          else if (z == 1) {                                                                       \
            if (len == m) ptr[s] = (T*)(src + p->col); /* the whole sub-block is one row piece */   \
            else COPY_T(T, dst, src + p->col, len);                                                \
          } else { const T* q0 = src + (long)p->col * z; for (int q = 0; q < len; q++) dst[q] = q0[(long)q * z]; } \
        }                                                                                          \
      }                                                                                            \
      done += len;                                                                                 \
      p->col += len;                                                                               \
      if (p->col == p->last) next_row(p);                                                          \
    }                                                                                              \
    segStart[nseg] = m;                                                                            \
    p->flat += m;                                                                                  \
    int mm = (m + L - 1) & ~(L - 1);                                                               \
    for (int i = 0; i < p->ninstr; i++) {                                                          \
      const int32_t* in = &p->instr[i * 4];                                                        \
      int op = in[0];                                                                              \
      T* d = ptr[in[1]];                                                                           \
      const T* a = ptr[in[2]];                                                                     \
      const T* b = ptr[in[3]];                                                                     \
      const int sa = spl[in[2]], sb = spl[in[3]];                                                  \
      if (sa && sb) { const int mm = L; BINARY_SWITCH_##W(op, d, a, b, mm, sa, sb) spl[in[1]] = 1; continue; } \
      spl[in[1]] = 0;                                                                              \
      BINARY_SWITCH_##W(op, d, a, b, mm, sa, sb)                                                   \
    }                                                                                              \
    /* A result that stayed one value: spread it over the sub-block before it is stored or summed. */ \
    for (int r = 0; r < p->nres + p->nst; r++) {                                                   \
      int s = r < p->nres ? p->res[r] : p->st_slot[r - p->nres];                                   \
      if (!spl[s]) continue;                                                                       \
      T* x = ptr[s];                                                                               \
      v128_t v = wasm_v128_load(x);                                                                \
      for (int i = L; i < mm; i += L) wasm_v128_store(x + i, v);                                   \
      spl[s] = 0;                                                                                  \
    }                                                                                              \
    for (int k = 0; k < p->nst; k++) {                                                             \
      T* o = (T*)(intptr_t)p->st_out[k] + pos;                                                     \
      const T* r = ptr[p->st_slot[k]];                                                             \
      COPY_T(T, o, r, m);                                                                          \
    }                                                                                              \
    if (p->mode == M_STORE) {                                                                      \
      T* o = (T*)(intptr_t)p->out + pos;                                                           \
      const T* r = ptr[p->res[0]];                                                                 \
      COPY_T(T, o, r, m);                                                                          \
    } else if (p->mode == M_SUM) {                                                                 \
      seg_sum_##W(ptr[p->res[0]], m, (p->flat - m) & 3, p->acc);                                    \
    } else {                                                                                       \
      double* rs = (double*)(intptr_t)p->rowsums;                                                  \
      for (int r = 0; r < p->nres; r++) {                                                          \
        const T* x = ptr[p->res[r]];                                                               \
        for (int g = 0; g < nseg; g++)                                                             \
          seg_sum_##W(x + segStart[g], segStart[g + 1] - segStart[g], segCol[g] & 3, rs + ((long)r * p->rows + segRow[g]) * 4); \
      }                                                                                            \
    }                                                                                              \
  }

// One loop per opcode keeps every loop body branch-free.
#define LOOP_U(W, OPC) for (int i = 0; i < mm; i += LANES_##W) wasm_v128_store(d + i, un_##W(OPC, wasm_v128_load(a + i)));
// A binary loop in three forms: both operands vectors, or one of them a single value (sa / sb).
#define LOOP_B(W, EXPR)                                                                            \
  if (sa) { const v128_t x = wasm_v128_load(a);                                                    \
    for (int i = 0; i < mm; i += LANES_##W) { v128_t y = wasm_v128_load(b + i); wasm_v128_store(d + i, EXPR); } } \
  else if (sb) { const v128_t y = wasm_v128_load(b);                                               \
    for (int i = 0; i < mm; i += LANES_##W) { v128_t x = wasm_v128_load(a + i); wasm_v128_store(d + i, EXPR); } } \
  else for (int i = 0; i < mm; i += LANES_##W) { v128_t x = wasm_v128_load(a + i), y = wasm_v128_load(b + i); wasm_v128_store(d + i, EXPR); }
#define LANES_f32x4 4
#define LANES_f64x2 2

// float32 gradients: promote each half to float64, compute as the JS expression does, round once.
#define F32_VIA_F64(x, y, EXPR64)                                                                  \
  ({ v128_t xl = wasm_f64x2_promote_low_f32x4(x), yl = wasm_f64x2_promote_low_f32x4(y);            \
     v128_t xh = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1));               \
     v128_t yh = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(y, y, 2, 3, 0, 1));               \
     v128_t lo, hi;                                                                                \
     { v128_t X = xl, Y = yl; lo = EXPR64; }                                                       \
     { v128_t X = xh, Y = yh; hi = EXPR64; }                                                       \
     v128_t l4 = wasm_f32x4_demote_f64x2_zero(lo), h4 = wasm_f32x4_demote_f64x2_zero(hi);          \
     wasm_i32x4_shuffle(l4, h4, 0, 1, 4, 5); })
#define TANH_GRAD64 wasm_f64x2_mul(X, wasm_f64x2_sub(F64(1.0), wasm_f64x2_mul(Y, Y)))
#define SIGMOID_GRAD64 wasm_f64x2_mul(X, wasm_f64x2_mul(Y, wasm_f64x2_sub(F64(1.0), Y)))

#define BINARY_SWITCH_f32x4(op, d, a, b, mm, sa, sb)                                                       \
  switch (op) {                                                                                    \
    case OP_NEG: LOOP_U(f32x4, OP_NEG) break;                                                      \
    case OP_SQUARE: LOOP_U(f32x4, OP_SQUARE) break;                                                \
    case OP_TANH: LOOP_U(f32x4, OP_TANH) break;                                                    \
    case OP_SIGMOID: LOOP_U(f32x4, OP_SIGMOID) break;                                              \
    case OP_RELU: LOOP_U(f32x4, OP_RELU) break;                                                    \
    case OP_EXP: LOOP_U(f32x4, OP_EXP) break;                                                      \
    case OP_ADD: LOOP_B(f32x4, wasm_f32x4_add(x, y)) break;                                        \
    case OP_SUB: LOOP_B(f32x4, wasm_f32x4_sub(x, y)) break;                                        \
    case OP_MUL: LOOP_B(f32x4, wasm_f32x4_mul(x, y)) break;                                        \
    case OP_DIV: LOOP_B(f32x4, wasm_f32x4_div(x, y)) break;                                        \
    case OP_TANH_GRAD: LOOP_B(f32x4, F32_VIA_F64(x, y, TANH_GRAD64)) break;                        \
    case OP_SIGMOID_GRAD: LOOP_B(f32x4, F32_VIA_F64(x, y, SIGMOID_GRAD64)) break;                  \
    case OP_RELU_GRAD: LOOP_B(f32x4, wasm_v128_and(x, wasm_f32x4_gt(y, F32(0.0f)))) break;         \
    default: LOOP_B(f32x4, wasm_f32x4_mul(x, wasm_f32x4_add(y, y))) break;                         \
  }
#define BINARY_SWITCH_f64x2(op, d, a, b, mm, sa, sb)                                                       \
  switch (op) {                                                                                    \
    case OP_NEG: LOOP_U(f64x2, OP_NEG) break;                                                      \
    case OP_SQUARE: LOOP_U(f64x2, OP_SQUARE) break;                                                \
    case OP_TANH: LOOP_U(f64x2, OP_TANH) break;                                                    \
    case OP_SIGMOID: LOOP_U(f64x2, OP_SIGMOID) break;                                              \
    case OP_RELU: LOOP_U(f64x2, OP_RELU) break;                                                    \
    case OP_EXP: LOOP_U(f64x2, OP_EXP) break;                                                      \
    case OP_ADD: LOOP_B(f64x2, wasm_f64x2_add(x, y)) break;                                        \
    case OP_SUB: LOOP_B(f64x2, wasm_f64x2_sub(x, y)) break;                                        \
    case OP_MUL: LOOP_B(f64x2, wasm_f64x2_mul(x, y)) break;                                        \
    case OP_DIV: LOOP_B(f64x2, wasm_f64x2_div(x, y)) break;                                        \
    case OP_TANH_GRAD: LOOP_B(f64x2, ({ v128_t X = x, Y = y; TANH_GRAD64; })) break;               \
    case OP_SIGMOID_GRAD: LOOP_B(f64x2, ({ v128_t X = x, Y = y; SIGMOID_GRAD64; })) break;         \
    case OP_RELU_GRAD: LOOP_B(f64x2, wasm_v128_and(x, wasm_f64x2_gt(y, F64(0.0)))) break;          \
    default: LOOP_B(f64x2, wasm_f64x2_mul(x, wasm_f64x2_add(y, y))) break;                         \
  }

VM(float, f32x4, 4, F32)
VM(double, f64x2, 2, F64)

// Sums keep the JS backend's order (jsBackend's interleavedSum): four float64 partial sums
// S_k over the elements whose index (flat, or within the row) is k mod 4, each accumulated in
// index order, combined as (S0 + S1) + (S2 + S3) at the end. S holds the four partial sums;
// `phase` is the index mod 4 of x[0]. Lanes are (S_phase, S_phase+1) and (S_phase+2, S_phase+3).
#define SEG_SUM(W, T, LOAD_LO, LOAD_HI)                                                            \
  static void seg_sum_##W(const T* x, int n, int phase, double* S) {                               \
    int k = 0;                                                                                     \
    if (n >= 4) {                                                                                  \
      v128_t a0 = wasm_f64x2_make(S[phase], S[(phase + 1) & 3]);                                   \
      v128_t a1 = wasm_f64x2_make(S[(phase + 2) & 3], S[(phase + 3) & 3]);                         \
      for (; k + 4 <= n; k += 4) { a0 = wasm_f64x2_add(a0, LOAD_LO(x + k)); a1 = wasm_f64x2_add(a1, LOAD_HI(x + k)); } \
      S[phase] = wasm_f64x2_extract_lane(a0, 0); S[(phase + 1) & 3] = wasm_f64x2_extract_lane(a0, 1); \
      S[(phase + 2) & 3] = wasm_f64x2_extract_lane(a1, 0); S[(phase + 3) & 3] = wasm_f64x2_extract_lane(a1, 1); \
    }                                                                                              \
    for (; k < n; k++) S[(phase + k) & 3] += x[k];                                                 \
  }
#define LO_F32(p) wasm_f64x2_promote_low_f32x4(wasm_v128_load(p))
#define HI_F32(p) wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero((p) + 2))
#define LO_F64(p) wasm_v128_load(p)
#define HI_F64(p) wasm_v128_load((p) + 2)
SEG_SUM(f32x4, float, LO_F32, HI_F32)
SEG_SUM(f64x2, double, LO_F64, HI_F64)

static inline double combine4(const double* S) { return (S[0] + S[1]) + (S[2] + S[3]); }

/**
 * Evaluate the next `n` elements (the host has put them in each full slot's staging buffer,
 * from element 0 of the staging): sub-block by sub-block, continuing the row walk.
 */
EXPORT void fused_run(Prog* p, int n) {
  for (int pos = 0; pos < n;) {
    int m = n - pos < SUB ? n - pos : SUB;
    // Long rows: end sub-blocks at row ends, so a row's stride-0 inputs are single values.
    if (p->last >= SUB && p->last - p->col < m) m = p->last - p->col;
    if (p->f64) eval_double(p, pos, m);
    else eval_float(p, pos, m);
    pos += m;
  }
}

/** The total of an M_SUM program. */
EXPORT double fused_total(Prog* p) { return combine4(p->acc); }

/** Combine each M_ROWS row's partial sums, in place: rowsums becomes double[nres][rows]. */
EXPORT void fused_finish_rows(Prog* p) {
  double* rs = (double*)(intptr_t)p->rowsums;
  for (long i = 0, e = (long)p->rows * p->nres; i < e; i++) rs[i] = combine4(rs + i * 4);
}
