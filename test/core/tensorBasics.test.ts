import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
  tensor,
  scalar,
  zeros,
  ones,
  full,
  eye,
  arange,
  linspace,
  rand,
  randn,
  randint,
  seed,
  generator,
  zerosLike,
  onesLike,
  Tensor,
  ShapeError,
  info,
  setBackend,
  getBackend,
} from "../../src/index.js";

describe("creation", () => {
  test("tensor from nested arrays, typed arrays, numbers, booleans", () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, "float64");
    assert.equal(t.size, 6);
    assert.equal(t.ndim, 2);
    assert.deepEqual(t.toArray(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.equal(tensor(new Float32Array([1, 2])).dtype, "float32");
    assert.equal(tensor(new Int32Array([1, 2])).dtype, "int32");
    assert.equal(tensor([true, false]).dtype, "bool");
    assert.deepEqual(tensor([true, false]).toArray(), [true, false]);
    assert.deepEqual(tensor(3).shape, []);
    assert.equal(tensor(3).item(), 3);
    assert.equal(tensor([1.5, 2.5], { dtype: "int32" }).toArray()[1], 2);
    assert.equal(tensor([0.1], { dtype: "float32" }).item(), Math.fround(0.1));
  });
  test("data is copied from the input array", () => {
    const src = [1, 2];
    const t = tensor(src);
    src[0] = 9;
    assert.deepEqual(t.toArray(), [1, 2]);
  });
  test("ragged arrays are rejected with the shape", () => {
    assert.throws(
      () => tensor([[1, 2], [3]]),
      (e: Error) => e instanceof ShapeError && /ragged/.test(e.message),
    );
  });
  test("zeros, ones, full, eye, arange, linspace, like", () => {
    assert.deepEqual(zeros([2, 2]).toArray(), [
      [0, 0],
      [0, 0],
    ]);
    assert.deepEqual(ones([3], { dtype: "int32" }).toArray(), [1, 1, 1]);
    assert.deepEqual(full([2], 7).toArray(), [7, 7]);
    assert.deepEqual(eye(2).toArray(), [
      [1, 0],
      [0, 1],
    ]);
    assert.deepEqual(arange(4).toArray(), [0, 1, 2, 3]);
    assert.deepEqual(arange(0, 1, 0.25).toArray(), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(zerosLike(tensor([1, 2], { dtype: "float32" })).dtype, "float32");
    assert.deepEqual(onesLike(tensor([[1, 2]])).toArray(), [[1, 1]]);
    assert.equal(scalar(2, { requiresGrad: true }).requiresGrad, true);
    assert.throws(() => zeros([2, -1]), ShapeError);
  });
  test("seeded generators are reproducible and independent", () => {
    seed(42);
    const a = randn([5]).toArray();
    seed(42);
    const b = randn([5]).toArray();
    assert.deepEqual(a, b);
    const g1 = generator(7),
      g2 = generator(7);
    assert.deepEqual(g1.rand([4]).toArray(), g2.rand([4]).toArray());
    const u = rand([1000], { generator: generator(1) }).data;
    let mean = 0;
    for (const v of u) {
      assert.ok(v >= 0 && v < 1);
      mean += v / 1000;
    }
    assert.ok(Math.abs(mean - 0.5) < 0.05);
    const n = randn([4000], { generator: generator(2) }).data;
    let m = 0,
      v2 = 0;
    for (const v of n) {
      m += v / 4000;
      v2 += (v * v) / 4000;
    }
    assert.ok(Math.abs(m) < 0.06 && Math.abs(v2 - 1) < 0.08, `mean ${m} var ${v2}`);
    const r = randint(0, 3, [100], { generator: generator(3) });
    assert.equal(r.dtype, "int32");
    for (const v of r.data) assert.ok(v >= 0 && v < 3);
    const p = generator(5).permutation(10);
    assert.deepEqual(
      [...p].sort((x, y) => x - y),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });
  test("requiresGrad only on float tensors", () => {
    assert.throws(() => tensor([1], { dtype: "int32", requiresGrad: true }), /only float tensors/);
  });
});

describe("tensor methods", () => {
  test("item, clone, detach, assign, astype", () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.throws(() => t.item(), /exactly one/);
    const c = t.clone();
    c.assign(0);
    assert.deepEqual(t.toArray(), [
      [1, 2],
      [3, 4],
    ]);
    c.assign(tensor([5, 6]));
    assert.deepEqual(c.toArray(), [
      [5, 6],
      [5, 6],
    ]);
    c.assign([1, 2, 3, 4]);
    assert.deepEqual(c.toArray(), [
      [1, 2],
      [3, 4],
    ]);
    assert.throws(() => c.assign(tensor([1, 2, 3])), ShapeError);
    assert.deepEqual(tensor([1.7, -1.7]).astype("int32").toArray(), [1, -1]);
    assert.equal(t.astype("float32").dtype, "float32");
    const x = tensor([1], { requiresGrad: true });
    assert.equal(x.mul(2).detach().requiresGrad, false);
  });
  test("printing is NumPy-like", () => {
    assert.equal(
      String(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
      "tensor([[1., 2.],\n        [3., 4.]])",
    );
    assert.equal(String(tensor([0.5, 1])), "tensor([0.5, 1. ])");
    assert.equal(
      String(
        tensor([
          [0.25, -1],
          [3, 0.5],
        ]),
      ),
      "tensor([[ 0.25, -1.  ],\n        [ 3.  ,  0.5 ]])",
    );
    assert.equal(String(scalar(3)), "tensor(3.)");
    assert.equal(String(tensor([1, 2], { dtype: "int32" })), "tensor([1, 2], dtype=int32)");
    assert.equal(String(tensor([true, false])), "tensor([ true, false], dtype=bool)");
    assert.match(String(tensor([1], { requiresGrad: true })), /requiresGrad=true/);
    assert.match(String(zeros([2000])), /\.\.\./);
    assert.match(String(tensor([1e-9, 1])), /e-09/);
  });
  test("Jupyter display bundle has text/plain and an HTML table", () => {
    const shown = tensor([[1, 2]]) as unknown as Record<symbol, () => Record<string, string>>;
    const b = shown[Symbol.for("Jupyter.display")]();
    assert.equal(b["text/plain"], "tensor([[1., 2.]])");
    assert.match(b["text/html"], /<table/);
    assert.match(b["text/html"], /<td[^>]*>2\.<\/td>/);
  });
  test("backend and info", () => {
    // "auto" (wasm where it wins, JS elsewhere) is the default once the wasm backend registers.
    assert.equal(getBackend().name, "auto");
    setBackend("js");
    assert.throws(() => setBackend("nope"), /unknown backend/);
    const i = info();
    assert.equal(i.backend, "js");
    assert.equal(i.dtypeDefault, "float64");
    setBackend("auto");
    assert.ok(x_isTensor(zeros([1])));
  });
});

function x_isTensor(x: unknown): boolean {
  return x instanceof Tensor;
}
