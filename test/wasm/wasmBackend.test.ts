// Every wasm kernel against the JS backend, the reference: float64 bit-exact where the
// arithmetic is the same (add, mul, relu, gemm's k-ordered sums...), float64 transcendental ops
// within 4 ulp, float32 within a bound stated per kernel.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { jsBackend } from "../../src/backend/jsBackend.js";
import { createWasmBackends } from "../../src/backend/wasm/wasmBackend.js";
import type { Backend, BinaryKernel, UnaryKernel } from "../../src/backend/backend.js";

const backends = createWasmBackends(jsBackend);
assert.ok(backends !== null, "WebAssembly with SIMD and shared memory must be available on Node 20");
const wasm: Backend = backends.wasm;

type FloatCtor = Float32Array["constructor"] | Float64Array["constructor"];
const EPS = { Float32Array: 1.1920929e-7, Float64Array: 2.220446049250313e-16 } as const;

function filled(T: FloatCtor, n: number, seed: number, scale = 4): Float32Array | Float64Array {
  const a = new (T as typeof Float64Array)(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 4294967296 - 0.5) * 2 * scale;
  }
  return a;
}

/** Max error in units of eps relative to max(|expected|, floor). */
function ulps(expected: ArrayLike<number>, actual: ArrayLike<number>, eps: number, floor = 1e-300): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i],
      a = actual[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (!(Number.isNaN(e) && Number.isNaN(a))) return Infinity;
      continue;
    }
    if (e === a) continue;
    worst = Math.max(worst, Math.abs(e - a) / (Math.max(Math.abs(e), floor) * eps));
  }
  return worst;
}

const UNARY_BOUND: Partial<Record<UnaryKernel, [number, number]>> = {
  // [float64 ulps, float32 ulps] against the JS backend (which itself is within ~1 ulp).
  exp: [4, 4],
  tanh: [4, 4],
  sigmoid: [4, 4],
  relu: [0, 0],
  neg: [0, 0],
  square: [0, 0],
  sqrt: [0, 0],
  abs: [0, 0],
  copy: [0, 0],
};

test("unary kernels match the JS backend within their stated ulp bounds", () => {
  for (const T of [Float64Array, Float32Array] as FloatCtor[]) {
    for (const [op, [b64, b32]] of Object.entries(UNARY_BOUND) as Array<[UnaryKernel, [number, number]]>) {
      for (const n of [1, 3, 4, 7, 1000, 4099]) {
        const x = filled(T, n, n * 31 + op.length, op === "exp" ? 80 : 30);
        if (op === "sqrt") for (let i = 0; i < n; i++) x[i] = Math.abs(x[i]);
        x[0] = 0;
        const ref = new (T as typeof Float64Array)(n),
          got = new (T as typeof Float64Array)(n);
        jsBackend.unary(op, x, ref);
        wasm.unary(op, x, got);
        const bound = T === Float64Array ? b64 : b32;
        const floor = T === Float64Array ? 1e-300 : 1e-30;
        const u = ulps(ref, got, EPS[T.name as keyof typeof EPS], floor);
        assert.ok(u <= bound, `${op} ${T.name} n=${n}: ${u} ulp > ${bound}`);
      }
    }
  }
});

test("tanh keeps small arguments accurate and saturates cleanly", () => {
  const x = Float64Array.from([1e-300, -1e-12, 1e-5, 0.3, 0.624, 0.626, 5, 19, 25, 400, -400, -0]);
  const got = new Float64Array(x.length);
  wasm.unary("tanh", x, got);
  for (let i = 0; i < x.length; i++) {
    const want = Math.tanh(x[i]);
    assert.ok(
      Math.abs(got[i] - want) <= 3 * EPS.Float64Array * Math.abs(want),
      `tanh(${x[i]}) = ${got[i]}, want ${want}`,
    );
  }
  assert.ok(Object.is(got[got.length - 1], -0), "tanh(-0) is -0");
});

test("binary kernels agree bit for bit on every broadcast layout (float32 fused gradients within a few ulps)", () => {
  const ops: BinaryKernel[] = [
    "add",
    "sub",
    "mul",
    "div",
    "maximum",
    "minimum",
    "tanhGrad",
    "sigmoidGrad",
    "reluGrad",
    "squareGrad",
  ];
  const cases: Array<{ shape: number[]; a: number[]; b: number[] }> = [
    { shape: [5, 7], a: [7, 1], b: [7, 1] }, // full, full
    { shape: [5, 7], a: [0, 0], b: [7, 1] }, // scalar a
    { shape: [5, 7], a: [7, 1], b: [0, 0] }, // scalar b
    { shape: [6, 5, 3], a: [15, 3, 1], b: [0, 3, 1] }, // b periodic (bias)
    { shape: [6, 5, 3], a: [0, 0, 1], b: [15, 3, 1] }, // a periodic
    { shape: [4, 3], a: [3, 1], b: [1, 0] }, // column broadcast: falls back to JS
  ];
  for (const T of [Float64Array, Float32Array] as FloatCtor[]) {
    for (const op of ops) {
      for (const c of cases) {
        const n = c.shape.reduce((p, d) => p * d, 1);
        const len = (s: number[]) => c.shape.reduce((p, d, i) => (s[i] === 0 ? p : p * d), 1);
        const a = filled(T, len(c.a), 7),
          b = filled(T, len(c.b), 11);
        b[0] = op === "div" ? 0.5 : Number.NaN;
        const ref = new (T as typeof Float64Array)(n),
          got = new (T as typeof Float64Array)(n);
        jsBackend.binary(op, a, c.a, b, c.b, ref, c.shape);
        wasm.binary(op, a, c.a, b, c.b, got, c.shape);
        if (T === Float32Array && op.endsWith("Grad")) {
          // JS evaluates the fused expression in float64 and rounds once; wasm rounds after each
          // float32 step, so the two differ by a few float32 ulps of the terms involved.
          for (let i = 0; i < n; i++) {
            if (Number.isNaN(ref[i])) {
              assert.ok(Number.isNaN(got[i]));
              continue;
            }
            const scale = Math.max(
              Math.abs(ref[i]),
              Math.abs(a[c.a[0] === 0 && c.a[1] === 0 ? 0 : i % a.length]),
              1e-30,
            );
            assert.ok(
              Math.abs(got[i] - ref[i]) <= 8 * EPS.Float32Array * scale * 16,
              `${op} f32 at ${i}: ${got[i]} vs ${ref[i]}`,
            );
          }
        } else assert.deepEqual(Array.from(got), Array.from(ref), `${op} ${T.name} ${JSON.stringify(c)}`);
      }
    }
  }
});

test("reductions match: float64 sums within n ulps, max/min exact, NaN propagates", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: 9 }),
      fc.constantFrom(Float64Array, Float32Array),
      (outer, r, inner, T) => {
        const x = filled(T as FloatCtor, outer * r * inner, outer * 1000 + r * 10 + inner);
        for (const op of ["sum", "max", "min"] as const) {
          const ref = new (T as typeof Float64Array)(outer * inner),
            got = new (T as typeof Float64Array)(outer * inner);
          jsBackend.reduce(op, x, outer, r, inner, ref);
          wasm.reduce(op, x, outer, r, inner, got);
          if (op === "sum") {
            for (let i = 0; i < ref.length; i++) {
              const tol = (T === Float64Array ? r * EPS.Float64Array * 4 * r : EPS.Float32Array) + 1e-300;
              assert.ok(
                Math.abs(ref[i] - got[i]) <= tol * Math.max(1, Math.abs(ref[i])) * 4,
                `sum ${T.name} ${ref[i]} vs ${got[i]}`,
              );
            }
          } else assert.deepEqual(Array.from(got), Array.from(ref));
        }
      },
    ),
    { numRuns: 60, seed: 42 },
  );
  const withNaN = Float64Array.from([1, 2, Number.NaN, 4, 5, 6, 7, 8, 9]);
  const out = new Float64Array(1);
  wasm.reduce("max", withNaN, 1, 9, 1, out);
  assert.ok(Number.isNaN(out[0]));
});

test("gemm matches the JS backend for every transpose and ragged sizes, one and two threads", () => {
  const sizes: Array<[number, number, number]> = [
    [1, 1, 1],
    [7, 13, 5],
    [6, 8, 256],
    [13, 9, 300],
    [33, 17, 257],
    [128, 10, 256],
    [100, 100, 100],
    [130, 70, 90],
  ];
  for (let round = 0; round < 2; round++) {
    for (const T of [Float64Array, Float32Array] as FloatCtor[]) {
      for (const [m, n, k] of sizes) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const a = filled(T, m * k + 3, m + k, 1),
              b = filled(T, k * n + 5, n + k, 1);
            const ref = new (T as typeof Float64Array)(m * n + 2),
              got = new (T as typeof Float64Array)(m * n + 2);
            jsBackend.gemm(ta, tb, m, n, k, a, 3, b, 5, ref, 2);
            wasm.gemm(ta, tb, m, n, k, a, 3, b, 5, got, 2);
            assert.equal(got[0], 0, "gemm writes only from cOff");
            const tol = (T === Float64Array ? EPS.Float64Array : EPS.Float32Array) * k * 2;
            for (let i = 2; i < ref.length; i++) {
              assert.ok(
                Math.abs(ref[i] - got[i]) <= tol,
                `${T.name} ${m}x${n}x${k} ta=${ta} tb=${tb} at ${i}: ${ref[i]} vs ${got[i]}`,
              );
            }
          }
        }
      }
    }
  }
});

test("the two-thread paths (gemm rows, elementwise halves) agree with the JS backend", async () => {
  const { wasmThreads } = await import("../../src/backend/wasm/wasmBackend.js");
  // The helper thread starts on the first large job and is used once it has answered.
  const warm = filled(Float64Array, 200 * 200, 1);
  wasm.gemm(false, false, 200, 200, 200, warm, 0, warm, 0, new Float64Array(200 * 200), 0);
  for (let i = 0; i < 100 && wasmThreads() < 2; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(wasmThreads(), 2, "the helper thread started");
  const n = 200_003;
  for (const T of [Float64Array, Float32Array] as FloatCtor[]) {
    const x = filled(T, n, 5, 3);
    for (const op of ["tanh", "exp", "relu"] as UnaryKernel[]) {
      const ref = new (T as typeof Float64Array)(n),
        got = new (T as typeof Float64Array)(n);
      jsBackend.unary(op, x, ref);
      wasm.unary(op, x, got);
      assert.ok(ulps(ref, got, EPS[T.name as keyof typeof EPS], 1e-30) <= 4, `${op} ${T.name} threaded`);
    }
    for (const [shape, bs] of [
      [[n], [1]],
      [
        [1000, 200],
        [0, 1],
      ],
    ] as Array<[number[], number[]]>) {
      const len = shape.reduce((p, d) => p * d, 1);
      const bLen = bs[0] === 0 ? shape[1] : len;
      const a = filled(T, len, 9),
        b = filled(T, bLen, 10);
      const ref = new (T as typeof Float64Array)(len),
        got = new (T as typeof Float64Array)(len);
      const as = shape.length === 1 ? [1] : [shape[1], 1];
      jsBackend.binary("mul", a, as, b, bs, ref, shape);
      wasm.binary("mul", a, as, b, bs, got, shape);
      assert.deepEqual(Array.from(got), Array.from(ref), `mul ${T.name} ${JSON.stringify(shape)} threaded`);
    }
  }
});

test("softmax and log-softmax rows and their fused gradients match the JS backend", () => {
  for (const T of [Float64Array, Float32Array] as FloatCtor[]) {
    const eps = EPS[T.name as keyof typeof EPS];
    for (const [rows, r] of [
      [1, 1],
      [3, 5],
      [128, 10],
      [7, 1001],
      [2, 4],
    ] as Array<[number, number]>) {
      const x = filled(T, rows * r, rows + r, 30);
      if (rows === 2) {
        x[0] = 1000;
        x[1] = -1000;
      }
      const g = filled(T, rows * r, rows * 7 + r, 1);
      for (const log of [false, true]) {
        const ref = new (T as typeof Float64Array)(rows * r),
          got = new (T as typeof Float64Array)(rows * r);
        jsBackend.softmax!(log, x, rows, r, 1, ref);
        wasm.softmax!(log, x, rows, r, 1, got);
        for (let i = 0; i < ref.length; i++) {
          const scale = log ? Math.max(1, Math.abs(ref[i])) : Math.max(Math.abs(ref[i]), 1e-30);
          // Row sums are accumulated in lanes rather than in sequence: error grows like sqrt(r).
          assert.ok(
            Math.abs(ref[i] - got[i]) <= 8 * eps * scale * (2 + Math.sqrt(r)),
            `${log ? "logSoftmax" : "softmax"} ${T.name} ${rows}x${r} at ${i}: ${got[i]} vs ${ref[i]}`,
          );
        }
        const dref = new (T as typeof Float64Array)(rows * r),
          dgot = new (T as typeof Float64Array)(rows * r);
        jsBackend.softmaxGrad!(log, g, ref, rows, r, 1, dref);
        wasm.softmaxGrad!(log, g, ref, rows, r, 1, dgot);
        for (let i = 0; i < dref.length; i++) {
          assert.ok(
            Math.abs(dref[i] - dgot[i]) <= 16 * eps * r * Math.max(1, Math.abs(dref[i])),
            `${log ? "logSoftmax" : "softmax"} grad ${T.name} ${rows}x${r} at ${i}: ${dgot[i]} vs ${dref[i]}`,
          );
        }
      }
    }
  }
});
