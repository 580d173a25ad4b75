// The WebAssembly SIMD backend. It implements the kernels where SIMD wins — matrix products
// (one or two threads), transcendental unary ops, the common broadcast patterns of the
// arithmetic binaries, and sum/max/min reductions on floats — and hands everything else
// (and integer/bool data) to the JS backend, which stays the reference.
import type { Backend, BinaryKernel, ReduceKernel, UnaryKernel } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { MATMUL_JOB_BYTES, wasmRuntime, type WasmRuntime } from "./wasmRuntime.js";
import { threads } from "../threadBudget.js";
import { WASM_BINARY_OPCODE, WASM_REDUCE_OPCODE, WASM_UNARY_OPCODE } from "./opcodes.js";

const UNARY_CODE: Readonly<Partial<Record<UnaryKernel, number>>> = WASM_UNARY_OPCODE;
const BINARY_CODE: Readonly<Partial<Record<BinaryKernel, number>>> = WASM_BINARY_OPCODE;
const REDUCE_CODE: Readonly<Partial<Record<ReduceKernel, number>>> = WASM_REDUCE_OPCODE;
const MODE = { full: 0, aScalar: 1, bScalar: 2, bPeriodic: 3, aPeriodic: 4 } as const;

/** Size thresholds of the automatic selection, from bench/wasmCrossover (see README). */
export interface WasmThresholds {
  /** m·n·k at or above which gemm runs in wasm. */
  gemmWasm: number;
  /** m·n·k at or above which gemm shares its work items with the second thread. */
  gemmThreads: number;
  /** Elements at or above which exp/tanh/sigmoid run in wasm. */
  transcendental: number;
  /** Elements at or above which float32 arithmetic (relu, neg, add, mul, ...) runs in wasm. */
  arithmeticF32: number;
  /** The same for float64, whose two lanes rarely repay the copies in and out. */
  arithmeticF64: number;
  /** Elements at or above which sum/max/min run in wasm. */
  reduce: number;
  /** Elements at or above which unary and binary kernels split over two threads. */
  elementwiseThreads: number;
}

/** Thresholds for the "auto" backend; the forced "wasm" backend uses zero for all of them. */
export const AUTO_THRESHOLDS: WasmThresholds = {
  gemmWasm: 8 * 8 * 8,
  gemmThreads: 96 * 96 * 96,
  transcendental: 256,
  arithmeticF32: 16384,
  arithmeticF64: Infinity,
  reduce: 4096,
  elementwiseThreads: 1 << 16,
};
const FORCED: WasmThresholds = {
  ...AUTO_THRESHOLDS,
  gemmWasm: 0,
  transcendental: 0,
  arithmeticF32: 0,
  arithmeticF64: 0,
  reduce: 0,
};
const arithmetic = (t: WasmThresholds, x: TypedArray): number =>
  x instanceof Float32Array ? t.arithmeticF32 : t.arithmeticF64;

let maxThreads = 2;

/**
 * Cap the wasm kernels at one or two threads (default 2; the second runs only above the size
 * thresholds). One thread is what a benchmark of single-core speed wants.
 * @example setWasmThreads(1)
 */
export function setWasmThreads(n: 1 | 2): void {
  if (n !== 1 && n !== 2) throw new Error(`setWasmThreads: expected 1 or 2, got ${String(n)}`);
  maxThreads = n;
}

type Floats = Float32Array | Float64Array;
const isFloats = (x: TypedArray): x is Floats => x instanceof Float32Array || x instanceof Float64Array;
const sameType = (a: TypedArray, b: TypedArray): boolean => a.constructor === b.constructor;

/** How a broadcast operand repeats over `shape`: whole, scalar, or a trailing block (period). */
function layout(
  strides: number[],
  len: number,
  shape: number[],
): { kind: "full" | "scalar" | "periodic"; period: number } | null {
  const n = shape.reduce((p, d) => p * d, 1);
  if (len === n) return { kind: "full", period: n };
  if (len === 1) return { kind: "scalar", period: 1 };
  // Leading axes broadcast (stride 0), trailing axes contiguous.
  let expect = 1,
    d = shape.length - 1;
  for (; d >= 0 && strides[d] === expect && expect < len; d--) expect *= shape[d];
  if (expect !== len) return null;
  for (; d >= 0; d--) if (strides[d] !== 0 && shape[d] !== 1) return null;
  return { kind: "periodic", period: len };
}

function makeBackend(name: string, js: Backend, rt: WasmRuntime, t: WasmThresholds): Backend {
  const k = rt.k;

  function gemmWasm(
    ta: boolean,
    tb: boolean,
    m: number,
    n: number,
    kk: number,
    a: Floats,
    aOff: number,
    b: Floats,
    bOff: number,
    c: Floats,
    cOff: number,
  ): void {
    const f32 = a instanceof Float32Array,
      bpe = a.BYTES_PER_ELEMENT;
    rt.reset();
    const two = wasmMaxThreads() === 2 && m * n * kk >= t.gemmThreads && rt.helperIfReady() !== null;
    const A = rt.put(a, aOff, m * kk),
      B = rt.put(b, bOff, kk * n);
    const C = rt.alloc(m * n * bpe),
      J = rt.alloc(MATMUL_JOB_BYTES);
    const S = rt.alloc((f32 ? k.matmul_f32_scratch : k.matmul_f64_scratch)(m, n, kk) * bpe);
    (f32 ? k.matmul_f32_plan : k.matmul_f64_plan)(J, m, n, kk, A, ta ? 1 : 0, B, tb ? 1 : 0, C, 0, S);
    // Both threads take packing items and output blocks from the job's counters until none is
    // left, so a helper that wakes late only does less; one descheduled mid-block is overtaken.
    if (two) rt.splitLead(f32 ? "matmul_f32" : "matmul_f64", f32 ? "matmul_f32_lead" : "matmul_f64_lead", J);
    else (f32 ? k.matmul_f32 : k.matmul_f64)(J);
    rt.get(C, c, cOff, m * n);
  }

  return {
    name,
    unary(op, x, out, p0, p1) {
      const code = UNARY_CODE[op];
      const threshold =
        op === "exp" || op === "tanh" || op === "sigmoid" ? t.transcendental : arithmetic(t, x);
      if (code === undefined || !isFloats(x) || !sameType(x, out) || x.length < threshold || x.length === 0)
        return js.unary(op, x, out, p0, p1);
      rt.reset();
      const n = x.length,
        bpe = x.BYTES_PER_ELEMENT;
      const X = rt.put(x);
      const Y = rt.alloc(n * bpe);
      const job = x instanceof Float32Array ? "unary_float" : "unary_double";
      if (wasmMaxThreads() === 2 && n >= t.elementwiseThreads && rt.helperIfReady() !== null) {
        const h = (n >> 3) << 2;
        rt.split(job, [code, h, X, Y], [code, n - h, X + h * bpe, Y + h * bpe]);
      } else k[job](code, n, X, Y);
      rt.get(Y, out as Floats, 0, n);
    },
    binary(op, a, as, b, bs, out, shape) {
      const code = BINARY_CODE[op];
      const n = out.length;
      if (
        code === undefined ||
        n < arithmetic(t, out) ||
        n === 0 ||
        !isFloats(a) ||
        !isFloats(b) ||
        !isFloats(out) ||
        !sameType(a, b) ||
        !sameType(a, out)
      ) {
        return js.binary(op, a, as, b, bs, out, shape);
      }
      const la = layout(as, a.length, shape),
        lb = layout(bs, b.length, shape);
      let mode: number,
        period = n;
      if (la === null || lb === null) return js.binary(op, a, as, b, bs, out, shape);
      if (la.kind === "full" && lb.kind === "full") mode = MODE.full;
      else if (la.kind === "scalar" && lb.kind === "full") mode = MODE.aScalar;
      else if (la.kind === "full" && lb.kind === "scalar") mode = MODE.bScalar;
      else if (la.kind === "full" && lb.kind === "periodic") {
        mode = MODE.bPeriodic;
        period = lb.period;
      } else if (la.kind === "periodic" && lb.kind === "full") {
        mode = MODE.aPeriodic;
        period = la.period;
      } else return js.binary(op, a, as, b, bs, out, shape);
      rt.reset();
      const bpe = out.BYTES_PER_ELEMENT;
      const A = rt.put(a),
        B = rt.put(b),
        O = rt.alloc(n * bpe);
      const job = a instanceof Float32Array ? "binary_float" : "binary_double";
      if (wasmMaxThreads() === 2 && n >= t.elementwiseThreads && rt.helperIfReady() !== null) {
        // Split at a multiple of the period (and of 4 lanes) so each half starts a fresh period.
        const unit = mode === MODE.bPeriodic || mode === MODE.aPeriodic ? period : 4;
        const h = Math.floor(n / 2 / unit) * unit;
        const off = (full: boolean, base: number) => (full ? base + h * bpe : base);
        const aFull = mode === MODE.full || mode === MODE.bScalar || mode === MODE.bPeriodic;
        const bFull = mode === MODE.full || mode === MODE.aScalar || mode === MODE.aPeriodic;
        rt.split(
          job,
          [code, mode, h, period, A, B, O],
          [code, mode, n - h, period, off(aFull, A), off(bFull, B), O + h * bpe],
        );
      } else k[job](code, mode, n, period, A, B, O);
      rt.get(O, out, 0, n);
    },
    where: (c, cs, a, as, b, bs, out, shape) => js.where(c, cs, a, as, b, bs, out, shape),
    reduce(op, x, outer, r, inner, out) {
      const code = REDUCE_CODE[op];
      if (code === undefined || x.length < t.reduce || x.length === 0 || !isFloats(x) || !sameType(x, out))
        return js.reduce(op, x, outer, r, inner, out);
      rt.reset();
      const X = rt.put(x),
        O = rt.alloc(outer * inner * x.BYTES_PER_ELEMENT);
      if (x instanceof Float32Array) k.reduce_float(code, outer, r, inner, X, O, rt.alloc(inner * 8));
      else k.reduce_double(code, outer, r, inner, X, O);
      rt.get(O, out as Floats, 0, outer * inner);
    },
    argReduce: (op, x, outer, r, inner, out) => js.argReduce(op, x, outer, r, inner, out),
    gemm(ta, tb, m, n, kk, a, aOff, b, bOff, c, cOff) {
      if (
        m * n * kk < t.gemmWasm ||
        m * n * kk === 0 ||
        !isFloats(a) ||
        !isFloats(b) ||
        !isFloats(c) ||
        !sameType(a, b) ||
        !sameType(a, c)
      ) {
        return js.gemm(ta, tb, m, n, kk, a, aOff, b, bOff, c, cOff);
      }
      gemmWasm(ta, tb, m, n, kk, a, aOff, b, bOff, c, cOff);
    },
    transpose: (x, shape, perm, out) => js.transpose(x, shape, perm, out),
    // Rows along the last axis only (inner = 1), which is what classifiers use.
    softmax(log, x, outer, r, inner, out) {
      if (inner !== 1 || x.length < t.transcendental || !isFloats(x) || !sameType(x, out))
        return js.softmax!(log, x, outer, r, inner, out);
      rt.reset();
      const X = rt.put(x),
        Y = rt.alloc(x.length * x.BYTES_PER_ELEMENT);
      (x instanceof Float32Array ? k.softmax_float : k.softmax_double)(log ? 1 : 0, outer, r, X, Y);
      rt.get(Y, out as Floats, 0, x.length);
    },
    softmaxGrad(log, g, y, outer, r, inner, out) {
      if (inner !== 1 || y.length < t.transcendental || !isFloats(g) || !sameType(g, y) || !sameType(y, out))
        return js.softmaxGrad!(log, g, y, outer, r, inner, out);
      rt.reset();
      const G = rt.put(g),
        Y = rt.put(y as Floats),
        O = rt.alloc(y.length * y.BYTES_PER_ELEMENT);
      (y instanceof Float32Array ? k.softmax_grad_float : k.softmax_grad_double)(
        log ? 1 : 0,
        outer,
        r,
        G,
        Y,
        O,
      );
      rt.get(O, out as Floats, 0, y.length);
    },
  };
}

/**
 * The "wasm" backend (every kernel it has runs in wasm whatever the size) and the "auto"
 * backend (wasm only where it beats JS on this size and dtype), or null where WebAssembly
 * SIMD with shared memory is unavailable.
 * @example const b = createWasmBackends(jsBackend); if (b) { registerBackend(b.wasm); registerBackend(b.auto); }
 */
export function createWasmBackends(js: Backend): { wasm: Backend; auto: Backend } | null {
  const rt = wasmRuntime();
  if (rt === null) return null;
  return { wasm: makeBackend("wasm", js, rt, FORCED), auto: makeBackend("auto", js, rt, AUTO_THRESHOLDS) };
}

/**
 * Threads the wasm kernels may use: setWasmThreads' cap within gradlab's budget (setThreads),
 * so `setThreads(1)` makes every backend single-threaded. @example wasmMaxThreads() // 2
 */
export function wasmMaxThreads(): number {
  return Math.min(maxThreads, threads());
}

/** Threads the wasm kernels use right now (1 until the helper thread has started on the first large job). */
export function wasmThreads(): number {
  return Math.min(wasmMaxThreads(), wasmRuntime()?.threads ?? 0);
}
