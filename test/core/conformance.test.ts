// The conformance matrix: every kernel of the kernel table × backend (js, wasm, auto) × eager or
// fused × float32/float64 against a float64 JavaScript reference. Elementwise kernels stay within
// the table's ulp bound of the output dtype; reductions and the matrix product within
// k·eps·Σ|terms| with the table's k. The bounds are the ones docs/contributing-an-op.md lists.
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import * as g from "../../src/index.js";
import { Tensor } from "../../src/index.js";
import { setFusionMinSize } from "../../src/ops/lazyElementwise.js";
import { fusedGrad } from "../../src/ops/fusedGradKernels.js";
import * as H from "../../src/backend/mathKernels.js";
import {
  BINARY_KERNELS,
  MATMUL_K,
  REDUCTIONS,
  UNARY_KERNELS,
  type KernelSpec,
  type BinaryKernel,
  type UnaryKernel,
} from "../../src/backend/kernelTable.js";
import { FUSED_OPCODE } from "../../src/backend/wasm/opcodes.js";

type Float = "float32" | "float64";
const BACKENDS = ["js", "wasm", "auto"] as const;
const MODES = ["eager", "fused"] as const;
const DTYPES: Float[] = ["float32", "float64"];
const EPS = { float32: 2 ** -23, float64: 2 ** -52 } as const;
const N = 2048;

const initialBackend = g.getBackend().name;
after(() => g.setBackend(initialBackend));

/** Deterministic inputs over a domain, with its ends, zeros and ±1 where they fall inside. */
function inputs(domain: readonly [number, number], seed: number, dtype: Float): Float64Array | Float32Array {
  const [lo, hi] = domain;
  const out = dtype === "float32" ? new Float32Array(N) : new Float64Array(N);
  const special = [lo, hi, 0, -0, 1, -1, 0.5, -0.5, 1e-30, -1e-30].filter((v) => v >= lo && v <= hi);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < N; i++) {
    // Two draws per value fill all 53 bits: inputs with short mantissas would sum exactly.
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const high = s;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = (high + s / 4294967296) / 4294967296;
    out[i] = i < special.length ? special[i] : lo + (hi - lo) * u;
  }
  return out;
}

/** The size of one unit in the last place of v in dtype (at the smallest normal for tiny v). */
function ulp(v: number, dtype: Float): number {
  const a = Math.abs(v);
  const [minNormal, bits] = dtype === "float32" ? [2 ** -126, 23] : [2 ** -1022, 52];
  if (a < minNormal) return dtype === "float32" ? 2 ** -149 : Number.MIN_VALUE;
  return 2 ** (Math.floor(Math.log2(a)) - bits);
}

/** Worst error of `got` against `ref` in ulps of dtype; Infinity on a NaN/infinity mismatch. */
function worstUlps(got: ArrayLike<number>, ref: ArrayLike<number>, dtype: Float): [number, number] {
  let worst = 0,
    at = -1;
  for (let i = 0; i < ref.length; i++) {
    const r = dtype === "float32" ? Math.fround(ref[i]) : ref[i],
      v = got[i];
    if (Object.is(r, v) || r === v) continue;
    const e =
      !Number.isFinite(r) || !Number.isFinite(v) ? Infinity : Math.abs(v - ref[i]) / ulp(ref[i], dtype);
    if (e > worst) [worst, at] = [e, i];
  }
  return [worst, at];
}

function referenceFn(spec: KernelSpec): (x: number, y: number, p0: number, p1: number) => number {
  // The reference is the table's expression text, so it is compiled here.
  return new Function("H", `return (x, y, p0, p1) => ${spec.reference ?? spec.forward};`)(H) as (
    x: number,
    y: number,
    p0: number,
    p1: number,
  ) => number;
}

/** Run one kernel through the public machinery: its op where one is registered. */
function runKernel(name: string, arity: 1 | 2, xs: Tensor[], p0: number, p1: number): Tensor {
  const op = g.getOp(name);
  if (op !== undefined) return g.apply(op, xs, arity === 1 ? { p0, p1 } : null);
  if (arity === 2) return g.noGrad(() => fusedGrad(name as BinaryKernel, xs[0], xs[1]));
  const out = new Tensor(
    xs[0].shape.slice(),
    xs[0].dtype,
    xs[0].dtype === "float32" ? new Float32Array(N) : new Float64Array(N),
  );
  g.getBackend().unary(name as UnaryKernel, xs[0].data, out.data, p0, p1);
  return out;
}

function withSetting<T>(backend: string, mode: (typeof MODES)[number], fn: () => T): T {
  const prev = setFusionMinSize(mode === "fused" ? 64 : Infinity);
  g.setBackend(backend);
  try {
    return fn();
  } finally {
    setFusionMinSize(prev);
  }
}

const fusedKernels = new Set(Object.keys(FUSED_OPCODE));

// GRADLAB_CONFORMANCE_REPORT=1 prints every measured worst error (to choose a bound for a new
// kernel) and checks nothing.
const REPORT = process.env.GRADLAB_CONFORMANCE_REPORT === "1";
function report(what: string, worst: number, bound: number): void {
  console.log(`${what}: ${worst.toPrecision(3)} (bound ${bound})`);
}

describe("conformance: elementwise kernels against the float64 reference", () => {
  const table: [string, KernelSpec][] = [...Object.entries(UNARY_KERNELS), ...Object.entries(BINARY_KERNELS)];
  for (const [name, spec] of table) {
    test(`${name}: within ${spec.ulp.float32} ulp (float32) / ${spec.ulp.float64} ulp (float64) on every backend, eager and fused`, () => {
      const ref = referenceFn(spec);
      const [p0, p1] = spec.params ?? [0, 0];
      const domain = spec.domain ?? [-10, 10];
      for (const dtype of DTYPES) {
        const xa = inputs(domain, 17 + name.length, dtype),
          ya = inputs(domain, 91 + name.length * 3, dtype);
        const want = new Float64Array(N);
        for (let i = 0; i < N; i++) want[i] = ref(xa[i], ya[i], p0, p1);
        for (const backend of BACKENDS)
          for (const mode of MODES) {
            const [got, deferred] = withSetting(backend, mode, () => {
              const xs = [new Tensor([N], dtype, xa.slice())];
              if (spec.arity === 2) xs.push(new Tensor([N], dtype, ya.slice()));
              const t = runKernel(name, spec.arity, xs, p0, p1);
              const wasDeferred = t._lazy !== null;
              // A second deferred op (exact: × 1) makes the fused plan a chain, not one node.
              const chained =
                mode === "fused" && (t.dtype === "float32" || t.dtype === "float64") ? t.mul(1) : t;
              return [Array.from(chained.data, Number), wasDeferred] as const;
            });
            if (mode === "fused" && fusedKernels.has(name))
              assert.ok(deferred, `${name} ${dtype} ${backend}: a fusable kernel was not deferred`);
            const bound = spec.ulp[dtype];
            const [worst, at] = worstUlps(got, want, dtype);
            if (REPORT) report(`${name} ${dtype} ${backend} ${mode}`, worst, bound);
            assert.ok(
              REPORT || worst <= bound,
              `${name} ${dtype} ${backend} ${mode}: ${worst.toPrecision(3)} ulp at x = ${xa[at]}` +
                `${spec.arity === 2 ? `, y = ${ya[at]}` : ""} (got ${got[at]}, reference ${want[at]}); bound ${bound}`,
            );
          }
      }
    });
  }
});

/** Neumaier's compensated sum: a reference far more accurate than any bound tested here. */
function accurateSum(xs: ArrayLike<number>): number {
  let s = 0,
    c = 0;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i],
      t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

describe("conformance: reductions and matmul within k·eps·Σ|terms|", () => {
  const shapes: [number[], number][] = [
    [[3000], 0],
    [[37, 129], 1],
    [[129, 37], 0],
    [[5, 64, 9], 1],
  ];
  for (const [name, spec] of Object.entries(REDUCTIONS)) {
    test(`${name}: k = ${spec.k} on every backend, eager and fused`, () => {
      for (const dtype of DTYPES)
        for (const [shape, axis] of shapes) {
          const size = shape.reduce((a, b) => a * b, 1);
          // prod over long axes over- or underflows: keep its factors near 1.
          const domain: [number, number] = name === "prod" ? [0.97, 1.03] : [-10, 10];
          const data = inputs(domain, size + axis, dtype).slice(0, size);
          const full = new Float64Array(size);
          for (let i = 0; i < size; i++) full[i] = data[i % data.length];
          const x = dtype === "float32" ? Float32Array.from(full) : full;
          const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1),
            r = shape[axis],
            inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
          const want: number[] = [],
            scale: number[] = [];
          for (let o = 0; o < outer; o++)
            for (let i = 0; i < inner; i++) {
              const terms = Array.from({ length: r }, (_, k) => x[(o * r + k) * inner + i]);
              if (name === "sum") want.push(accurateSum(terms));
              else if (name === "max") want.push(Math.max(...terms));
              else if (name === "min") want.push(Math.min(...terms));
              else want.push(terms.reduce((a, b) => a * b, 1));
              // For prod the terms of the bound are the r partial products' roundings: |prod|·r.
              scale.push(
                name === "prod" ? Math.abs(want[want.length - 1]) * r : accurateSum(terms.map(Math.abs)),
              );
            }
          for (const backend of BACKENDS)
            for (const mode of MODES) {
              const got = withSetting(backend, mode, () => {
                const t = new Tensor(shape.slice(), dtype, x.slice());
                const input = mode === "fused" ? t.mul(1) : t;
                const f = input[name as "sum" | "max" | "min" | "prod"].bind(input) as (a: number) => Tensor;
                return Array.from(f(axis).data, Number);
              });
              let worstK = 0;
              for (let j = 0; j < want.length; j++)
                if (got[j] !== want[j])
                  worstK = Math.max(worstK, Math.abs(got[j] - want[j]) / (EPS[dtype] * scale[j]));
              if (REPORT)
                report(`${name} ${dtype} ${backend} ${mode} [${shape}] axis ${axis}`, worstK, spec.k);
              for (let j = 0; j < want.length; j++) {
                const err = Math.abs(got[j] - want[j]);
                assert.ok(
                  REPORT || err <= spec.k * EPS[dtype] * scale[j] || got[j] === want[j],
                  `${name} ${dtype} ${backend} ${mode} shape [${shape}] axis ${axis}, element ${j}: ` +
                    `error ${err} > ${spec.k}·eps·Σ|terms| = ${spec.k * EPS[dtype] * scale[j]}`,
                );
              }
            }
        }
    });
  }

  test(`matmul: k = ${MATMUL_K} on every backend`, () => {
    for (const dtype of DTYPES)
      for (const [m, n, k] of [
        [33, 17, 65],
        [64, 64, 256],
        [7, 300, 513],
        [130, 120, 110],
      ]) {
        const a = inputs([-4, 4], m * k, dtype),
          b = inputs([-4, 4], n * k + 1, dtype);
        const A = new Float64Array(m * k),
          B = new Float64Array(k * n);
        for (let i = 0; i < m * k; i++) A[i] = a[(i * 7) % N];
        for (let i = 0; i < k * n; i++) B[i] = b[(i * 13) % N];
        const Ad = dtype === "float32" ? Float32Array.from(A) : A,
          Bd = dtype === "float32" ? Float32Array.from(B) : B;
        const want = new Float64Array(m * n),
          scale = new Float64Array(m * n);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            const terms = Array.from({ length: k }, (_, p) => Ad[i * k + p] * Bd[p * n + j]);
            want[i * n + j] = accurateSum(terms);
            scale[i * n + j] = accurateSum(terms.map(Math.abs));
          }
        for (const backend of BACKENDS) {
          const got = withSetting(
            backend,
            "eager",
            () => g.matmul(new Tensor([m, k], dtype, Ad.slice()), new Tensor([k, n], dtype, Bd.slice())).data,
          );
          let worstK = 0;
          for (let e = 0; e < m * n; e++)
            worstK = Math.max(worstK, Math.abs(got[e] - want[e]) / (EPS[dtype] * scale[e]));
          if (REPORT) report(`matmul ${dtype} ${backend} ${m}×${k}·${k}×${n}`, worstK, MATMUL_K);
          for (let e = 0; e < m * n; e++) {
            const err = Math.abs(got[e] - want[e]);
            assert.ok(
              REPORT || err <= MATMUL_K * EPS[dtype] * scale[e],
              `matmul ${dtype} ${backend} ${m}×${k}·${k}×${n}, element ${e}: error ${err} > ` +
                `${MATMUL_K}·eps·Σ|terms| = ${MATMUL_K * EPS[dtype] * scale[e]}`,
            );
          }
        }
      }
  });
});
