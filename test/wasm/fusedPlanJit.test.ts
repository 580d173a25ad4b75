// Compiled fused plans (src/backend/wasm/fusedPlanJit.ts) against the block interpreter they
// stand in for: the same results bit for bit (every op they compile, both float types, stores
// and totals, lengths with ragged tails), and the plans they leave to the interpreter.
import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as g from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { setFusedEvaluator, setFusionMinSize, type FusedEvaluator } from "../../src/ops/lazyElementwise.js";
import { wasmFusedEvaluator } from "../../src/backend/wasm/fusedPlanRunner.js";
import { jitModuleBytes, jitSupports, type JitProgram } from "../../src/backend/wasm/fusedPlanJit.js";
import { wasmRuntime } from "../../src/backend/wasm/wasmRuntime.js";
import { FUSED_OPCODE as OP } from "../../src/backend/wasm/fusedVmCodes.js";

const rt = wasmRuntime();
assert.ok(rt !== null, "WebAssembly with SIMD must be available on Node 20");
type Float = "float32" | "float64";

let prevEvaluator: FusedEvaluator | null = null;
let prevMin = 0;
let prevBackend = "";
beforeEach(() => {
  prevEvaluator = setFusedEvaluator(null);
  setFusedEvaluator(prevEvaluator);
  prevMin = setFusionMinSize(64);
  prevBackend = g.getBackend().name;
  g.setBackend("wasm");
});
afterEach(() => {
  setFusedEvaluator(prevEvaluator);
  setFusionMinSize(prevMin);
  g.setBackend(prevBackend);
});

function tensorOf(n: number, dtype: Float, seed: number, scale = 2): Tensor {
  const out = new Array<number>(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * 2 * scale;
  }
  // A few special values among the ordinary ones.
  if (n > 8) {
    out[1] = 0;
    out[2] = -0;
    out[3] = 1e-30;
    out[5] = 9.5;
    out[6] = -30;
  }
  return g.tensor(out, { dtype });
}

/** fn's results, as plain arrays, with the wasm evaluator compiling (jit) or interpreting every plan. */
function withEvaluator(
  jit: boolean,
  fn: () => Array<Tensor | number>,
): { values: number[][]; compiled: number } {
  const ev = wasmFusedEvaluator(rt!, { autoFloat64: "branchy", jit });
  setFusedEvaluator(ev);
  const values = fn().map((r) => (typeof r === "number" ? [r] : Array.from(r.data)));
  return { values, compiled: ev.runs.jit };
}

function assertBits(got: number[][], want: number[][], what: string): void {
  assert.equal(got.length, want.length);
  want.forEach((w, r) => {
    assert.equal(got[r].length, w.length, `${what}: result ${r} length`);
    for (let i = 0; i < w.length; i++)
      assert.ok(
        Object.is(got[r][i], w[i]),
        `${what}: result ${r} element ${i} is ${got[r][i]}, interpreted ${w[i]}`,
      );
  });
}

const UNARY = ["neg", "square", "relu", "tanh"] as const;
const BINARY = ["add", "sub", "mul", "div"] as const;

test("compiled chains equal the interpreter bit for bit: every op, both float types, stores and totals, ragged lengths", () => {
  for (const dtype of ["float32", "float64"] as Float[]) {
    for (const n of [64, 67, 4099, 32768 + 3, 70_001]) {
      const x = tensorOf(n, dtype, n),
        w = tensorOf(n, dtype, n + 1, 1),
        b = tensorOf(n, dtype, n + 2, 0.5);
      for (const u of UNARY) {
        if (u === "tanh" && dtype === "float64") continue; // float64 tanh stays in the interpreter (below)
        for (const op of BINARY) {
          const f = (wt: Tensor, bt: Tensor): Tensor =>
            (g[op](x, wt) as Tensor).add(bt)[u]().sub(x).square().mul(0.5).sum();
          const run = () => {
            const [v, grads] = g.valueAndGrad(f, { argnums: [0, 1] })(w, b) as [Tensor, Tensor[]];
            const t = (g[op](x, w) as Tensor)[u]();
            return [
              v,
              ...grads,
              t.mul(b).add(2),
              t.mul(b).sum(),
              x.mul(w).sigmoid().mul(0).add(x.mul(w).relu()),
            ];
          };
          const interpreted = withEvaluator(false, run);
          const compiled = withEvaluator(true, run);
          assert.ok(compiled.compiled > 0, `${dtype} n=${n} ${op}/${u}: plans ran compiled`);
          assert.equal(interpreted.compiled, 0);
          assertBits(compiled.values, interpreted.values, `${dtype} n=${n} ${op}/${u}`);
        }
      }
    }
  }
});

test("the sigmoid and tanh gradients compile too, float32 through float64 halves as in the interpreter", () => {
  for (const dtype of ["float32", "float64"] as Float[]) {
    const n = 9001;
    const x = tensorOf(n, dtype, 3),
      y = tensorOf(n, dtype, 4, 1),
      w = tensorOf(n, dtype, 5, 1),
      b = tensorOf(n, dtype, 6, 0.5);
    // Three full inputs: the forward stores sigmoid (tanh), interpreted where it has exp (float64
    // tanh), and the backward reads it back in a plan of arithmetic and the fused gradient, compiled.
    const run = () => {
      const [v1, g1] = g.valueAndGrad((wt: Tensor) => x.mul(wt).add(b).sigmoid().sub(y).square().mean())(
        w,
      ) as [Tensor, Tensor];
      const [v2, g2] = g.valueAndGrad((wt: Tensor) => x.mul(wt).add(b).tanh().sub(y).square().mean())(w) as [
        Tensor,
        Tensor,
      ];
      return [v1, g1, v2, g2];
    };
    const interpreted = withEvaluator(false, run);
    const compiled = withEvaluator(true, run);
    assert.ok(compiled.compiled > 0, `${dtype}: the gradient plans ran compiled`);
    assertBits(compiled.values, interpreted.values, `${dtype} sigmoid/tanh gradients`);
  }
});

test("random chains of supported ops (property): compiled equals interpreted", () => {
  const ops = ["add", "sub", "mul", "div", "neg", "square", "relu", "tanh"] as const;
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...ops), fc.integer({ min: 0, max: 3 })), {
        minLength: 1,
        maxLength: 10,
      }),
      fc.constantFrom<Float>("float32", "float64"),
      fc.integer({ min: 64, max: 5000 }),
      fc.boolean(),
      (chain, dtype, n, total) => {
        const inputs = [0, 1, 2].map((i) => tensorOf(n, dtype, n * 7 + i, 1));
        const run = () => {
          let t = inputs[0];
          for (const [op, k] of chain) {
            if (op === "tanh" && dtype === "float64") continue;
            const other = k === 3 ? 1.25 : inputs[k];
            t =
              op === "neg" || op === "square" || op === "relu" || op === "tanh"
                ? t[op]()
                : (g[op](t, other) as Tensor);
          }
          return [total ? t.sum() : t.add(0)];
        };
        assertBits(
          withEvaluator(true, run).values,
          withEvaluator(false, run).values,
          `${dtype} n=${n} ${JSON.stringify(chain)}`,
        );
      },
    ),
    { seed: 20261127, numRuns: 80 },
  );
});

test("plans with exp, sigmoid or float64 tanh, broadcast inputs or row sums stay in the interpreter", () => {
  const x = tensorOf(5000, "float64", 9),
    row = tensorOf(50, "float64", 10);
  for (const run of [
    () => [x.mul(2).exp()],
    () => [x.sigmoid().add(1)],
    () => [x.tanh().mul(3)],
    () => [x.reshape([100, 50]).mul(row).add(1)],
    () => [x.reshape([100, 50]).mul(2).sum({ axis: -1 })],
  ]) {
    assert.equal(withEvaluator(true, run).compiled, 0);
  }
  const p = (instrs: number[], f64: boolean): JitProgram => ({
    f64,
    mode: 0,
    kinds: [1, 0],
    instrs,
    result: 1,
    stores: [],
  });
  assert.equal(jitSupports(p([OP.exp, 1, 0, 0], false)), false, "exp");
  assert.equal(jitSupports(p([OP.sigmoid, 1, 0, 0], true)), false, "sigmoid");
  assert.equal(jitSupports(p([OP.tanh, 1, 0, 0], true)), false, "float64 tanh");
  assert.equal(jitSupports(p([OP.tanh, 1, 0, 0], false)), true, "float32 tanh");
});

test("every supported op assembles into a module WebAssembly validates", () => {
  const layout = {
    slotData: (s: number) => 100 + s * 8,
    slotReg: (s: number) => 104 + s * 8,
    out: 28,
    storeOut: (k: number) => 40 + k * 4,
    acc: 1000,
  };
  const validate = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } })
    .WebAssembly.validate;
  for (const f64 of [false, true]) {
    for (const mode of [0, 1] as const) {
      for (const op of [
        OP.neg,
        OP.square,
        OP.tanh,
        OP.relu,
        OP.add,
        OP.sub,
        OP.mul,
        OP.div,
        OP.tanhGrad,
        OP.sigmoidGrad,
        OP.reluGrad,
        OP.squareGrad,
      ]) {
        if (op === OP.tanh && f64) continue;
        const prog: JitProgram = {
          f64,
          mode,
          kinds: [1, 1, 3, 0, 0],
          instrs: [op, 3, 0, 1, OP.mul, 4, 3, 2],
          result: 4,
          stores: [3],
        };
        assert.ok(validate(jitModuleBytes(prog, layout)), `opcode ${op} ${f64 ? "f64" : "f32"} mode ${mode}`);
      }
    }
  }
});
