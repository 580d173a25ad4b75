// The wasm block interpreter for fused chains (fusedVm.c via fusedPlanRunner.ts) against the
// js backend's generated loops, the reference. Stated bounds:
// - arithmetic (add, sub, mul, div, neg, square, relu) and the fused gradients (tanhGrad,
//   sigmoidGrad, reluGrad, squareGrad): bit for bit, float32 and float64 (float32 gradients
//   are computed in float64 and rounded once, as the JS does);
// - float32 tanh (the JS kernel's rational, evaluated in float32 lanes): within 3 eps of the
//   value, relative, of the JS backend's and of the true tanh (a dense sweep below), exactly
//   +-1 beyond +-7.9053 and exactly x below 0.0004;
// - float32 exp/sigmoid and float64 exp/sigmoid/tanh: within 4 ulp per element (simdMath.h's
//   kernels, the eager wasm kernels' bound), and values derived from them (their gradients,
//   sums) within 16 eps of the largest magnitude involved;
// - sums over everything and over rows: the js backend's order (four interleaved partial sums
//   by index mod 4), so bit for bit whenever the summed elements are.
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as g from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import {
  materialiseTogether,
  setFusedEvaluator,
  setFusionMinSize,
  type FusedEvaluator,
} from "../../src/ops/lazyElementwise.js";
import { compileProgram, wasmFusedEvaluator } from "../../src/backend/wasm/fusedPlanRunner.js";
import { wasmRuntime } from "../../src/backend/wasm/wasmRuntime.js";
import { fusedVmInstance } from "../../src/backend/wasm/fusedVmInstance.js";

const rt = wasmRuntime();
assert.ok(rt !== null, "WebAssembly with SIMD and shared memory must be available on Node 20");
const EPS = { float32: 1.1920929e-7, float64: 2.220446049250313e-16 } as const;
type Float = "float32" | "float64";

/** Counts the plans the wasm interpreter ran (and declined) while installed. */
function countingEvaluator(inner: FusedEvaluator): FusedEvaluator & { ran: number; declined: number } {
  const e = {
    ran: 0,
    declined: 0,
    defers: (b: string, dt: Parameters<FusedEvaluator["defers"]>[1]) => inner.defers(b, dt),
    run(...args: Parameters<FusedEvaluator["run"]>) {
      const r = inner.run(...args);
      if (r === null) e.declined++;
      else e.ran++;
      return r;
    },
  };
  return e;
}

const evaluator = wasmFusedEvaluator();
assert.ok(evaluator !== null, "the fused interpreter must load on Node 20");
let counter = countingEvaluator(evaluator);
let prevEvaluator: FusedEvaluator | null = null;
let prevMin = 0;
let prevBackend = "";
beforeEach(() => {
  counter = countingEvaluator(evaluator);
  prevEvaluator = setFusedEvaluator(counter);
  prevMin = setFusionMinSize(64);
  prevBackend = g.getBackend().name;
});
afterEach(() => {
  setFusedEvaluator(prevEvaluator);
  setFusionMinSize(prevMin);
  g.setBackend(prevBackend);
});

function values(n: number, seed: number, scale = 2): number[] {
  const out = new Array<number>(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}

function tensorOf(shape: number[], dtype: Float, seed: number, scale = 2): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return g.tensor(values(n, seed, scale), { dtype }).reshape(shape);
}

/** fn's results (each read as a plain array) on `backend`. */
function on(backend: string, fn: () => Array<Tensor | number>): number[][] {
  g.setBackend(backend);
  return fn().map((r) => (typeof r === "number" ? [r] : Array.from(r.data)));
}

/** Every element identical (Object.is: signed zeros and NaN included). */
function assertBits(got: number[], want: number[], what: string): void {
  assert.equal(got.length, want.length, `${what}: lengths differ`);
  for (let i = 0; i < want.length; i++)
    assert.ok(Object.is(got[i], want[i]), `${what}: element ${i} is ${got[i]}, js gives ${want[i]}`);
}

/** Within `ulps` eps relative to each element, or `norm` eps of the largest magnitude. */
function assertNear(
  got: number[],
  want: number[],
  eps: number,
  ulps: number,
  norm: number,
  what: string,
): void {
  assert.equal(got.length, want.length, `${what}: lengths differ`);
  let big = 0;
  for (const v of want) big = Math.max(big, Math.abs(v));
  for (let i = 0; i < want.length; i++) {
    const e = want[i],
      a = got[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      assert.ok(Number.isNaN(e) && Number.isNaN(a), `${what}: element ${i} NaN mismatch`);
      continue;
    }
    const err = Math.abs(a - e);
    assert.ok(
      err <= ulps * eps * Math.abs(e) || err <= norm * eps * big,
      `${what}: element ${i} is ${a}, js gives ${e}`,
    );
  }
}

const UNARY_EXACT = ["neg", "square", "relu"] as const;
const BINARY = ["add", "sub", "mul", "div"] as const;

describe("fused chains on the wasm interpreter equal the js backend", () => {
  for (const dtype of ["float32", "float64"] as Float[]) {
    test(`${dtype}: arithmetic, relu and their gradients bit for bit, at sizes around the block sizes`, () => {
      for (const n of [64, 255, 256, 257, 1023, 4097, 8191, 8192, 8193, 20011]) {
        const x = tensorOf([n], dtype, n),
          w = tensorOf([n], dtype, n + 1),
          b = tensorOf([n], dtype, n + 2, 0.5);
        for (const op of BINARY) {
          for (const u of UNARY_EXACT) {
            const f = (wt: Tensor, bt: Tensor): Tensor =>
              (g[op](x, wt) as Tensor)[u]().mul(bt).add(1.5).sum();
            const run = () => {
              const [v, grads] = g.valueAndGrad(f, { argnums: [0, 1] })(w, b) as [Tensor, Tensor[]];
              return [v, ...grads, (g[op](x, w) as Tensor)[u]().sub(b)];
            };
            const js = on("js", run);
            for (const backend of ["wasm", "auto"]) {
              const got = on(backend, run);
              js.forEach((want, i) =>
                assertBits(got[i], want, `${dtype} n=${n} ${op}/${u} ${backend} result ${i}`),
              );
            }
          }
        }
      }
      assert.ok(counter.ran > 0, "the interpreter ran");
    });

    test(`${dtype}: tanh, sigmoid and exp chains with their gradients`, () => {
      for (const n of [300, 8193]) {
        const x = tensorOf([n], dtype, 7 * n),
          y = tensorOf([n], dtype, 7 * n + 1, 1);
        const w = tensorOf([n], dtype, 7 * n + 2, 1),
          b = tensorOf([n], dtype, 7 * n + 3, 0.5);
        for (const u of ["tanh", "sigmoid", "exp"] as const) {
          const f = (wt: Tensor, bt: Tensor): Tensor => x.mul(wt).add(bt)[u]().sub(y).square().mean();
          const run = () => {
            const [v, grads] = g.valueAndGrad(f, { argnums: [0, 1] })(w, b) as [Tensor, Tensor[]];
            return [v, ...grads, x.mul(w).add(b)[u]()];
          };
          const js = on("js", run);
          const got = on("wasm", run);
          js.forEach((want, i) =>
            assertNear(got[i], want, EPS[dtype], 4, 16, `${dtype} n=${n} ${u} result ${i}`),
          );
        }
      }
    });
  }

  test("broadcast parameters against data, row sums of odd lengths and their sibling gradients (grid chain)", () => {
    for (const dtype of ["float32", "float64"] as Float[]) {
      for (const [rows, cols, pts] of [
        [3, 5, 1001],
        [2, 7, 3],
        [4, 4, 255],
        [1, 3, 257],
        [5, 1, 8195],
        [64, 3, 1],
      ]) {
        const x = tensorOf([pts], dtype, pts),
          y = tensorOf([pts], dtype, pts + 1);
        const ws = tensorOf([rows, cols, 1], dtype, rows * cols),
          bs = tensorOf([rows, cols, 1], dtype, rows * cols + 1);
        const f = (w: Tensor, b: Tensor): Tensor => w.mul(x).add(b).sub(y).square().mean({ axis: -1 }).sum();
        const run = () => {
          const [gw, gb] = g.grad(f, { argnums: [0, 1] })(ws, bs) as Tensor[];
          return [gw, gb, f(ws, bs), ws.mul(x).add(bs).sub(y).square().sum({ axis: -1 }), ws.mul(x).sub(bs)];
        };
        const js = on("js", run);
        const got = on("wasm", run);
        // Result 2 ends in an eager sum of the row means, whose wasm kernel sums in its own order.
        js.forEach((want, i) => {
          const what = `${dtype} grid ${rows}x${cols}x${pts} result ${i}`;
          if (i === 2) assertNear(got[i], want, EPS[dtype], 4, 16, what);
          else assertBits(got[i], want, what);
        });
      }
    }
  });

  test("random shapes, broadcast masks and chains (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 15 }),
        fc.constantFrom<Float>("float32", "float64"),
        fc.integer({ min: 1, max: 1 << 30 }),
        (dims, mask, dtype, seed) => {
          const shape = dims.slice();
          shape[shape.length - 1] *= 37; // rows long enough to cross sub-blocks now and then
          const bshape = shape.map((d, i) => ((mask >> i) & 1 ? 1 : d));
          const x = tensorOf(shape, dtype, seed),
            w = tensorOf(bshape, dtype, seed + 1),
            c = tensorOf(bshape.slice(1), dtype, seed + 2);
          const run = () => {
            const t = x.mul(w).sub(c).relu().add(x.square());
            return [
              t,
              t.sum(),
              x.mul(w).add(c).sum({ axis: -1 }),
              x.neg().div(w.square().add(1)).sum({ axis: -1 }),
            ];
          };
          const js = on("js", run);
          const got = on("wasm", run);
          js.forEach((want, i) =>
            assertBits(got[i], want, `${dtype} ${JSON.stringify(shape)} mask ${mask} result ${i}`),
          );
        },
      ),
      { seed: 20261127, numRuns: 60 },
    );
  });
});

test("float32 tanh: within 3 eps of the js backend's and of the true tanh over a dense sweep, exact where it saturates", () => {
  // Every 997th float32 bit pattern in [0, 12): 1.1 million arguments, from subnormals up.
  const hi = new Uint32Array(new Float32Array([12]).buffer)[0];
  const bits = new Uint32Array(Math.floor(hi / 997));
  for (let i = 0; i < bits.length; i++) bits[i] = i * 997;
  const pos = new Float32Array(bits.buffer);
  const xs = new Float32Array(pos.length * 2);
  xs.set(pos);
  for (let i = 0; i < pos.length; i++) xs[pos.length + i] = -pos[i];
  const x = g.tensor(xs, { dtype: "float32" });
  const [js] = on("js", () => [x.mul(1).tanh()]);
  const [got] = on("wasm", () => [x.mul(1).tanh()]);
  assert.ok(counter.ran > 0, "the interpreter ran");
  let worstJs = 0,
    worstTrue = 0;
  for (let i = 0; i < xs.length; i++) {
    const mag = Math.max(Math.abs(js[i]), 1e-38);
    worstJs = Math.max(worstJs, Math.abs(got[i] - js[i]) / mag / EPS.float32);
    worstTrue = Math.max(worstTrue, Math.abs(got[i] - Math.fround(Math.tanh(xs[i]))) / mag / EPS.float32);
    if (Math.abs(xs[i]) < 0.0004)
      assert.ok(Object.is(got[i], xs[i]), `tanh(${xs[i]}) is ${got[i]}, not the argument itself`);
    if (Math.abs(xs[i]) >= 7.90531110763549805)
      assert.equal(got[i], Math.sign(xs[i]), `tanh(${xs[i]}) saturates`);
  }
  assert.ok(worstJs <= 3, `worst error against the js backend ${worstJs} eps`);
  assert.ok(worstTrue <= 3, `worst error against Math.tanh ${worstTrue} eps`);
});

test("fused against eager wasm kernels (simdMath.h's statement): exp and sigmoid bit for bit, float32 tanh within 3 eps", () => {
  // Every 997th float32 bit pattern in [0, 12) and its negation, as above.
  const hi = new Uint32Array(new Float32Array([12]).buffer)[0];
  const bits = new Uint32Array(Math.floor(hi / 997));
  for (let i = 0; i < bits.length; i++) bits[i] = i * 997;
  const pos = new Float32Array(bits.buffer);
  for (const dtype of ["float32", "float64"] as const) {
    const xs = dtype === "float32" ? new Float32Array(pos.length * 2) : new Float64Array(pos.length * 2);
    xs.set(pos);
    for (let i = 0; i < pos.length; i++) xs[pos.length + i] = -pos[i];
    const x = g.tensor(xs, { dtype });
    for (const op of ["exp", "sigmoid", "tanh"] as const) {
      const arg = op === "exp" ? x.mul(0.5) : x;
      const [fused] = on("wasm", () => [arg.mul(1)[op]()]);
      setFusionMinSize(Infinity);
      const [eager] = on("wasm", () => [arg[op]()]);
      setFusionMinSize(64);
      if (op === "tanh" && dtype === "float32") {
        let worst = 0;
        for (let i = 0; i < xs.length; i++)
          worst = Math.max(worst, Math.abs(fused[i] - eager[i]) / Math.max(Math.abs(eager[i]), 1e-38));
        assert.ok(worst <= 3 * EPS.float32, `float32 tanh: fused differs by ${worst / EPS.float32} eps`);
      } else assertBits(fused, eager, `${dtype} ${op}: fused against eager`);
    }
  }
});

test("special values (NaN, infinities, signed zeros) go through arithmetic, relu and float32 tanh as in the js loop", () => {
  const special = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 3.4e38, -3.4e38, 9, -9, 9.5, 0.625];
  for (const dtype of ["float32", "float64"] as Float[]) {
    const n = 4099;
    const xs = values(n, 17),
      ws = values(n, 18);
    for (let i = 0; i < n; i++) {
      xs[i] = special[i % special.length];
      if (i % 3 === 0) ws[i] = special[(i * 7) % special.length];
    }
    const x = g.tensor(xs, { dtype }),
      w = g.tensor(ws, { dtype });
    const run = () => {
      const out = [x.mul(w).sub(x).relu(), x.div(w).neg().square(), x.add(w).mul(x).sum()];
      if (dtype === "float32") out.push(x.mul(w).tanh(), x.tanh().neg());
      return out;
    };
    const js = on("js", run);
    const got = on("wasm", run);
    js.forEach((want, i) => {
      const what = `${dtype} special values, result ${i}`;
      // float32 tanh: the bound above; NaN, infinities (to +-1) and signed zeros exactly.
      if (i < 3) assertBits(got[i], want, what);
      else {
        assertNear(got[i], want, EPS.float32, 3, 0, what);
        want.forEach((v, j) => {
          if (!Number.isFinite(v) || v === 0 || Math.abs(v) === 1)
            assert.ok(Object.is(got[i][j], v), `${what}: element ${j} is ${got[i][j]}, js gives ${v}`);
        });
      }
    });
  }
});

describe("side stores: a shared intermediate is written by the loop that first needs it", () => {
  /** The tanh chain's value and gradients (row c of bench:core, small). */
  function chainStep(n: number, dtype: Float): () => Tensor[] {
    const x = tensorOf([n], dtype, 41),
      y = tensorOf([n], dtype, 42, 1),
      w = tensorOf([n], dtype, 43, 1),
      b = tensorOf([n], dtype, 44, 0.5);
    const f = (wt: Tensor, bt: Tensor): Tensor => x.mul(wt).add(bt).tanh().sub(y).square().mean();
    return () => {
      const [v, grads] = g.valueAndGrad(f, { argnums: [0, 1] })(w, b) as [Tensor, Tensor[]];
      return [v, ...grads];
    };
  }

  for (const dtype of ["float32", "float64"] as Float[]) {
    test(`${dtype}: the tanh chain with its gradient takes two plans (the sum stores tanh; one loop writes both gradients)`, () => {
      for (const n of [300, 70_001]) {
        const step = chainStep(n, dtype);
        const js = on("js", step);
        counter.ran = 0;
        const got = on("wasm", step);
        assert.equal(counter.ran, 2, `n=${n}: forward and backward in one plan each`);
        js.forEach((want, i) => assertNear(got[i], want, EPS[dtype], 4, 16, `${dtype} n=${n} result ${i}`));
      }
    });
  }

  test("plans with side stores that the interpreter declines run in the js loop, stores included, exactly", () => {
    const step = chainStep(5000, "float64");
    const js = on("js", step);
    // Defer on wasm, decline every plan: the generated JS loops run the plans built for wasm.
    let plans = 0,
      stores = 0;
    setFusedEvaluator({
      defers: (b) => b === "wasm",
      run(plan) {
        plans++;
        stores += plan.stores.length;
        return null;
      },
    });
    const got = on("wasm", step);
    assert.ok(plans > 0 && stores >= 2, `side stores were planned (${plans} plans, ${stores} stores)`);
    js.forEach((want, i) => assertBits(got[i], want, `declined plans, result ${i}`));
  });

  test("materialiseTogether computes same-shape deferred tensors in one plan, equal to computing them one by one", () => {
    const x = tensorOf([9000], "float32", 51),
      w = tensorOf([9000], "float32", 52),
      row = tensorOf([3, 1], "float32", 53);
    const make = () => {
      const t = x.mul(w).tanh();
      return [t, t.mul(x), x.sub(w).square(), x.reshape([3, 3000]).mul(row)];
    };
    g.setBackend("wasm");
    const alone = make().map((t) => Array.from(t.data));
    const together = make();
    counter.ran = 0;
    materialiseTogether(together);
    assert.equal(counter.ran, 2, "the three [9000] tensors share one plan; the [3, 3000] one has its own");
    together.forEach((t, i) => {
      assert.equal(t._lazy, null);
      assertBits(Array.from(t.data), alone[i], `tensor ${i}`);
    });
  });
});

test("the interpreter runs in its own instance on a non-shared memory", () => {
  const x = tensorOf([37, 1001], "float32", 21),
    row = tensorOf([1001], "float32", 23);
  on("wasm", () => [x.mul(row).tanh(), x.sub(row).square().sum()]);
  assert.ok(counter.ran >= 2, `plans run: ${counter.ran}`);
  const vm = fusedVmInstance();
  assert.ok(vm !== null && !(vm.memory.buffer instanceof SharedArrayBuffer), "its memory is not shared");
});

describe("declining and falling back", () => {
  test("plans the interpreter cannot run fall back to the JS loop (9 axes), with the same results", () => {
    const shape = [2, 2, 2, 2, 2, 2, 2, 2, 3];
    const x = tensorOf(shape, "float64", 1),
      w = tensorOf(shape, "float64", 2);
    const js = on("js", () => [x.mul(w).tanh().sub(w)]);
    const got = on("wasm", () => [x.mul(w).tanh().sub(w)]);
    assertBits(got[0], js[0], "9-d chain");
    assert.ok(counter.declined > 0, "the 9-d plan was declined");
  });

  test("auto leaves plain float64 arithmetic to the JS loop and takes float64 plans with tanh", () => {
    const x = tensorOf([5000], "float64", 3),
      w = tensorOf([5000], "float64", 4);
    on("auto", () => [x.mul(w).add(x).sum(), x.sub(w).square()]);
    assert.equal(counter.ran, 0, "plain arithmetic declined");
    assert.ok(counter.declined >= 2);
    on("auto", () => [x.mul(w).tanh()]);
    assert.equal(counter.ran, 1, "the tanh plan ran in the interpreter");
  });

  test("with no evaluator the wasm backends run ops eagerly, as before", () => {
    setFusedEvaluator(null);
    g.setBackend("wasm");
    const x = tensorOf([5000], "float32", 5);
    assert.equal(x.mul(x)._lazy, null);
  });

  test("compileProgram reuses registers after their last reader and rejects unknown kernels", () => {
    const plan = {
      body: [],
      leaves: [],
      leafKinds: [],
      scalars: [],
      results: ["t3"],
      stores: [],
      ops: [
        { k: "mul", a: ["v0", "v1"], out: "t0" },
        { k: "tanh", a: ["t0"], out: "t1" },
        { k: "add", a: ["t1", "v2"], out: "t2" },
        { k: "mul", a: ["t2", "t2"], out: "t3" },
      ],
    };
    const p = compileProgram({
      ...plan,
      leaves: [null, null, null] as unknown as Tensor[],
      leafKinds: ["f", "f", "f"],
    });
    assert.ok(p !== null);
    assert.equal(p.regs, 1, "one register suffices for a chain");
    assert.deepEqual(p.results, [3]);
    assert.equal(compileProgram({ ...plan, ops: [{ k: "atan2", a: ["v0", "v1"], out: "t3" }] }), null);
  });

  test("a run abandoned midway leaves nothing behind: the next plans are correct", () => {
    const x = tensorOf([9000], "float32", 6),
      w = tensorOf([9000], "float32", 7);
    const js = on("js", () => [x.mul(w).sigmoid().sum(), x.sub(w).square()]);
    g.setBackend("wasm");
    // Abandon a run after its program is written (as an interrupt would): the evaluator throws from inside.
    const inner = evaluator;
    setFusedEvaluator({
      defers: inner.defers,
      run(plan, mode, shape, dt, out, outs, _backend, stored) {
        inner.run(plan, mode, shape, dt, out.subarray(0, 0), outs, "wasm", stored);
        throw new Error("interrupted");
      },
    });
    assert.throws(() => x.mul(w).exp().data);
    setFusedEvaluator(counter);
    const got = on("wasm", () => [x.mul(w).sigmoid().sum(), x.sub(w).square()]);
    assertNear(got[0], js[0], EPS.float32, 4, 16, "sum after an abandoned run");
    assertBits(got[1], js[1], "store after an abandoned run");
  });
});
