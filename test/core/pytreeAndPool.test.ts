import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as g from "../../src/index.js";
import { tensor, treeMap, treeLeaves, treeFlatten, treeUnflatten, Tensor } from "../../src/index.js";

describe("pytrees", () => {
  const tree = { w: tensor([1, 2]), layers: [tensor(3), { b: tensor([[4]]) }] };
  test("flatten / unflatten round-trip in depth-first, insertion order", () => {
    const [leaves, def] = treeFlatten(tree);
    assert.deepEqual(leaves.map((t) => t.toArray()), [[1, 2], 3, [[4]]]);
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
    assert.deepEqual(g.logicalAnd(tensor([true, true, false]), tensor([true, false, false])).toArray(), [true, false, false]);
    assert.deepEqual(g.logicalOr(tensor([true, false]), false).toArray(), [true, false]);
    assert.deepEqual(g.logicalNot(tensor([true, false])).toArray(), [false, true]);
    assert.deepEqual(g.isNonFinite(tensor([1, NaN, Infinity, -Infinity])).toArray(), [false, true, true, true]);
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
  test("clearPool empties it", () => {
    g.clearPool();
    assert.equal(g.poolStats().pooledBytes, 0);
  });
});
