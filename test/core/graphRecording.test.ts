// How a recorded op keeps its inputs (fields for one or two, an array beyond) and how the
// reverse sweep orders a graph where one tensor feeds several consumers.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as g from "../../src/index.js";

test("a scalar binary op records its two inputs without an array; _node lists them", () => {
  const a = g.scalar(2, { requiresGrad: true });
  const b = g.scalar(3, { requiresGrad: true });
  const c = a.mul(b);
  assert.equal(c._in0, a);
  assert.equal(c._in1, b);
  assert.equal(c._inMore, null);
  assert.deepEqual(c._node!.inputs, [a, b]);
  const d = c.tanh();
  assert.equal(d._in0, c);
  assert.equal(d._in1, null);
  assert.deepEqual(d._node!.inputs, [c]);
});

test("an op with three inputs keeps them all and differentiates through each", () => {
  const xs = [1, 2, 3].map((v) => g.tensor([v, v + 1], { requiresGrad: true }));
  const y = g.concat(xs).square().sum();
  assert.equal(y._node!.inputs.length, 1);
  const cat = y._node!.inputs[0]._node!.inputs[0];
  assert.equal(cat._inMore!.length, 3);
  y.backward();
  assert.deepEqual(
    xs.map((x) => x.grad!.toArray()),
    [
      [2, 4],
      [4, 6],
      [6, 8],
    ],
  );
});

test("a tensor read by several consumers gets every contribution before its own rule runs", () => {
  // b feeds c twice and d once; d also reads c: the order must finish c and d before b.
  const a = g.scalar(0.7, { requiresGrad: true });
  const b = a.mul(a);
  const c = b.mul(b).add(b);
  const d = c.mul(b).add(c.tanh());
  d.backward();
  // d = (b² + b)·b + tanh(b² + b), b = a²
  const av = 0.7,
    bv = av * av,
    cv = bv * bv + bv;
  const dd_db = 3 * bv * bv + 2 * bv + (1 - Math.tanh(cv) ** 2) * (2 * bv + 1);
  assert.ok(Math.abs(a.grad!.item() - dd_db * 2 * av) < 1e-12);
});

test("grad stops at an intermediate target and a cut graph becomes a leaf", () => {
  const x = g.scalar(1.5, { requiresGrad: true });
  const h = x.mul(3);
  const y = h.square().add(h);
  const [gh] = g.grad((t: g.Tensor) => t.square().add(t), { argnums: [0] })(h) as [g.Tensor];
  assert.equal(gh.item(), 2 * 4.5 + 1);
  y._node = null;
  assert.equal(y.isLeaf, true);
  assert.equal(y._in0, null);
});
