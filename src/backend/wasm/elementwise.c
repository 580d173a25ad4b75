// Elementwise and reduction kernels for wasm32 + SIMD128, float32 (4 lanes) and float64 (2 lanes).
// exp, tanh and sigmoid live in simdMath.h (shared with the fused interpreter, fusedVm.c).
#include <wasm_simd128.h>
#include <stdint.h>
#include "simdMath.h"
#include "opcodes.h"
#define EXPORT __attribute__((visibility("default")))

// Opcodes (OP_*, R_*) come from opcodes.h, generated from src/backend/kernelTable.ts.

static inline v128_t f64x2_gt_zero(v128_t v) { return wasm_f64x2_gt(v, F64(0.0)); }
static inline v128_t f32x4_gt_zero(v128_t v) { return wasm_f32x4_gt(v, F32(0.0f)); }
static inline v128_t unary_f64x2(int op, v128_t v) {
  switch (op) {
    case OP_EXP: return exp_f64x2(v);
    case OP_TANH: return tanh_f64x2(v);
    case OP_SIGMOID: return sigmoid_f64x2(v);
    case OP_RELU: return wasm_v128_and(v, f64x2_gt_zero(v));
    case OP_NEG: return wasm_f64x2_neg(v);
    case OP_SQUARE: return wasm_f64x2_mul(v, v);
    case OP_SQRT: return wasm_f64x2_sqrt(v);
    case OP_ABS: return wasm_f64x2_abs(v);
    default: return v;
  }
}
static inline v128_t unary_f32x4(int op, v128_t v) {
  switch (op) {
    case OP_EXP: return exp_f32x4(v);
    case OP_TANH: return tanh_f32x4(v);
    case OP_SIGMOID: return sigmoid_f32x4(v);
    case OP_RELU: return wasm_v128_and(v, f32x4_gt_zero(v));
    case OP_NEG: return wasm_f32x4_neg(v);
    case OP_SQUARE: return wasm_f32x4_mul(v, v);
    case OP_SQRT: return wasm_f32x4_sqrt(v);
    case OP_ABS: return wasm_f32x4_abs(v);
    default: return v;
  }
}
// The switch is hoisted out of the loop by the per-op loops below (one loop per case keeps the
// body branch-free, which is what makes these memory-bound instead of dispatch-bound).
#define UNARY_LOOP(T, W, L)                                                                        \
  EXPORT void unary_##T(int op, int n, const T* x, T* y) {                                         \
    int i = 0;                                                                                     \
    switch (op) {                                                                                  \
      case OP_EXP: for (; i + L <= n; i += L) wasm_v128_store(y + i, unary_##W(OP_EXP, wasm_v128_load(x + i))); break; \
      case OP_TANH: for (; i + L <= n; i += L) wasm_v128_store(y + i, unary_##W(OP_TANH, wasm_v128_load(x + i))); break; \
      case OP_SIGMOID: for (; i + L <= n; i += L) wasm_v128_store(y + i, unary_##W(OP_SIGMOID, wasm_v128_load(x + i))); break; \
      case OP_RELU: for (; i + L <= n; i += L) wasm_v128_store(y + i, unary_##W(OP_RELU, wasm_v128_load(x + i))); break; \
      case OP_NEG: for (; i + L <= n; i += L) wasm_v128_store(y + i, unary_##W(OP_NEG, wasm_v128_load(x + i))); break; \
      case OP_SQUARE: for (; i + L <= n; i += L) wasm_v128_store(y + i, unary_##W(OP_SQUARE, wasm_v128_load(x + i))); break; \
      case OP_SQRT: for (; i + L <= n; i += L) wasm_v128_store(y + i, unary_##W(OP_SQRT, wasm_v128_load(x + i))); break; \
      case OP_ABS: for (; i + L <= n; i += L) wasm_v128_store(y + i, unary_##W(OP_ABS, wasm_v128_load(x + i))); break; \
      default: for (; i + L <= n; i += L) wasm_v128_store(y + i, wasm_v128_load(x + i)); break;    \
    }                                                                                              \
    for (; i < n; i++) {                                                                           \
      T lane[L] __attribute__((aligned(16)));                                                      \
      for (int j = 0; j < L; j++) lane[j] = x[i];                                                  \
      wasm_v128_store(lane, unary_##W(op, wasm_v128_load(lane)));                                  \
      y[i] = lane[0];                                                                              \
    }                                                                                              \
  }
UNARY_LOOP(double, f64x2, 2)
UNARY_LOOP(float, f32x4, 4)

// ---- binary ----------------------------------------------------------------------------------
// Broadcast modes the backend recognises; everything else stays on the JS backend.
// The *_GRAD ops are the fused first-order gradient kernels: a = cotangent, b = saved value.
enum { M_FULL = 0, M_A_SCALAR, M_B_SCALAR, M_B_PERIODIC, M_A_PERIODIC };

// The tanh and sigmoid gradients cancel (1 − y², y·(1 − y)) where y nears ±1 or 0, so float32
// data computes them in float64 and rounds once, as the JS backend and fusedVm.c do.
#define TANH_GRAD64(X, Y) wasm_f64x2_mul(X, wasm_f64x2_sub(F64(1.0), wasm_f64x2_mul(Y, Y)))
#define SIGMOID_GRAD64(X, Y) wasm_f64x2_mul(X, wasm_f64x2_mul(Y, wasm_f64x2_sub(F64(1.0), Y)))
#define GRAD_f64x2(EXPR64, a, b) EXPR64(a, b)
#define GRAD_f32x4(EXPR64, a, b)                                                                   \
  ({ v128_t lo_ = EXPR64(wasm_f64x2_promote_low_f32x4(a), wasm_f64x2_promote_low_f32x4(b));        \
     v128_t hi_ = EXPR64(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(a, a, 2, 3, 0, 1)),        \
                         wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(b, b, 2, 3, 0, 1)));       \
     wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo_), wasm_f32x4_demote_f64x2_zero(hi_), 0, 1, 4, 5); })
#define BINOP(W, op, a, b)                                                                         \
  (op == OP_ADD ? wasm_##W##_add(a, b) : op == OP_SUB ? wasm_##W##_sub(a, b) :                       \
   op == OP_MUL ? wasm_##W##_mul(a, b) : op == OP_DIV ? wasm_##W##_div(a, b) :                       \
   op == OP_MAXIMUM ? wasm_v128_bitselect(a, b, wasm_##W##_gt(a, b)) :                                  \
   op == OP_MINIMUM ? wasm_v128_bitselect(a, b, wasm_##W##_lt(a, b)) :                                  \
   op == OP_TANH_GRAD ? GRAD_##W(TANH_GRAD64, a, b) :                                               \
   op == OP_SIGMOID_GRAD ? GRAD_##W(SIGMOID_GRAD64, a, b) :                                         \
   op == OP_RELU_GRAD ? wasm_v128_and(a, wasm_##W##_gt(b, wasm_##W##_splat(0))) :                  \
                 wasm_##W##_mul(a, wasm_##W##_mul(wasm_##W##_splat(2), b)))
// NaN-propagating max/min like NumPy: a NaN on either side wins.
#define BINOP_NAN(W, op, a, b, r)                                                                  \
  ((op == OP_MAXIMUM || op == OP_MINIMUM) ?                                                                  \
     wasm_v128_bitselect(wasm_##W##_add(a, b), r, wasm_v128_not(wasm_v128_and(wasm_##W##_eq(a, a), wasm_##W##_eq(b, b)))) : r)

#define BINARY_LOOP(T, W, L)                                                                       \
  static inline T scalar_##W(int op, T a, T b) {                                                   \
    if (op == OP_ADD) return a + b; if (op == OP_SUB) return a - b;                                  \
    if (op == OP_MUL) return a * b; if (op == OP_DIV) return a / b;                                  \
    if (op == OP_TANH_GRAD) return (T)((double)a * (1 - (double)b * b));                            \
    if (op == OP_SIGMOID_GRAD) return (T)((double)a * ((double)b * (1 - (double)b)));               \
    if (op == OP_RELU_GRAD) return b > 0 ? a : 0;                                                   \
    if (op == OP_SQUARE_GRAD) return a * (2 * b);                                                   \
    if (a != a || b != b) return a + b;                                                            \
    return op == OP_MAXIMUM ? (a > b ? a : b) : (a < b ? a : b);                                        \
  }                                                                                                \
  static void binary_run_##W(int op, int n, const T* a, int sa, const T* b, int sb, T* out) {      \
    int i = 0;                                                                                     \
    if (sa && sb) {                                                                                \
      for (; i + L <= n; i += L) { v128_t x = wasm_v128_load(a + i), y = wasm_v128_load(b + i);    \
        v128_t r = BINOP(W, op, x, y); wasm_v128_store(out + i, BINOP_NAN(W, op, x, y, r)); }       \
    } else if (sb) {                                                                               \
      v128_t x = wasm_v128_load##L##x##L##_splat_hack(a);                                          \
      for (; i + L <= n; i += L) { v128_t y = wasm_v128_load(b + i);                               \
        v128_t r = BINOP(W, op, x, y); wasm_v128_store(out + i, BINOP_NAN(W, op, x, y, r)); }       \
    } else {                                                                                       \
      v128_t y = wasm_v128_load##L##x##L##_splat_hack(b);                                          \
      for (; i + L <= n; i += L) { v128_t x = wasm_v128_load(a + i);                               \
        v128_t r = BINOP(W, op, x, y); wasm_v128_store(out + i, BINOP_NAN(W, op, x, y, r)); }       \
    }                                                                                              \
    for (; i < n; i++) out[i] = scalar_##W(op, a[sa ? i : 0], b[sb ? i : 0]);                      \
  }                                                                                                \
  EXPORT void binary_##T(int op, int mode, int n, int period, const T* a, const T* b, T* out) {    \
    switch (mode) {                                                                                \
      case M_FULL: binary_run_##W(op, n, a, 1, b, 1, out); break;                                  \
      case M_A_SCALAR: binary_run_##W(op, n, a, 0, b, 1, out); break;                              \
      case M_B_SCALAR: binary_run_##W(op, n, a, 1, b, 0, out); break;                              \
      case M_B_PERIODIC:                                                                           \
        for (int o = 0; o < n; o += period) binary_run_##W(op, period, a + o, 1, b, 1, out + o);   \
        break;                                                                                     \
      case M_A_PERIODIC:                                                                           \
        for (int o = 0; o < n; o += period) binary_run_##W(op, period, a, 1, b + o, 1, out + o);   \
        break;                                                                                     \
    }                                                                                              \
  }
#define wasm_v128_load2x2_splat_hack(p) wasm_v128_load64_splat(p)
#define wasm_v128_load4x4_splat_hack(p) wasm_v128_load32_splat(p)
BINARY_LOOP(double, f64x2, 2)
BINARY_LOOP(float, f32x4, 4)

// ---- reductions --------------------------------------------------------------------------------
// x viewed as [outer, r, inner]; out is [outer, inner]. Sums of float32 accumulate in float64,
// as the JS backend does, so the two agree to the last float32 bit on ordinary data.

EXPORT void reduce_double(int op, int outer, int r, int inner, const double* x, double* out) {
  for (int o = 0; o < outer; o++) {
    const double* base = x + (long)o * r * inner;
    double* dst = out + (long)o * inner;
    if (inner == 1) {
      v128_t acc0, acc1;
      int k = 0;
      if (op == R_SUM) { acc0 = acc1 = F64(0.0); }
      else { acc0 = acc1 = F64(r > 0 ? base[0] : (op == R_MAX ? -__builtin_inf() : __builtin_inf())); }
      for (; k + 4 <= r; k += 4) {
        v128_t a = wasm_v128_load(base + k), b = wasm_v128_load(base + k + 2);
        if (op == R_SUM) { acc0 = wasm_f64x2_add(acc0, a); acc1 = wasm_f64x2_add(acc1, b); }
        else if (op == R_MAX) { acc0 = BINOP_NAN(f64x2, OP_MAXIMUM, acc0, a, wasm_f64x2_pmax(acc0, a)); acc1 = BINOP_NAN(f64x2, OP_MAXIMUM, acc1, b, wasm_f64x2_pmax(acc1, b)); }
        else { acc0 = BINOP_NAN(f64x2, OP_MINIMUM, acc0, a, wasm_f64x2_pmin(acc0, a)); acc1 = BINOP_NAN(f64x2, OP_MINIMUM, acc1, b, wasm_f64x2_pmin(acc1, b)); }
      }
      double lanes[4] __attribute__((aligned(16)));
      wasm_v128_store(lanes, acc0); wasm_v128_store(lanes + 2, acc1);
      double s = op == R_SUM ? (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]) : lanes[0];
      if (op != R_SUM) for (int j = 1; j < 4; j++) s = scalar_f64x2(op == R_MAX ? OP_MAXIMUM : OP_MINIMUM, s, lanes[j]);
      for (; k < r; k++) s = op == R_SUM ? s + base[k] : scalar_f64x2(op == R_MAX ? OP_MAXIMUM : OP_MINIMUM, s, base[k]);
      dst[0] = s;
      continue;
    }
    int bop = op == R_SUM ? OP_ADD : op == R_MAX ? OP_MAXIMUM : OP_MINIMUM;
    for (int i = 0; i < inner; i++) dst[i] = base[i];
    for (int k = 1; k < r; k++) binary_run_f64x2(bop, inner, dst, 1, base + (long)k * inner, 1, dst);
    if (r == 0) for (int i = 0; i < inner; i++) dst[i] = op == R_SUM ? 0.0 : (op == R_MAX ? -__builtin_inf() : __builtin_inf());
  }
}

EXPORT void reduce_float(int op, int outer, int r, int inner, const float* x, float* out, double* acc) {
  for (int o = 0; o < outer; o++) {
    const float* base = x + (long)o * r * inner;
    float* dst = out + (long)o * inner;
    if (op != R_SUM) {
      if (inner == 1) {
        float s = r > 0 ? base[0] : (op == R_MAX ? -__builtin_inff() : __builtin_inff());
        int k = 0;
        if (r >= 4) {
          v128_t acc0 = wasm_v128_load(base);
          for (k = 4; k + 4 <= r; k += 4) {
            v128_t a = wasm_v128_load(base + k);
            acc0 = op == R_MAX ? BINOP_NAN(f32x4, OP_MAXIMUM, acc0, a, wasm_f32x4_pmax(acc0, a)) : BINOP_NAN(f32x4, OP_MINIMUM, acc0, a, wasm_f32x4_pmin(acc0, a));
          }
          float lanes[4] __attribute__((aligned(16)));
          wasm_v128_store(lanes, acc0);
          s = lanes[0];
          for (int j = 1; j < 4; j++) s = scalar_f32x4(op == R_MAX ? OP_MAXIMUM : OP_MINIMUM, s, lanes[j]);
        }
        for (; k < r; k++) s = scalar_f32x4(op == R_MAX ? OP_MAXIMUM : OP_MINIMUM, s, base[k]);
        dst[0] = s;
      } else {
        int bop = op == R_MAX ? OP_MAXIMUM : OP_MINIMUM;
        for (int i = 0; i < inner; i++) dst[i] = r > 0 ? base[i] : (op == R_MAX ? -__builtin_inff() : __builtin_inff());
        for (int k = 1; k < r; k++) binary_run_f32x4(bop, inner, dst, 1, base + (long)k * inner, 1, dst);
      }
      continue;
    }
    if (inner == 1) {
      v128_t a0 = F64(0.0), a1 = F64(0.0);
      int k = 0;
      for (; k + 4 <= r; k += 4) {
        v128_t v = wasm_v128_load(base + k);
        a0 = wasm_f64x2_add(a0, wasm_f64x2_promote_low_f32x4(v));
        a1 = wasm_f64x2_add(a1, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)));
      }
      double lanes[4] __attribute__((aligned(16)));
      wasm_v128_store(lanes, a0); wasm_v128_store(lanes + 2, a1);
      double s = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]);
      for (; k < r; k++) s += base[k];
      dst[0] = (float)s;
      continue;
    }
    // acc is caller scratch of `inner` doubles.
    for (int i = 0; i < inner; i++) acc[i] = 0.0;
    for (int k = 0; k < r; k++) {
      const float* row = base + (long)k * inner;
      int i = 0;
      for (; i + 4 <= inner; i += 4) {
        v128_t v = wasm_v128_load(row + i);
        wasm_v128_store(acc + i, wasm_f64x2_add(wasm_v128_load(acc + i), wasm_f64x2_promote_low_f32x4(v)));
        wasm_v128_store(acc + i + 2, wasm_f64x2_add(wasm_v128_load(acc + i + 2), wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1))));
      }
      for (; i < inner; i++) acc[i] += row[i];
    }
    for (int i = 0; i < inner; i++) dst[i] = (float)acc[i];
  }
}

// ---- softmax / log-softmax along contiguous rows (x viewed as [rows, r]) ------------------------
// Forward: max-shifted, so no exp overflows; backward (first order): log-softmax
// dx = g - exp(y) * sum(g), softmax dx = y * (g - sum(g * y)).
#define SOFTMAX_ROWS(T, W, L, SPLAT, EXP, HSUM, HMAX)                                              \
  EXPORT void softmax_##T(int log, int rows, int r, const T* x, T* y) {                            \
    for (int o = 0; o < rows; o++) {                                                               \
      const T* xr = x + (long)o * r; T* yr = y + (long)o * r;                                      \
      T m = -__builtin_inf();                                                                      \
      int k = 0;                                                                                   \
      if (r >= L) {                                                                                \
        v128_t vm = wasm_v128_load(xr);                                                            \
        for (k = L; k + L <= r; k += L) vm = wasm_##W##_pmax(vm, wasm_v128_load(xr + k));          \
        m = HMAX(vm);                                                                              \
      }                                                                                            \
      for (; k < r; k++) if (xr[k] > m) m = xr[k];                                                 \
      if (m == -__builtin_inf() || m == __builtin_inf()) m = 0;                                    \
      v128_t vm = SPLAT(m), vs = SPLAT(0);                                                         \
      T s = 0;                                                                                     \
      for (k = 0; k + L <= r; k += L) {                                                            \
        v128_t e = EXP(wasm_##W##_sub(wasm_v128_load(xr + k), vm));                                \
        if (!log) wasm_v128_store(yr + k, e);                                                      \
        vs = wasm_##W##_add(vs, e);                                                                \
      }                                                                                            \
      s = HSUM(vs);                                                                                \
      for (; k < r; k++) {                                                                         \
        T lane[L] __attribute__((aligned(16)));                                                    \
        lane[0] = xr[k] - m;                                                                       \
        for (int j = 1; j < L; j++) lane[j] = 0;                                                   \
        wasm_v128_store(lane, EXP(wasm_v128_load(lane)));                                          \
        if (!log) yr[k] = lane[0];                                                                 \
        s += lane[0];                                                                              \
      }                                                                                            \
      if (log) {                                                                                   \
        T lse = m + log_##T(s);                                                                    \
        v128_t vl = SPLAT(lse);                                                                    \
        for (k = 0; k + L <= r; k += L) wasm_v128_store(yr + k, wasm_##W##_sub(wasm_v128_load(xr + k), vl)); \
        for (; k < r; k++) yr[k] = xr[k] - lse;                                                    \
      } else {                                                                                     \
        v128_t inv = SPLAT((T)1 / s);                                                              \
        for (k = 0; k + L <= r; k += L) wasm_v128_store(yr + k, wasm_##W##_mul(wasm_v128_load(yr + k), inv)); \
        for (; k < r; k++) yr[k] *= (T)1 / s;                                                      \
      }                                                                                            \
    }                                                                                              \
  }                                                                                                \
  EXPORT void softmax_grad_##T(int log, int rows, int r, const T* g, const T* y, T* dx) {          \
    for (int o = 0; o < rows; o++) {                                                               \
      const T* gr = g + (long)o * r; const T* yr = y + (long)o * r; T* dr = dx + (long)o * r;      \
      v128_t vs = SPLAT(0);                                                                        \
      int k = 0;                                                                                   \
      for (; k + L <= r; k += L) {                                                                 \
        v128_t gv = wasm_v128_load(gr + k);                                                        \
        vs = wasm_##W##_add(vs, log ? gv : wasm_##W##_mul(gv, wasm_v128_load(yr + k)));            \
      }                                                                                            \
      T s = HSUM(vs);                                                                              \
      for (; k < r; k++) s += log ? gr[k] : gr[k] * yr[k];                                         \
      v128_t sv = SPLAT(s);                                                                        \
      for (k = 0; k + L <= r; k += L) {                                                            \
        v128_t gv = wasm_v128_load(gr + k), yv = wasm_v128_load(yr + k);                           \
        wasm_v128_store(dr + k, log ? wasm_##W##_sub(gv, wasm_##W##_mul(EXP(yv), sv))              \
                                    : wasm_##W##_mul(yv, wasm_##W##_sub(gv, sv)));                 \
      }                                                                                            \
      for (; k < r; k++) {                                                                         \
        if (log) {                                                                                 \
          T lane[L] __attribute__((aligned(16)));                                                  \
          lane[0] = yr[k];                                                                         \
          for (int j = 1; j < L; j++) lane[j] = 0;                                                 \
          wasm_v128_store(lane, EXP(wasm_v128_load(lane)));                                        \
          dr[k] = gr[k] - lane[0] * s;                                                             \
        } else dr[k] = yr[k] * (gr[k] - s);                                                        \
      }                                                                                            \
    }                                                                                              \
  }

static inline double hsum_f64(v128_t v) { return wasm_f64x2_extract_lane(v, 0) + wasm_f64x2_extract_lane(v, 1); }
static inline double hmax_f64(v128_t v) {
  double a = wasm_f64x2_extract_lane(v, 0), b = wasm_f64x2_extract_lane(v, 1);
  return a > b ? a : b;
}
static inline float hsum_f32(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 2)) + (wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 3));
}
static inline float hmax_f32(v128_t v) {
  float l[4] __attribute__((aligned(16)));
  wasm_v128_store(l, v);
  float m = l[0];
  for (int j = 1; j < 4; j++) if (l[j] > m) m = l[j];
  return m;
}
// Natural log for the one value per row that needs it: log(s) = e ln2 + log(mantissa), with the
// mantissa in [sqrt(1/2), sqrt(2)) and log1p by its atanh series (converges in a few terms there).
static double log_double(double s) {
  if (s != s || s == __builtin_inf()) return s;
  if (s <= 0) return s == 0 ? -__builtin_inf() : __builtin_nan("");
  union { double d; uint64_t u; } v = { s };
  int e = (int)((v.u >> 52) & 0x7ff) - 1023;
  v.u = (v.u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
  double m = v.d;
  if (m > 1.4142135623730951) { m *= 0.5; e += 1; }
  double t = (m - 1) / (m + 1), t2 = t * t, term = t, sum = 0;
  for (int i = 1; i < 60; i += 2) { sum += term / i; term *= t2; if (term < 1e-18 && term > -1e-18) break; }
  return e * 0.6931471805599453 + 2 * sum;
}
static float log_float(float s) { return (float)log_double((double)s); }

SOFTMAX_ROWS(double, f64x2, 2, wasm_f64x2_splat, exp_f64x2, hsum_f64, hmax_f64)
SOFTMAX_ROWS(float, f32x4, 4, wasm_f32x4_splat, exp_f32x4, hsum_f32, hmax_f32)
