// SIMD exp, tanh and sigmoid for the eager kernels (elementwise.c) and the fused block
// interpreter (fusedVm.c). exp, sigmoid and float64 tanh are shared, so in a fused chain they
// (and the arithmetic, rounded per op in the same lanes) give the eager ops' results bit for
// bit. Float32 tanh is not shared: the interpreter uses a cheaper rational (fusedVm.c), which
// stays within 3 float32 eps (relative) of tanh_f32x4 below; test/wasm/fusedVm.test.ts checks
// both statements over a dense sweep.
// exp uses Cephes' range reduction and polynomial (float32) / rational (float64) forms; tanh uses
// Cephes' small-argument form below |x| = 0.625 and 1 - 2/(e^{2|x|}+1) above, which keeps the
// relative error within a few ulps everywhere (the JS backend's fastTanh is the same formula).
#ifndef GRADLAB_SIMD_MATH_H
#define GRADLAB_SIMD_MATH_H
#include <wasm_simd128.h>

// ---- float64 --------------------------------------------------------------------------------
#define F64(x) wasm_f64x2_splat(x)
static inline v128_t exp_f64x2(v128_t x) {
  x = wasm_f64x2_pmin(wasm_f64x2_pmax(x, F64(-708.3964185322641)), F64(709.782712893384));
  v128_t n = wasm_f64x2_nearest(wasm_f64x2_mul(x, F64(1.4426950408889634073599)));
  x = wasm_f64x2_sub(x, wasm_f64x2_mul(n, F64(6.93145751953125E-1)));
  x = wasm_f64x2_sub(x, wasm_f64x2_mul(n, F64(1.42860682030941723212E-6)));
  v128_t xx = wasm_f64x2_mul(x, x);
  v128_t p = wasm_f64x2_add(wasm_f64x2_mul(F64(1.26177193074810590878E-4), xx), F64(3.02994407707441961300E-2));
  p = wasm_f64x2_mul(wasm_f64x2_add(wasm_f64x2_mul(p, xx), F64(9.99999999999999999910E-1)), x);
  v128_t q = wasm_f64x2_add(wasm_f64x2_mul(F64(3.00198505138664455042E-6), xx), F64(2.52448340349684104192E-3));
  q = wasm_f64x2_add(wasm_f64x2_mul(q, xx), F64(2.27265548208155028766E-1));
  q = wasm_f64x2_add(wasm_f64x2_mul(q, xx), F64(2.00000000000000000009E0));
  v128_t e = wasm_f64x2_add(F64(1.0), wasm_f64x2_mul(F64(2.0), wasm_f64x2_div(p, wasm_f64x2_sub(q, p))));
  // 2^n as bits: n is within [-1022, 1023] after the clamp; split in two halves so that
  // n = -1022..-1075 style extremes still scale without producing an invalid exponent.
  v128_t ni = wasm_i64x2_extend_low_i32x4(wasm_i32x4_trunc_sat_f64x2_zero(n));
  v128_t h = wasm_i64x2_shr(ni, 1);
  v128_t s1 = wasm_i64x2_shl(wasm_i64x2_add(h, wasm_i64x2_splat(1023)), 52);
  v128_t s2 = wasm_i64x2_shl(wasm_i64x2_add(wasm_i64x2_sub(ni, h), wasm_i64x2_splat(1023)), 52);
  return wasm_f64x2_mul(wasm_f64x2_mul(e, s1), s2);
}
static inline v128_t tanh_f64x2(v128_t x) {
  v128_t ax = wasm_f64x2_abs(x), z = wasm_f64x2_mul(x, x);
  v128_t P = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_add(wasm_f64x2_mul(F64(-9.64399179425052238628E-1), z), F64(-9.92877231001918586564E1)), z), F64(-1.61468768441708447952E3));
  v128_t Q = wasm_f64x2_add(z, F64(1.12811678491632931402E2));
  Q = wasm_f64x2_add(wasm_f64x2_mul(Q, z), F64(2.23548839060100448583E3));
  Q = wasm_f64x2_add(wasm_f64x2_mul(Q, z), F64(4.84406305325125486048E3));
  v128_t small = wasm_f64x2_add(x, wasm_f64x2_mul(wasm_f64x2_mul(x, z), wasm_f64x2_div(P, Q)));
  v128_t e = exp_f64x2(wasm_f64x2_pmin(wasm_f64x2_add(ax, ax), F64(80.0)));
  v128_t big = wasm_f64x2_sub(F64(1.0), wasm_f64x2_div(F64(2.0), wasm_f64x2_add(e, F64(1.0))));
  v128_t r = wasm_v128_bitselect(small, big, wasm_f64x2_lt(ax, F64(0.625)));
  // tanh is odd: take the sign from x, which also keeps tanh(-0) = -0.
  return wasm_v128_or(wasm_f64x2_abs(r), wasm_v128_and(x, F64(-0.0)));
}
static inline v128_t sigmoid_f64x2(v128_t x) {
  // e^{-|x|} never overflows; mirror for negative x.
  v128_t e = exp_f64x2(wasm_f64x2_neg(wasm_f64x2_abs(x)));
  v128_t pos = wasm_f64x2_div(F64(1.0), wasm_f64x2_add(F64(1.0), e));
  v128_t neg = wasm_f64x2_div(e, wasm_f64x2_add(F64(1.0), e));
  return wasm_v128_bitselect(pos, neg, wasm_f64x2_ge(x, F64(0.0)));
}

// ---- float32 --------------------------------------------------------------------------------
#define F32(x) wasm_f32x4_splat(x)
static inline v128_t exp_f32x4(v128_t x) {
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, F32(-87.33654f)), F32(88.72283f));
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, F32(1.44269504088896341f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(n, F32(0.693359375f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(n, F32(-2.12194440e-4f)));
  v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_add(wasm_f32x4_mul(F32(1.9875691500E-4f), x), F32(1.3981999507E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), F32(8.3334519073E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), F32(4.1665795894E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), F32(1.6666665459E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), F32(5.0000001201E-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(p, z), x), F32(1.0f));
  v128_t ni = wasm_i32x4_trunc_sat_f32x4(n);
  v128_t h = wasm_i32x4_shr(ni, 1);
  v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(h, wasm_i32x4_splat(127)), 23);
  v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_sub(ni, h), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(wasm_f32x4_mul(p, s1), s2);
}
static inline v128_t tanh_f32x4(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x), z = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_add(wasm_f32x4_mul(F32(-5.70498872745E-3f), z), F32(2.06390887954E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), F32(-5.37397155531E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), F32(1.33314422036E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), F32(-3.33332819422E-1f));
  v128_t small = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, z), x), x);
  v128_t e = exp_f32x4(wasm_f32x4_pmin(wasm_f32x4_add(ax, ax), F32(40.0f)));
  v128_t big = wasm_f32x4_sub(F32(1.0f), wasm_f32x4_div(F32(2.0f), wasm_f32x4_add(e, F32(1.0f))));
  v128_t r = wasm_v128_bitselect(small, big, wasm_f32x4_lt(ax, F32(0.625f)));
  return wasm_v128_or(wasm_f32x4_abs(r), wasm_v128_and(x, F32(-0.0f)));
}
static inline v128_t sigmoid_f32x4(v128_t x) {
  v128_t e = exp_f32x4(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  v128_t pos = wasm_f32x4_div(F32(1.0f), wasm_f32x4_add(F32(1.0f), e));
  v128_t neg = wasm_f32x4_div(e, wasm_f32x4_add(F32(1.0f), e));
  return wasm_v128_bitselect(pos, neg, wasm_f32x4_ge(x, F32(0.0f)));
}

#endif
