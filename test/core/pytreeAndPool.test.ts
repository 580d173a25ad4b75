import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as g from "../../src/index.js";
import { acquireForOverwrite, release } from "../../src/backend/bufferPool.js";
import { tensor, treeMap, treeLeaves, treeFlatten, treeUnflatten, Tensor } from "../../src/index.js";

describe("pytrees", () => {
  const tree = { w: tensor([1, 2]), layers: [tensor(3), { b: tensor([[4]]) }] };
  test("flatten / unflatten round-trip in depth-first, insertion order", () => {
    const [leaves, def] = treeFlatten(tree);
    assert.deepEqual(
      leaves.map((t) => t.toArray()),
      [[1, 2], 3, [[4]]],
    );
    const back = treeUnflatten(def, leaves);
    assert.equal(back.w, tree.w);
    assert.equal(back.layers[1].b, (tree.layers[1] as { b: Tensor }).b);
    assert.throws(() => treeUnflatten(def, leaves.slice(1)), /more than 2 leaves|got 2 leaves/);
  });
  test("treeLeaves and treeMap over several trees", () => {
    assert.equal(treeLeaves(tree).length, 3);
    const doubled = treeMap((a: Tensor, b: Tensor) => a.add(b), tree, tree);
    assert.deepEqual(doubled.layers[1].b.toArray(), [[8]]);
    assert.throws(() => treeMap((a: Tensor) => a, tree, { w: tensor(1) }), /different structure/);
  });
});

describe("remaining elementwise ops", () => {
  test("ceil, logical ops, isNonFinite", () => {
    assert.deepEqual(g.ceil(tensor([1.2, -1.2])).toArray(), [2, -1]);
    assert.deepEqual(g.logicalAnd(tensor([true, true, false]), tensor([true, false, false])).toArray(), [
      true,
      false,
      false,
    ]);
    assert.deepEqual(g.logicalOr(tensor([true, false]), false).toArray(), [true, false]);
    assert.deepEqual(g.logicalNot(tensor([true, false])).toArray(), [false, true]);
    assert.deepEqual(g.isNonFinite(tensor([1, NaN, Infinity, -Infinity])).toArray(), [
      false,
      true,
      true,
      true,
    ]);
    assert.deepEqual(g.normalCdf(tensor([0])).toArray(), [0.5]);
  });
  test("float32 stays float32 through ops and gradients", () => {
    const x = tensor([0.5, -1], { dtype: "float32" });
    const y = g.tanh(x.mul(2).add(1)).sum();
    assert.equal(y.dtype, "float32");
    const gx = g.grad((t: Tensor) => g.tanh(t.mul(2).add(1)).sum())(x);
    assert.equal(gx.dtype, "float32");
    assert.ok(Math.abs(gx.toArray()[0] - 2 * (1 - Math.tanh(2) ** 2)) < 1e-6);
  });
});

describe("buffer pool", () => {
  test("grad recycles the intermediates of its function; results stay intact", () => {
    const x = g.randn([1000], { generator: g.generator(1) });
    const f = (t: Tensor) => t.mul(t).add(1).tanh().sum();
    const first = g.grad(f)(x).toArray();
    const before = g.poolStats().hits;
    const second = g.grad(f)(x).toArray();
    assert.ok(g.poolStats().hits > before, "second call reused pooled buffers");
    assert.deepEqual(second, first);
  });
  test("acquireForOverwrite: the dtype and length asked for, a pooled buffer when there is one, a fresh one otherwise", () => {
    for (const dtype of ["float32", "float64", "int32"] as const) {
      const fresh = acquireForOverwrite(dtype, 4099);
      assert.equal(fresh.length, 4099);
      assert.equal(
        fresh.constructor,
        dtype === "float32" ? Float32Array : dtype === "float64" ? Float64Array : Int32Array,
      );
      assert.equal(fresh.byteOffset % fresh.BYTES_PER_ELEMENT, 0);
      fresh.fill(3);
      release(fresh);
      assert.equal(acquireForOverwrite(dtype, 4099), fresh, "the released buffer comes back");
    }
    assert.deepEqual(
      Array.from(acquireForOverwrite("float64", 3)),
      [0, 0, 0],
      "below the pool's minimum: a plain (zeroed) array",
    );
  });
  test("clearPool empties it", () => {
    g.clearPool();
    assert.equal(g.poolStats().pooledBytes, 0);
  });
});
