// `npm run bench:wasm`: where the wasm kernels start to beat the JS ones, per kernel and size,
// which is what the "auto" backend's thresholds (src/backend/wasm/wasmBackend.ts) encode.
// Kernel calls only (no autodiff), both backends interleaved per repetition, medians.
import { jsBackend } from "../src/backend/jsBackend.js";
import { createWasmBackends, AUTO_THRESHOLDS } from "../src/backend/wasm/wasmBackend.js";
import type { Backend } from "../src/backend/backend.js";
import { summarize } from "./sampleStats.js";
import { markdownTable } from "./markdownTable.js";
import { isMainModule } from "./mainModule.js";

type Row = { kernel: string; size: string; js: number; wasm: number };

function filled(n: number, f32: boolean): Float32Array | Float64Array {
  const a = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.7) * 2;
  return a;
}

/** Median microseconds per call of each backend, interleaved. */
function race(run: (b: Backend) => void, backends: Backend[], budgetMs: number): number[] {
  const calls = 1 + Math.floor(budgetMs);
  const samples: number[][] = backends.map(() => []);
  for (let r = 0; r < 9; r++) {
    backends.forEach((b, i) => {
      let reps = 1;
      const t0 = performance.now();
      run(b);
      const once = performance.now() - t0;
      reps = Math.max(1, Math.min(calls * 50, Math.floor(0.5 / Math.max(once, 1e-4))));
      const t = performance.now();
      for (let k = 0; k < reps; k++) run(b);
      samples[i].push(((performance.now() - t) / reps) * 1000);
    });
  }
  return samples.map((s) => summarize(s).median);
}

/** Measure every kernel family at sizes around its threshold. */
export function runWasmCrossover(): Row[] {
  const made = createWasmBackends(jsBackend);
  if (made === null) throw new Error("bench:wasm: WebAssembly SIMD with shared memory is unavailable here");
  const wasm = made.wasm;
  const rows: Row[] = [];
  for (const f32 of [true, false]) {
    const dt = f32 ? "f32" : "f64";
    for (const n of [4, 8, 16, 24, 32, 64, 128, 256]) {
      const a = filled(n * n, f32),
        b = filled(n * n, f32),
        c = f32 ? new Float32Array(n * n) : new Float64Array(n * n);
      const [js, w] = race((be) => be.gemm(false, false, n, n, n, a, 0, b, 0, c, 0), [jsBackend, wasm], 1);
      rows.push({ kernel: `gemm ${dt}`, size: `${n}^3`, js, wasm: w });
    }
    for (const n of [16, 64, 256, 1024, 16384, 1 << 20]) {
      const x = filled(n, f32),
        y = f32 ? new Float32Array(n) : new Float64Array(n);
      for (const op of ["tanh", "exp", "relu"] as const) {
        const [js, w] = race((be) => be.unary(op, x, y), [jsBackend, wasm], 1);
        rows.push({ kernel: `${op} ${dt}`, size: String(n), js, wasm: w });
      }
      const [js, w] = race((be) => be.binary("mul", x, [1], x, [1], y, [n]), [jsBackend, wasm], 1);
      rows.push({ kernel: `mul ${dt}`, size: String(n), js, wasm: w });
      const out = f32 ? new Float32Array(1) : new Float64Array(1);
      const [js2, w2] = race((be) => be.reduce("sum", x, 1, n, 1, out), [jsBackend, wasm], 1);
      rows.push({ kernel: `sum ${dt}`, size: String(n), js: js2, wasm: w2 });
    }
  }
  return rows;
}

if (isMainModule(import.meta.url)) {
  const rows = runWasmCrossover();
  console.log(
    markdownTable(
      ["kernel", "size", "js µs", "wasm µs", "wasm/js"],
      rows.map((r) => [r.kernel, r.size, r.js.toFixed(2), r.wasm.toFixed(2), (r.wasm / r.js).toFixed(2)]),
    ),
  );
  console.log(`\nauto thresholds in use: ${JSON.stringify(AUTO_THRESHOLDS)}`);
}
