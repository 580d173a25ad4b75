// The pure-JavaScript backend. Elementwise loops are generated once per op from an
// expression so each loop is monomorphic (V8 then compiles it like hand-written code).
import type { Backend, BinaryKernel, ReduceKernel, UnaryKernel } from "./backend.js";
import { jsGemm } from "./jsGemm.js";
import {
  erf,
  fastTanh,
  normalCdf,
  roundHalfEven,
  sigmoidScalar,
  softplusScalar,
  tanhF32,
} from "./mathKernels.js";
import type { TypedArray } from "../tensor/dtype.js";

/** Helpers the generated loops call (also used by the elementwise fusion compiler, so fused and eager loops share code). @example H.fastTanh(0.5) */
export const H = { fastTanh, tanhF32, sigmoidScalar, softplusScalar, roundHalfEven, erf, normalCdf };

/** Per-element expression of each unary kernel over `x` (shared with the fusion compiler so fused loops do the same arithmetic). @example UNARY_EXPR.square // "x * x" */
export const UNARY_EXPR: Record<UnaryKernel, string> = {
  neg: "-x",
  exp: "Math.exp(x)",
  log: "Math.log(x)",
  log1p: "Math.log1p(x)",
  expm1: "Math.expm1(x)",
  sqrt: "Math.sqrt(x)",
  square: "x * x",
  abs: "Math.abs(x)",
  sign: "(x > 0 ? 1 : x < 0 ? -1 : x)",
  sin: "Math.sin(x)",
  cos: "Math.cos(x)",
  tanh: "H.fastTanh(x)",
  sigmoid: "H.sigmoidScalar(x)",
  softplus: "H.softplusScalar(x)",
  relu: "(x > 0 ? x : 0)",
  step: "(x > 0 ? 1 : 0)",
  round: "H.roundHalfEven(x)",
  floor: "Math.floor(x)",
  ceil: "Math.ceil(x)",
  leakyRelu: "(x > 0 ? x : x * p0)",
  leakyReluGrad: "(x > 0 ? 1 : p0)",
  elu: "(x > 0 ? x : p0 * Math.expm1(x))",
  clip: "(x < p0 ? p0 : x > p1 ? p1 : x)",
  clipMask: "(x >= p0 && x <= p1 ? 1 : 0)",
  powScalar: "Math.pow(x, p0)",
  normalCdf: "H.normalCdf(x)",
  normalPdf: "0.3989422804014327 * Math.exp(-0.5 * x * x)",
  reciprocal: "1 / x",
  copy: "x",
  isNonFinite: "(x - x !== 0 ? 1 : 0)",
  logicalNot: "(x === 0 ? 1 : 0)",
};

/** Per-element expression of each binary kernel over `x`, `y` (shared with the fusion compiler). @example BINARY_EXPR.add // "x + y" */
export const BINARY_EXPR: Record<BinaryKernel, string> = {
  add: "x + y",
  sub: "x - y",
  mul: "x * y",
  div: "x / y",
  pow: "Math.pow(x, y)",
  maximum: "(x > y || x !== x ? x : y)",
  minimum: "(x < y || x !== x ? x : y)",
  maxMask: "(x > y ? 1 : x === y ? 0.5 : 0)",
  eq: "(x === y ? 1 : 0)",
  ne: "(x !== y ? 1 : 0)",
  lt: "(x < y ? 1 : 0)",
  le: "(x <= y ? 1 : 0)",
  gt: "(x > y ? 1 : 0)",
  ge: "(x >= y ? 1 : 0)",
  logicalAnd: "(x !== 0 && y !== 0 ? 1 : 0)",
  logicalOr: "(x !== 0 || y !== 0 ? 1 : 0)",
  atan2: "Math.atan2(x, y)",
  tanhGrad: "x * (1 - y * y)",
  sigmoidGrad: "x * (y * (1 - y))",
  reluGrad: "(y > 0 ? x : 0)",
  squareGrad: "x * (2 * y)",
};

type UnaryFn = (x: TypedArray, out: TypedArray, n: number, p0: number, p1: number) => void;
type BinaryFn = (
  a: TypedArray,
  as: number[],
  b: TypedArray,
  bs: number[],
  out: TypedArray,
  shape: number[],
) => void;

function makeUnary(expr: string): UnaryFn {
  return new Function(
    "H",
    `return function unary(xs, out, n, p0, p1) {
    for (let i = 0; i < n; i++) { const x = xs[i]; out[i] = ${expr}; }
  };`,
  )(H) as UnaryFn;
}

// Fast paths (same shape, scalar on either side) then an N-d odometer whose inner loop runs
// along the last axis with constant strides.
function makeBinary(expr: string): BinaryFn {
  return new Function(
    "H",
    `return function binary(a, as, b, bs, out, shape) {
    const n = out.length;
    if (n === 0) return;
    const nd = shape.length;
    if (a.length === n && b.length === n) {
      for (let i = 0; i < n; i++) { const x = a[i], y = b[i]; out[i] = ${expr}; }
      return;
    }
    if (b.length === 1 && a.length === n) {
      const y = b[0];
      for (let i = 0; i < n; i++) { const x = a[i]; out[i] = ${expr}; }
      return;
    }
    if (a.length === 1 && b.length === n) {
      const x = a[0];
      for (let i = 0; i < n; i++) { const y = b[i]; out[i] = ${expr}; }
      return;
    }
    const last = shape[nd - 1], sa = as[nd - 1], sb = bs[nd - 1];
    const idx = new Array(nd).fill(0);
    let ao = 0, bo = 0, o = 0;
    // Specialised rows for the common stride patterns (contiguous, or one side constant).
    const kind = sa === 1 && sb === 1 ? 0 : sa === 1 && sb === 0 ? 1 : sa === 0 && sb === 1 ? 2 : sa === 0 && sb === 0 ? 4 : 3;
    while (o < n) {
      const ai = ao, bi = bo;
      if (kind === 0) {
        for (let j = 0; j < last; j++) { const x = a[ai + j], y = b[bi + j]; out[o + j] = ${expr}; }
      } else if (kind === 1) {
        const y = b[bi];
        for (let j = 0; j < last; j++) { const x = a[ai + j]; out[o + j] = ${expr}; }
      } else if (kind === 2) {
        const x = a[ai];
        for (let j = 0; j < last; j++) { const y = b[bi + j]; out[o + j] = ${expr}; }
      } else if (kind === 4) {
        // Both sides constant along the row (a broadcast of a lower-rank value): one native fill.
        const x = a[ai], y = b[bi];
        out.fill(${expr}, o, o + last);
      } else {
        let p = ai, q = bi;
        for (let j = 0; j < last; j++) { const x = a[p], y = b[q]; out[o + j] = ${expr}; p += sa; q += sb; }
      }
      o += last;
      let d = nd - 2;
      while (d >= 0) {
        idx[d]++; ao += as[d]; bo += bs[d];
        if (idx[d] < shape[d]) break;
        ao -= as[d] * shape[d]; bo -= bs[d] * shape[d]; idx[d] = 0; d--;
      }
      if (d < 0) break;
    }
  };`,
  )(H) as BinaryFn;
}

const unaryFns = new Map<UnaryKernel, UnaryFn>();
const binaryFns = new Map<BinaryKernel, BinaryFn>();
for (const k of Object.keys(UNARY_EXPR) as UnaryKernel[]) unaryFns.set(k, makeUnary(UNARY_EXPR[k]));
// float32 outputs only need float32 accuracy: a rational tanh without exp.
const tanhF32Fn = makeUnary("H.tanhF32(x)");
for (const k of Object.keys(BINARY_EXPR) as BinaryKernel[]) binaryFns.set(k, makeBinary(BINARY_EXPR[k]));

function whereKernel(
  c: TypedArray,
  cs: number[],
  a: TypedArray,
  as: number[],
  b: TypedArray,
  bs: number[],
  out: TypedArray,
  shape: number[],
): void {
  const n = out.length;
  if (n === 0) return;
  const nd = shape.length;
  if (nd === 0) {
    out[0] = c[0] !== 0 ? a[0] : b[0];
    return;
  }
  const idx = new Array(nd).fill(0);
  let co = 0,
    ao = 0,
    bo = 0,
    o = 0;
  const last = shape[nd - 1],
    sc = cs[nd - 1],
    sa = as[nd - 1],
    sb = bs[nd - 1];
  while (o < n) {
    let ci = co,
      ai = ao,
      bi = bo;
    for (let j = 0; j < last; j++) {
      out[o++] = c[ci] !== 0 ? a[ai] : b[bi];
      ci += sc;
      ai += sa;
      bi += sb;
    }
    let d = nd - 2;
    while (d >= 0) {
      idx[d]++;
      co += cs[d];
      ao += as[d];
      bo += bs[d];
      if (idx[d] < shape[d]) break;
      co -= cs[d] * shape[d];
      ao -= as[d] * shape[d];
      bo -= bs[d] * shape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}

/**
 * Sum of x[base], x[base + 1], ..., x[base + r - 1] in the js backend's summation order:
 * four partial sums S_k over the elements whose index (from base) is k mod 4, each in index
 * order, combined as (S0 + S1) + (S2 + S3). Four independent accumulators keep the loop bound
 * by add throughput rather than add latency, and are closer to pairwise summation (more
 * accurate) than one running sum. The fused loops (lazyElementwise.ts) use the same order,
 * so fused and eager sums agree bit for bit.
 * @example interleavedSum(new Float64Array([1, 2, 3, 4, 5]), 0, 5) // ((1 + 5) + 2) + (3 + 4) = 15
 */
export function interleavedSum(x: TypedArray, base: number, r: number): number {
  let a0 = 0,
    a1 = 0,
    a2 = 0,
    a3 = 0;
  let k = base;
  const end = base + r;
  for (; k + 3 < end; k += 4) {
    a0 += x[k];
    a1 += x[k + 1];
    a2 += x[k + 2];
    a3 += x[k + 3];
  }
  if (k < end) {
    a0 += x[k];
    if (k + 1 < end) {
      a1 += x[k + 1];
      if (k + 2 < end) a2 += x[k + 2];
    }
  }
  return a0 + a1 + (a2 + a3);
}

function reduceKernel(
  op: ReduceKernel,
  x: TypedArray,
  outer: number,
  r: number,
  inner: number,
  out: TypedArray,
): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * r;
      let acc: number;
      if (op === "sum") acc = interleavedSum(x, base, r);
      else if (op === "prod") {
        acc = 1;
        for (let k = 0; k < r; k++) acc *= x[base + k];
      } else if (op === "max") {
        acc = -Infinity;
        for (let k = 0; k < r; k++) {
          const v = x[base + k];
          if (v > acc || v !== v) acc = v;
          if (acc !== acc) break;
        }
      } else {
        acc = Infinity;
        for (let k = 0; k < r; k++) {
          const v = x[base + k];
          if (v < acc || v !== v) acc = v;
          if (acc !== acc) break;
        }
      }
      out[o] = acc;
    }
    return;
  }
  // Accumulate whole rows so the inner loop is contiguous. A float64 scratch row keeps
  // float32 sums accurate.
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * r * inner;
    const init = op === "sum" ? 0 : op === "prod" ? 1 : op === "max" ? -Infinity : Infinity;
    acc.fill(init);
    for (let k = 0; k < r; k++) {
      const row = base + k * inner;
      if (op === "sum") for (let i = 0; i < inner; i++) acc[i] += x[row + i];
      else if (op === "prod") for (let i = 0; i < inner; i++) acc[i] *= x[row + i];
      else if (op === "max")
        for (let i = 0; i < inner; i++) {
          const v = x[row + i];
          if (v > acc[i] || v !== v) acc[i] = v;
        }
      else
        for (let i = 0; i < inner; i++) {
          const v = x[row + i];
          if (v < acc[i] || v !== v) acc[i] = v;
        }
    }
    const ob = o * inner;
    for (let i = 0; i < inner; i++) out[ob + i] = acc[i];
  }
}

function argReduceKernel(
  op: "argmax" | "argmin",
  x: TypedArray,
  outer: number,
  r: number,
  inner: number,
  out: Int32Array,
): void {
  const isMax = op === "argmax";
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * r * inner + i;
      let best = x[base],
        bi = 0;
      if (best === best) {
        for (let k = 1; k < r; k++) {
          const v = x[base + k * inner];
          if (v !== v) {
            bi = k;
            break;
          }
          if (isMax ? v > best : v < best) {
            best = v;
            bi = k;
          }
        }
      }
      out[o * inner + i] = bi;
    }
  }
}

function transposeKernel(x: TypedArray, shape: number[], perm: number[], out: TypedArray): void {
  const nd = shape.length;
  const n = out.length;
  if (n === 0) return;
  const inStrides = new Array<number>(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d];
  }
  if (nd === 2 && perm[0] === 1) {
    // Cache-blocked 2-D transpose.
    const R = shape[0],
      C = shape[1],
      B = 32;
    for (let i0 = 0; i0 < R; i0 += B) {
      const i1 = Math.min(R, i0 + B);
      for (let j0 = 0; j0 < C; j0 += B) {
        const j1 = Math.min(C, j0 + B);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * R + i] = x[i * C + j];
      }
    }
    return;
  }
  const oShape = perm.map((p) => shape[p]);
  const oStr = perm.map((p) => inStrides[p]);
  const idx = new Array(nd).fill(0);
  const last = oShape[nd - 1],
    sl = oStr[nd - 1];
  let io = 0,
    o = 0;
  while (o < n) {
    let ii = io;
    for (let j = 0; j < last; j++) {
      out[o++] = x[ii];
      ii += sl;
    }
    let d = nd - 2;
    while (d >= 0) {
      idx[d]++;
      io += oStr[d];
      if (idx[d] < oShape[d]) break;
      io -= oStr[d] * oShape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}

// Odometer over the full broadcast shape; the last axis runs as a dot product when dst does
// not move along it (the usual case: reducing a bias or a broadcast weight).
function mulReduceKernel(
  a: TypedArray,
  as: number[],
  b: TypedArray,
  bs: number[],
  dst: TypedArray,
  ds: number[],
  shape: number[],
): void {
  dst.fill(0);
  const nd = shape.length;
  let n = 1;
  for (const d of shape) n *= d;
  if (n === 0) return;
  if (nd === 0) {
    dst[0] = a[0] * b[0];
    return;
  }
  const last = shape[nd - 1],
    sa = as[nd - 1],
    sb = bs[nd - 1],
    sd = ds[nd - 1];
  const idx = new Array(nd).fill(0);
  let ao = 0,
    bo = 0,
    dO = 0,
    o = 0;
  while (o < n) {
    let ai = ao,
      bi = bo;
    if (sd === 0) {
      // The summation order of interleavedSum (a row sum of the fused product must agree).
      let a0 = 0,
        a1 = 0,
        a2 = 0,
        a3 = 0,
        j = 0;
      for (; j + 3 < last; j += 4) {
        a0 += a[ai] * b[bi];
        a1 += a[ai + sa] * b[bi + sb];
        a2 += a[ai + 2 * sa] * b[bi + 2 * sb];
        a3 += a[ai + 3 * sa] * b[bi + 3 * sb];
        ai += 4 * sa;
        bi += 4 * sb;
      }
      if (j < last) {
        a0 += a[ai] * b[bi];
        if (j + 1 < last) {
          a1 += a[ai + sa] * b[bi + sb];
          if (j + 2 < last) a2 += a[ai + 2 * sa] * b[bi + 2 * sb];
        }
      }
      dst[dO] += a0 + a1 + (a2 + a3);
    } else {
      let di = dO;
      for (let j = 0; j < last; j++) {
        dst[di] += a[ai] * b[bi];
        ai += sa;
        bi += sb;
        di += sd;
      }
    }
    o += last;
    let d = nd - 2;
    while (d >= 0) {
      idx[d]++;
      ao += as[d];
      bo += bs[d];
      dO += ds[d];
      if (idx[d] < shape[d]) break;
      ao -= as[d] * shape[d];
      bo -= bs[d] * shape[d];
      dO -= ds[d] * shape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}

function softmaxKernel(
  log: boolean,
  src: TypedArray,
  outer: number,
  r: number,
  inner: number,
  dst: TypedArray,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * r * inner + i;
      let m = -Infinity;
      for (let k = 0; k < r; k++) {
        const v = src[base + k * inner];
        if (v > m) m = v;
      }
      if (m === -Infinity || m === Infinity) m = 0;
      let s = 0;
      if (log) {
        for (let k = 0; k < r; k++) s += Math.exp(src[base + k * inner] - m);
        const lse = m + Math.log(s);
        for (let k = 0; k < r; k++) dst[base + k * inner] = src[base + k * inner] - lse;
      } else {
        for (let k = 0; k < r; k++) {
          const e = Math.exp(src[base + k * inner] - m);
          dst[base + k * inner] = e;
          s += e;
        }
        const inv = 1 / s;
        for (let k = 0; k < r; k++) dst[base + k * inner] *= inv;
      }
    }
  }
}

function softmaxGradKernel(
  log: boolean,
  g: TypedArray,
  y: TypedArray,
  outer: number,
  r: number,
  inner: number,
  dst: TypedArray,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * r * inner + i;
      let s = 0;
      if (log) {
        for (let k = 0; k < r; k++) s += g[base + k * inner];
        for (let k = 0; k < r; k++) {
          const j = base + k * inner;
          dst[j] = g[j] - Math.exp(y[j]) * s;
        }
      } else {
        for (let k = 0; k < r; k++) {
          const j = base + k * inner;
          s += g[j] * y[j];
        }
        for (let k = 0; k < r; k++) {
          const j = base + k * inner;
          dst[j] = y[j] * (g[j] - s);
        }
      }
    }
  }
}

/** The pure-JS backend, registered as "js" (the default). @example setBackend("js") */
export const jsBackend: Backend = {
  name: "js",
  unary(op, x, out, p0 = 0, p1 = 0) {
    if (op === "tanh" && out instanceof Float32Array) tanhF32Fn(x, out, x.length, p0, p1);
    else unaryFns.get(op)!(x, out, x.length, p0, p1);
  },
  binary(op, a, as, b, bs, out, shape) {
    binaryFns.get(op)!(a, as, b, bs, out, shape);
  },
  where: whereKernel,
  reduce: reduceKernel,
  argReduce: argReduceKernel,
  gemm: jsGemm,
  transpose: transposeKernel,
  mulReduce: mulReduceKernel,
  softmax: softmaxKernel,
  softmaxGrad: softmaxGradKernel,
};
