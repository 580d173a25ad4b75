// Elementwise fusion (src/ops/lazyElementwise.ts): deferred chains must give exactly what the
// eager ops give (bit for bit in float64, and in float32 too since every node is rounded
// where the eager op stored), shared deferred tensors are computed once, and gradients
// through fused chains (forward and backward both defer) still pass gradcheck.
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as g from "../../src/index.js";
import { type Tensor } from "../../src/index.js";
import { setFusionMinSize } from "../../src/ops/lazyElementwise.js";
import { assertSameBits, withFusion } from "./fusionTestKit.js";

const SEED = 20261127;

/** A random tensor of `shape` from a seeded generator (values in [-2, 2]). */
function randomTensor(gen: g.Generator, shape: number[], dtype: "float64" | "float32"): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const values = Array.from({ length: n }, () => gen.uniform() * 4 - 2);
  return g.tensor(values, { dtype }).reshape(shape);
}

/** Drop some axes to 1 (and maybe leading axes) so operands broadcast against `shape`. */
function broadcastOf(shape: number[], mask: number, dropLead: boolean): number[] {
  const s = shape.map((d, i) => ((mask >> i) & 1 ? 1 : d));
  return dropLead && s.length > 1 ? s.slice(1) : s;
}

type Chain = (x: Tensor, w: Tensor, b: Tensor, y: Tensor) => Tensor;

const CHAINS: Record<string, Chain> = {
  "tanh chain": (x, w, b, y) => x.mul(w).add(b).tanh().sub(y).square(),
  "grid chain": (x, w, b, y) => w.mul(x).add(b).sub(y).square(),
  "div/neg/exp": (x, w, b, y) => x.div(w.square().add(1)).neg().exp().mul(b).sub(y),
  "sigmoid/relu with scalars": (x, w, b, y) => x.mul(2).sigmoid().add(w.relu()).sub(b.mul(0.5)).mul(y),
  "shared operand": (x, w, b, y) => {
    const t = x.mul(w);
    return t.add(t.mul(b)).sub(y.mul(t));
  },
};

describe("elementwise fusion equals the eager ops", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const [name, chain] of Object.entries(CHAINS)) {
      test(`${name} (${dtype}): values, full sum, last-axis sum and mean, on random broadcast shapes`, () => {
        fc.assert(
          fc.property(
            fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }),
            fc.integer({ min: 64, max: 90 }),
            fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 4, maxLength: 4 }),
            fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
            fc.integer({ min: 0, max: 1_000_000 }),
            (outer, last, masks, drops, seed) => {
              const shape = [...outer, last];
              const gen = new g.Generator(seed);
              const xs = masks.map((m, i) =>
                randomTensor(gen, broadcastOf(shape, m & ((1 << outer.length) - 1), drops[i]), dtype),
              );
              const run = (): Tensor[] => {
                const r = chain(xs[0], xs[1], xs[2], xs[3]);
                return [
                  r.sum(),
                  chain(xs[0], xs[1], xs[2], xs[3]).sum({ axis: -1 }),
                  chain(xs[0], xs[1], xs[2], xs[3]).mean(),
                  r,
                ];
              };
              const eager = withFusion(false, run);
              const fused = withFusion(true, () => {
                const probe = chain(xs[0], xs[1], xs[2], xs[3]);
                assert.notEqual(probe._lazy, null, "the chain should be deferred with fusion on");
                return run();
              });
              ["sum", "sum(axis -1)", "mean", "values"].forEach((what, i) =>
                assertSameBits(fused[i], eager[i], `${name} ${what}`),
              );
            },
          ),
          { numRuns: 25, seed: SEED },
        );
      });
    }
  }
});

describe("deferred tensors", () => {
  let prev = 0;
  let backend = "";
  beforeEach(() => {
    prev = setFusionMinSize(64);
    backend = g.getBackend().name;
    g.setBackend("js");
  });
  afterEach(() => {
    setFusionMinSize(prev);
    g.setBackend(backend);
  });

  test("an elementwise op on large float tensors is deferred and materialises on first read", () => {
    const gen = new g.Generator(SEED);
    const x = randomTensor(gen, [200], "float64"),
      w = randomTensor(gen, [200], "float64");
    const t = x.mul(w).add(1);
    assert.notEqual(t._lazy, null, "the chain should be deferred");
    const d = t.data;
    assert.equal(t._lazy, null);
    assert.equal(d[7], x.data[7] * w.data[7] + 1);
  });

  test("a deferred tensor used by two consumers is computed once and shared", () => {
    const gen = new g.Generator(SEED + 1);
    const x = randomTensor(gen, [300], "float64"),
      w = randomTensor(gen, [300], "float64"),
      z = randomTensor(gen, [300], "float64");
    // Three full-size inputs: too costly to recompute, so sharing materialises it once.
    const shared = x.mul(w).add(z).tanh();
    const a = shared.add(1);
    const b = shared.mul(3);
    assert.equal(shared._lazy!.uses, 2);
    void a.data;
    const buf = shared._data;
    assert.notEqual(buf, null, "the first consumer materialises the shared tensor instead of inlining it");
    void b.data;
    assert.equal(shared._data, buf, "the second consumer reads the same storage: no second computation");
    assert.equal(b.data[5], buf![5] * 3);
  });

  test("a cheap shared residual built from broadcast operands is recomputed, not stored", () => {
    const gen = new g.Generator(SEED + 7);
    const w = randomTensor(gen, [6, 1], "float64"),
      x = randomTensor(gen, [70], "float64"),
      y = randomTensor(gen, [70], "float64");
    const r = w.mul(x).sub(y);
    const a = r.square().sum();
    const b = r.mul(x).sum({ axis: -1 });
    assert.equal(r._lazy!.uses, 2);
    assert.equal(r._data, null, "the residual never needed storage");
    const wd = w.data,
      xd = x.data,
      yd = y.data;
    // The js backend's summation order: partial sums by flat index mod 4 (rows of 70 shift the phase).
    const part = [0, 0, 0, 0];
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 70; j++) {
        const v = wd[i] * xd[j] - yd[j];
        part[(i * 70 + j) & 3] += v * v;
      }
    assert.equal(a.item(), part[0] + part[1] + (part[2] + part[3]));
    assert.equal(b.shape[0], 6);
  });

  test("in-place writes (assign, or through .data as optimizers do) do not change earlier deferred results", () => {
    const gen = new g.Generator(SEED + 8);
    const x = randomTensor(gen, [150], "float64"),
      w = randomTensor(gen, [150], "float64");
    const expected = Array.from(x.data, (v, i) => v * w.data[i] + 1);
    const y = x.mul(w).add(1);
    const z = x.mul(w.reshape([150])).add(1);
    assert.notEqual(y._lazy, null);
    w.assign(0);
    assert.deepEqual(Array.from(y.data), expected);
    assert.deepEqual(Array.from(z.data), expected);
    const before = Array.from(x.data, (v) => v * 3);
    const u = x.mul(3);
    x.data.fill(7);
    assert.deepEqual(Array.from(u.data), before);
  });

  test("sibling last-axis sums over same-shaped expressions run in one loop and equal the eager sums", () => {
    const gen = new g.Generator(SEED + 9);
    const w = randomTensor(gen, [5, 3, 1], "float64"),
      x = randomTensor(gen, [90], "float64"),
      y = randomTensor(gen, [90], "float64");
    const run = (): Tensor[] => {
      const r = w.mul(x).sub(y);
      return [r.sum({ axis: -1, keepdims: true }), r.mul(x).sum({ axis: -1, keepdims: true })];
    };
    const eager = withFusion(false, run);
    const [gb, gw] = run();
    assert.notEqual(gb._lazy, null, "the row sum is deferred");
    assert.notEqual(gw._lazy, null, "the row sum is deferred");
    void gb.data;
    assert.notEqual(gw._data, null, "its sibling was computed in the same loop");
    assertSameBits(gb, eager[0], "first row sum");
    assertSameBits(gw, eager[1], "second row sum");
  });

  test("a scalar (shape []) graph never defers", () => {
    const s = g.scalar(2).mul(3).tanh();
    assert.equal(s._lazy, null);
    assert.equal(s.shape.length, 0);
  });

  test("traceOps still sees every op of a fused chain", () => {
    const gen = new g.Generator(SEED + 2);
    const x = randomTensor(gen, [128], "float64");
    const names = g.traceOps(() => x.mul(2).add(1).tanh().sum()).ops.map((o) => o.name);
    for (const n of ["mul", "add", "tanh", "sum"])
      assert.ok(names.includes(n), `traceOps missed ${n}: ${names.join(",")}`);
  });

  test("detectAnomaly names the op of a fused chain that produced NaN", () => {
    const x = g.tensor(Array.from({ length: 100 }, (_, i) => i - 50));
    assert.throws(
      () => g.detectAnomaly(() => x.mul(2).sqrt().add(1).sum()),
      (e: Error) => e.name === "AnomalyError" && /sqrt/.test(e.message),
    );
    assert.throws(
      () => g.detectAnomaly(() => x.mul(0).div(x.mul(0)).sum()),
      (e: Error) => e.name === "AnomalyError" && /div/.test(e.message),
    );
  });

  test("the wasm backend keeps working (its chains defer too, and run in the wasm interpreter)", () => {
    if (!g.listBackends().includes("wasm")) return;
    const gen = new g.Generator(SEED + 3);
    const x = randomTensor(gen, [500], "float64"),
      w = randomTensor(gen, [500], "float64");
    const js = x.mul(w).add(1).square().sum().item();
    const before = g.getBackend().name;
    g.setBackend("wasm");
    try {
      const t = x.mul(w).add(1).square();
      assert.notEqual(t._lazy, null);
      assert.ok(Math.abs(t.sum().item() - js) <= 1e-9 * Math.abs(js));
    } finally {
      g.setBackend(before);
    }
  });
});

describe("gradients through fused chains", () => {
  test("gradcheck passes for the tanh chain and the grid chain with fusion on", () => {
    withFusion(true, () => {
      const gen = new g.Generator(SEED + 4);
      const x = randomTensor(gen, [80], "float64"),
        y = randomTensor(gen, [80], "float64");
      const w = randomTensor(gen, [80], "float64"),
        b = randomTensor(gen, [80], "float64");
      const chain = (wt: Tensor, bt: Tensor): Tensor => x.mul(wt).add(bt).tanh().sub(y).square().mean();
      const r1 = g.gradcheck(chain, [w, b]);
      assert.ok(r1.ok, `tanh chain: max rel error ${r1.maxRelError}`);
      const ws = randomTensor(gen, [3, 2, 1], "float64"),
        bs = randomTensor(gen, [3, 2, 1], "float64");
      const grid = (wt: Tensor, bt: Tensor): Tensor =>
        wt.mul(x).add(bt).sub(y).square().mean({ axis: -1 }).sum();
      const r2 = g.gradcheck(grid, [ws, bs]);
      assert.ok(r2.ok, `grid chain: max rel error ${r2.maxRelError}`);
    });
  });

  test("fused gradients equal the eager gradients bit for bit (float64), grad and backward()", () => {
    const gen = new g.Generator(SEED + 5);
    const x = randomTensor(gen, [300], "float64"),
      y = randomTensor(gen, [300], "float64");
    const w = randomTensor(gen, [300], "float64"),
      b = randomTensor(gen, [300], "float64");
    const ws = randomTensor(gen, [4, 5, 1], "float64"),
      bs = randomTensor(gen, [4, 5, 1], "float64");
    const chain = (wt: Tensor, bt: Tensor): Tensor => x.mul(wt).add(bt).tanh().sub(y).square().mean();
    const grid = (wt: Tensor, bt: Tensor): Tensor =>
      wt.mul(x).add(bt).sub(y).square().mean({ axis: -1 }).sum();
    for (const [name, f, args] of [
      ["chain", chain, [w, b]],
      ["grid", grid, [ws, bs]],
    ] as const) {
      const run = (): Tensor[] => {
        const [v, gs] = g.valueAndGrad(f, { argnums: [0, 1] })(args[0], args[1]) as [Tensor, Tensor[]];
        const wl = args[0].clone(),
          bl = args[1].clone();
        wl.requiresGrad = true;
        bl.requiresGrad = true;
        f(wl, bl).backward();
        return [v, ...gs, wl.grad!, bl.grad!];
      };
      const eager = withFusion(false, run);
      const fused = withFusion(true, run);
      ["value", "d/dw", "d/db", "backward d/dw", "backward d/db"].forEach((what, i) =>
        assertSameBits(fused[i], eager[i], `${name} ${what}`),
      );
    }
  });

  test("hessian-vector products through fused chains (recorded backward) match the eager ones", () => {
    const gen = new g.Generator(SEED + 6);
    const x = randomTensor(gen, [100], "float64"),
      w0 = randomTensor(gen, [100], "float64");
    const f = (wt: Tensor): Tensor => x.mul(wt).tanh().square().sum();
    const run = (): Tensor => g.grad((wt: Tensor) => (g.grad(f)(wt) as Tensor).mul(x).sum())(w0) as Tensor;
    assertSameBits(withFusion(true, run), withFusion(false, run), "grad of grad");
  });
});
