// The wasm gemm's work-sharing path: packed panels and output blocks handed out by counters to
// one or two threads. Every layout (transposes, operand offsets, ragged edges, several k
// blocks) against the JS backend, and the same bits whichever thread computed a block.
import { test } from "node:test";
import assert from "node:assert/strict";
import { jsBackend } from "../../src/backend/jsBackend.js";
import { createWasmBackends, setWasmThreads, wasmThreads } from "../../src/backend/wasm/wasmBackend.js";
import type { Backend } from "../../src/backend/backend.js";

const backends = createWasmBackends(jsBackend);
assert.ok(backends !== null, "WebAssembly with SIMD and shared memory must be available on Node 20");
const wasm: Backend = backends.wasm;

type FloatCtor = Float32Array["constructor"] | Float64Array["constructor"];
const EPS = { Float32Array: 1.1920929e-7, Float64Array: 2.220446049250313e-16 } as const;

function filled(T: FloatCtor, n: number, seed: number): Float32Array | Float64Array {
  const a = new (T as typeof Float64Array)(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

async function helperStarted(): Promise<void> {
  setWasmThreads(2);
  const warm = filled(Float64Array, 160 * 160, 1);
  wasm.gemm(false, false, 160, 160, 160, warm, 0, warm, 0, new Float64Array(160 * 160), 0);
  for (let i = 0; i < 100 && wasmThreads() < 2; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(wasmThreads(), 2, "the helper thread started");
}

// Shapes around the 4-row / 8-column (float32) and 4-column (float64) tiles, the 1024-step k
// blocks (1030 and 2100: blocks added into C, where the helper is waited for rather than
// overtaken) and the ~32 output blocks of a plan; the last four are above the two-thread size.
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 2],
  [4, 8, 3],
  [5, 9, 7],
  [1, 300, 17],
  [300, 1, 17],
  [9, 4, 1030],
  [67, 33, 130],
  [96, 97, 96],
  [129, 65, 515],
  [40, 24, 1030],
  [21, 23, 2100],
];

test("wasm gemm equals the JS backend within k ulps for every transpose, offset and ragged shape, both dtypes", async () => {
  await helperStarted();
  for (const threads of [1, 2] as const) {
    setWasmThreads(threads);
    for (const T of [Float64Array, Float32Array] as FloatCtor[]) {
      for (const [m, n, k] of SHAPES) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const aOff = 5,
              bOff = 3,
              cOff = 7;
            const a = filled(T, aOff + m * k, m * 31 + k),
              b = filled(T, bOff + k * n, n * 17 + k);
            const ref = new (T as typeof Float64Array)(cOff + m * n + 2),
              got = new (T as typeof Float64Array)(cOff + m * n + 2);
            got.fill(9);
            ref.fill(9);
            jsBackend.gemm(ta, tb, m, n, k, a, aOff, b, bOff, ref, cOff);
            wasm.gemm(ta, tb, m, n, k, a, aOff, b, bOff, got, cOff);
            const tol = EPS[T.name as keyof typeof EPS] * k * 2;
            for (let i = 0; i < got.length; i++) {
              const outside = i < cOff || i >= cOff + m * n;
              if (outside) assert.equal(got[i], 9, `gemm wrote outside C at ${i}`);
              else
                assert.ok(
                  Math.abs(ref[i] - got[i]) <= tol,
                  `${T.name} ${m}x${n}x${k} ta=${ta} tb=${tb} threads=${threads} at ${i}: ${ref[i]} vs ${got[i]}`,
                );
            }
          }
        }
      }
    }
  }
  setWasmThreads(2);
});

test("wasm gemm gives the same bits on one and two threads, product after product", async () => {
  await helperStarted();
  for (const T of [Float32Array, Float64Array] as FloatCtor[]) {
    for (const [m, n, k, ta, tb] of [
      [200, 136, 120, false, false],
      [131, 250, 97, true, false],
      [256, 64, 600, false, true],
      [64, 40, 1100, true, true],
    ] as Array<[number, number, number, boolean, boolean]>) {
      const a = filled(T, m * k, m + k),
        b = filled(T, k * n, n + 2 * k);
      setWasmThreads(1);
      const one = new (T as typeof Float64Array)(m * n);
      wasm.gemm(ta, tb, m, n, k, a, 0, b, 0, one, 0);
      setWasmThreads(2);
      // Back to back: the helper takes some blocks of one product, or wakes too late for any.
      for (let round = 0; round < 4; round++) {
        const two = new (T as typeof Float64Array)(m * n);
        wasm.gemm(ta, tb, m, n, k, a, 0, b, 0, two, 0);
        assert.deepEqual(two, one, `${T.name} ${m}x${n}x${k} round ${round}`);
      }
    }
  }
});
