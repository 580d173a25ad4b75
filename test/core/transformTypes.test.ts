// The transforms' result types follow the function and argnums: these assignments only compile
// when the inferred types are the precise ones (no `any`, no casts), and the runtime values
// have the structure the types promise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor, tensor, grad, valueAndGrad, vjp, jvp, jacobian, loss, gradcheck } from "../../src/index.js";

/** Compiles only when A and B are the same type (neither `any`). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(_proof: Equal<A, B>): void => undefined;

test("grad and valueAndGrad are typed from the function's parameters and argnums", () => {
  const f = (p: { w: Tensor; b: Tensor }, x: Tensor) => p.w.mul(x).add(p.b).sum();
  const p = { w: tensor([1, 2]), b: tensor(0.5) };
  const x = tensor([3, 4]);
  const g0 = grad(f)(p, x);
  same<typeof g0, { w: Tensor; b: Tensor }>(true);
  assert.deepEqual(g0.w.toArray(), [3, 4]);
  const g01 = grad(f, { argnums: [0, 1] })(p, x);
  same<typeof g01, [{ w: Tensor; b: Tensor }, Tensor]>(true);
  assert.equal(g01[0].b.item(), 2);
  const g1 = grad(f, { argnums: 1 })(p, x);
  same<typeof g1, Tensor>(true);
  assert.deepEqual(g1.toArray(), [1, 2]);
  const [value, [gw, gx]] = valueAndGrad(f, { argnums: [0, 1] })(p, x);
  same<typeof value, Tensor>(true);
  assert.equal(value.item(), 12);
  same<typeof gw, { w: Tensor; b: Tensor }>(true);
  assert.deepEqual(gw.w.toArray(), [3, 4]);
  assert.deepEqual(gx.toArray(), [1, 2]);
  const scalarGrads = grad((a: number, b: Tensor[]) => b[0].mul(a).sum(), { argnums: [0, 1] })(2, [x]);
  same<typeof scalarGrads, [Tensor, Tensor[]]>(true);
  assert.equal(scalarGrads[0].item(), 7);
});

test("vjp, jvp and jacobian are typed from the function", () => {
  const [y, back] = vjp((a: Tensor, b: { s: Tensor }) => a.mul(b.s), tensor([1, 2]), { s: tensor(3) });
  same<typeof y, Tensor>(true);
  assert.deepEqual(y.toArray(), [3, 6]);
  const grads = back(tensor([1, 1]));
  same<typeof grads, [Tensor, { s: Tensor }]>(true);
  assert.deepEqual(grads[0].toArray(), [3, 3]);
  assert.equal(grads[1].s.item(), 3);
  const [out, tangent] = jvp((a: Tensor) => [a.sin(), a.cos()], [tensor([0])], [tensor([1])]);
  same<typeof out, Tensor[]>(true);
  assert.equal(out.length, 2);
  same<typeof tangent, Tensor[]>(true);
  assert.equal(tangent[0].toArray()[0], 1);
  same<ReturnType<ReturnType<typeof jacobian>>, Tensor>(true);
});

test("a smoothed loss has the original loss's signature", () => {
  const softHinge = loss.smooth(loss.hinge, { beta: 0.05 });
  same<typeof softHinge, typeof loss.hinge>(true);
  const scores = tensor([2, -0.5, 0.3]),
    labels = tensor([1, -1, -1]);
  assert.ok(Number.isFinite(softHinge(scores, labels, { margin: 1 }).item()));
  // @ts-expect-error a loss needs its target
  assert.throws(() => softHinge(scores));
});

test("gradcheck's worst element names its argument, its leaf and its path consistently", () => {
  const r = gradcheck(
    (a: Tensor, p: { b0: Tensor; b1: Tensor }) => a.sum().add(p.b0.sum()).add(p.b1.mul(p.b1.detach()).sum()),
    [tensor([1]), { b0: tensor([1]), b1: tensor([1, 2]) }],
  );
  assert.equal(r.ok, false);
  assert.equal(r.worstIndex?.path, "inputs[1].b1");
  assert.equal(r.worstIndex?.argument, 1);
  assert.equal(r.worstIndex?.leaf, 2);
  assert.deepEqual(r.worstIndex?.index, [1]);
});
