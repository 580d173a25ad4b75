// The seam between the autodiff engine and the loops that do arithmetic. Ops call only
// these kernels, so a faster backend (WASM SIMD) replaces them without touching autodiff.
import type { TypedArray } from "../tensor/dtype.js";

// Kernel names come from the kernel table, the one place that lists them.
export type { BinaryKernel, ReduceKernel, UnaryKernel } from "./kernelTable.js";
import type { BinaryKernel, ReduceKernel, UnaryKernel } from "./kernelTable.js";

/** A compute backend: the loops behind every op. */
export interface Backend {
  readonly name: string;
  /** out[i] = f(x[i]; p0, p1) for i < x.length. */
  unary(op: UnaryKernel, x: TypedArray, out: TypedArray, p0?: number, p1?: number): void;
  /** out = f(a, b) broadcast to outShape; aStrides/bStrides are 0 on broadcast axes. */
  binary(
    op: BinaryKernel,
    a: TypedArray,
    aStrides: number[],
    b: TypedArray,
    bStrides: number[],
    out: TypedArray,
    outShape: number[],
  ): void;
  /** out = cond ? a : b, all three broadcast to outShape. */
  where(
    cond: TypedArray,
    cStrides: number[],
    a: TypedArray,
    aStrides: number[],
    b: TypedArray,
    bStrides: number[],
    out: TypedArray,
    outShape: number[],
  ): void;
  /** out[o*inner+i] = reduce_k x[(o*r+k)*inner+i]. */
  reduce(op: ReduceKernel, x: TypedArray, outer: number, r: number, inner: number, out: TypedArray): void;
  /** Index of the max (or min) along the middle axis; out is Int32Array [outer*inner]. */
  argReduce(
    op: "argmax" | "argmin",
    x: TypedArray,
    outer: number,
    r: number,
    inner: number,
    out: Int32Array,
  ): void;
  /**
   * C[m,n] = op(A) op(B) where op transposes when ta/tb; A is [m,k] (or [k,m] when ta),
   * B is [k,n] (or [n,k] when tb), all row-major at the given offsets. C is overwritten.
   */
  gemm(
    ta: boolean,
    tb: boolean,
    m: number,
    n: number,
    k: number,
    a: TypedArray,
    aOff: number,
    b: TypedArray,
    bOff: number,
    c: TypedArray,
    cOff: number,
  ): void;
  /** out = x with axes permuted: out shape = shape[perm]. */
  transpose(x: TypedArray, shape: number[], perm: number[], out: TypedArray): void;
  /**
   * (Log-)softmax along the middle axis of x viewed as [outer, r, inner], max-shifted so
   * nothing overflows. Float arrays of one dtype. Optional: backends without it use the JS one.
   */
  softmax?(log: boolean, x: TypedArray, outer: number, r: number, inner: number, out: TypedArray): void;
  /**
   * First-order gradient of (log-)softmax given its output y and cotangent g:
   * log: g - exp(y)·Σg; softmax: y·(g - Σ g·y), sums along the middle axis.
   */
  softmaxGrad?(
    log: boolean,
    g: TypedArray,
    y: TypedArray,
    outer: number,
    r: number,
    inner: number,
    out: TypedArray,
  ): void;
  /**
   * Optional fused gradient of a broadcast product: dst (zeroed by the callee) receives
   * sum over broadcast axes of a·b, where a, b, dst are read with strides over `shape`
   * (dst strides are 0 on the reduced axes). Backends without it fall back to the JS one.
   */
  mulReduce?(
    a: TypedArray,
    aStrides: number[],
    b: TypedArray,
    bStrides: number[],
    dst: TypedArray,
    dstStrides: number[],
    shape: number[],
  ): void;
}

const backends = new Map<string, Backend>();
let current: Backend | null = null;

/**
 * Make a backend available to setBackend. The pure-JS backend registers itself as "js".
 * @example registerBackend({ ...getBackend(), name: "mine" }); setBackend("mine");
 */
export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
  if (current === null) current = b;
}

/**
 * Switch every op to the named backend.
 * @example setBackend("js")
 */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (b === undefined)
    throw new Error(`setBackend: unknown backend "${name}"; registered: ${[...backends.keys()].join(", ")}`);
  current = b;
}

/**
 * The backend ops currently run on.
 * @example getBackend().name // "js"
 */
export function getBackend(): Backend {
  if (current === null)
    throw new Error('getBackend: no backend registered (import gradlab\'s index, which registers "js")');
  return current;
}

/** Names of every registered backend. @example listBackends() // ["js"] */
export function listBackends(): string[] {
  return [...backends.keys()];
}
