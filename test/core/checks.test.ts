// gradcheck and checkDifferentiable: the two numerical answers to "is this gradient right?"
// and "is this function differentiable here?".
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  abs,
  argmax,
  checkDifferentiable,
  floor,
  gradcheck,
  gt,
  maximum,
  oneHot,
  relu,
  round,
  scalar,
  sign,
  step,
  stopGradient,
  tanh,
  tensor,
  Tensor,
  where,
} from "../../src/index.js";

const close = (actual: number, expected: number, tol = 1e-6, what = "value"): void => {
  assert.ok(
    Math.abs(actual - expected) <= tol * (1 + Math.abs(expected)),
    `${what}: ${actual} is not within ${tol} of ${expected}`,
  );
};

describe("gradcheck", () => {
  test("agrees with autodiff on a smooth two-input function", () => {
    const x = tensor([0.5, -1.2, 2.0]);
    const w = tensor([
      [1.0, 2.0, -0.5],
      [0.3, -0.7, 1.1],
    ]);
    const r = gradcheck((x, w) => tanh(w.mul(x)).sum(), [x, w]);
    assert.equal(r.ok, true);
    assert.ok(r.maxAbsError < 1e-8, `maxAbsError ${r.maxAbsError}`);
    assert.ok(r.maxRelError < 1e-6, `maxRelError ${r.maxRelError}`);
    assert.equal(r.analytic.length, 2);
    assert.deepEqual(r.numeric[1].shape, [2, 3]);
    assert.equal(r.evaluations, 2 + 2 * (3 + 6));
    assert.match(r.summary, /^gradcheck passed: .* at all 9 elements of 2 input tensors/);
  });

  test("accepts a single tensor and leaves the caller's data untouched", () => {
    const x = tensor([
      [1.5, -2.0],
      [0.25, 3.0],
    ]);
    const before = Array.from(x.data);
    const r = gradcheck((x) => x.mul(x).mul(x).sum(), x);
    assert.equal(r.ok, true);
    assert.deepEqual(Array.from(x.data), before);
    close(r.analytic[0].toArray()[1][1], 27, 1e-12, "d(x^3)/dx at 3");
  });

  test("catches a wrong gradient and names the input and element where it is worst", () => {
    // stopGradient hides one factor from the tape: autodiff sees d(c*x)/dx = x instead of 2x.
    const a = tensor([0.1, 0.2]);
    const x = tensor([
      [1.0, -2.0, 0.5],
      [4.0, 0.25, -1.0],
    ]);
    const r = gradcheck((a, x) => a.sum().add(stopGradient(x).mul(x).sum()), [a, x]);
    assert.equal(r.ok, false);
    assert.ok(r.worstIndex !== null);
    assert.equal(r.worstIndex.path, "inputs[1]");
    assert.equal(r.worstIndex.argument, 1);
    assert.equal(r.worstIndex.leaf, 1);
    assert.equal(r.worstIndex.flat, 3);
    assert.deepEqual(r.worstIndex.index, [1, 0]);
    close(r.worstIndex.analytic, 4, 1e-12, "analytic");
    close(r.worstIndex.numeric, 8, 1e-6, "numeric");
    close(r.maxAbsError, 4, 1e-6, "maxAbsError");
    close(r.maxRelError, 0.5, 1e-6, "maxRelError");
    assert.match(
      r.summary,
      /^gradcheck failed at inputs\[1\]\[1, 0\]: autodiff says 4, central differences say (8|7\.99+)\d* /,
    );
  });

  test("checks every tensor of a parameter object (pytree) and names the worst by path", () => {
    const params = {
      w1: tensor([
        [0.5, -0.3],
        [0.8, 0.1],
      ]),
      b1: tensor([0.1, -0.2]),
      out: { w2: tensor([1.5, -0.7]) },
    };
    const xs = tensor([
      [1.0, 2.0],
      [-0.5, 0.3],
      [0.2, -1.1],
    ]);
    const mlp = (p: typeof params): Tensor =>
      tanh(xs.matmul(p.w1).add(p.b1)).matmul(p.out.w2).square().mean();
    const good = gradcheck(mlp, [params]);
    assert.equal(good.ok, true, good.summary);
    assert.equal(good.analytic.length, 3);
    assert.deepEqual(
      good.numeric.map((t) => t.shape),
      [[2, 2], [2], [2]],
    );
    // Hide w2 from the tape in one factor: only the gradient of out.w2 goes wrong.
    const bad = gradcheck(
      (p: typeof params) => mlp(p).add(p.out.w2.mul(stopGradient(p.out.w2)).sum()),
      [params],
    );
    assert.equal(bad.ok, false);
    assert.equal(bad.worstIndex?.path, "inputs[0].out.w2");
    assert.equal(bad.worstIndex?.argument, 0);
    assert.equal(bad.worstIndex?.leaf, 2);
  });

  test("a NaN gradient fails the check", () => {
    const x = tensor([0.0, 1.0]);
    const r = gradcheck((x) => x.sqrt().sum(), x); // d sqrt(x)/dx = Infinity at 0; the quotient is NaN
    assert.equal(r.ok, false);
    assert.equal(r.worstIndex?.flat, 0);
  });

  test("float32 inputs use looser defaults and still pass", () => {
    const x = tensor([0.3, -0.8, 1.7], { dtype: "float32" });
    const r = gradcheck((x) => x.mul(x).sum(), x);
    assert.equal(r.ok, true);
  });

  test("tolerances are honoured", () => {
    const x = tensor([1.0, 2.0]);
    const f = (x: Tensor): Tensor => x.exp().sum();
    assert.equal(gradcheck(f, x, { eps: 1e-2, atol: 0, rtol: 1e-12 }).ok, false);
    assert.equal(gradcheck(f, x, { eps: 1e-2, atol: 0, rtol: 1e-4 }).ok, true);
  });

  test("clear errors for bad inputs", () => {
    const x = tensor([1.0, 2.0]);
    assert.throws(
      () => gradcheck((x) => x.mul(2), x),
      /gradcheck: f must return a scalar \(shape \[\]\), got shape \[2\]/,
    );
    assert.throws(
      () => gradcheck((x) => x.sum(), tensor([1, 2], { dtype: "int32" })),
      /inputs\[0\] has dtype int32/,
    );
    assert.throws(() => gradcheck((x) => x.sum(), []), /inputs is an empty array/);
    assert.throws(
      () => gradcheck((x) => x.sum(), [x, [1, 2] as unknown as Tensor]),
      /inputs\[1\]\[0\] must be a Tensor, got number 1/,
    );
    assert.throws(
      () => gradcheck((p) => p.w.sum(), [{ w: x, b: "bias" } as unknown as Tensor]),
      /inputs\[0\]\.b must be a Tensor, got string bias/,
    );
    assert.throws(() => gradcheck(() => scalar(1), [{}]), /inputs hold no tensors/);
    assert.throws(() => gradcheck((x) => x.sum(), x, { eps: 0 }), /eps must be a finite positive number/);
    assert.throws(
      () => gradcheck((x) => x.sum(), x, { atol: -1 }),
      /atol must be a finite non-negative number/,
    );
    assert.throws(() => gradcheck("sum" as unknown as (x: Tensor) => Tensor, x), /f must be a function/);
  });
});

describe("checkDifferentiable", () => {
  test("x^2 is smooth, with equal one-sided derivatives", () => {
    const r = checkDifferentiable((x) => x.square(), 3);
    assert.equal(r.kind, "smooth");
    close(r.left, 6, 1e-7, "left");
    close(r.right, 6, 1e-7, "right");
    close(r.subgradient[0], 6, 1e-7);
    close(r.subgradient[1], 6, 1e-7);
    close(r.autodiff, 6, 1e-12, "autodiff");
    assert.equal(r.op, undefined);
    assert.deepEqual(r.ops, []);
    assert.match(r.summary, /^differentiable at x = 3: .* derivative 6\.$/);
  });

  test("derivatives are reported to their measured precision, so noise does not show", () => {
    const r = checkDifferentiable((x) => x.square(), 3);
    assert.equal(r.left, 6);
    assert.equal(r.right, 6);
    assert.equal(checkDifferentiable((x) => x.square(), 0).right, 0);
    const e = checkDifferentiable((x) => x.exp(), 1);
    close(e.left, Math.E, 1e-8, "e");
  });

  test("close to the edge of the domain the ladder of steps shrinks to stay inside it", () => {
    const r = checkDifferentiable((x) => x.log(), 1e-3);
    assert.equal(r.kind, "smooth");
    close(r.left, 1000, 1e-7);
    close(r.right, 1000, 1e-7);
  });

  test("|x| at 0 is a kink with subgradient [-1, 1]", () => {
    const r = checkDifferentiable((x) => abs(x), 0);
    assert.equal(r.kind, "kink");
    close(r.left, -1, 1e-9, "left");
    close(r.right, 1, 1e-9, "right");
    assert.deepEqual(
      r.subgradient.map((v) => Math.round(v * 1e9) / 1e9),
      [-1, 1],
    );
    assert.ok(r.autodiff >= -1 && r.autodiff <= 1, `autodiff picks a subgradient, got ${r.autodiff}`);
    assert.equal(r.op, "abs", "the op sitting on its corner is named");
    assert.equal(
      r.summary,
      "not differentiable at x = 0: a kink (op: abs). f is continuous, but its left derivative -1 differs from its right derivative 1; " +
        "every slope in [-1, 1] is a subgradient, and autodiff returns 0.",
    );
    assert.deepEqual(r.kinkOps, ["abs"]);
  });

  test("|x| away from 0 is smooth", () => {
    const r = checkDifferentiable((x) => abs(x), -0.5);
    assert.equal(r.kind, "smooth");
    close(r.left, -1, 1e-9);
    assert.equal(r.op, undefined);
    assert.deepEqual(r.kinkOps, []);
  });

  test("relu at 0 is a kink with subgradient [0, 1]", () => {
    const r = checkDifferentiable((x) => relu(x), 0);
    assert.equal(r.kind, "kink");
    close(r.left, 0, 1e-9, "left");
    close(r.right, 1, 1e-9, "right");
    close(r.subgradient[0], 0, 1e-9);
    close(r.subgradient[1], 1, 1e-9);
    assert.equal(r.op, "relu");
  });

  test("the hinge max(0, 1 - y*x) at its margin y*x = 1 is a kink with subgradient [-y, 0]", () => {
    const y = 2;
    const r = checkDifferentiable((x) => relu(scalar(1).sub(x.mul(y))), 0.5);
    assert.equal(r.kind, "kink");
    close(r.left, -2, 1e-9, "left");
    close(r.right, 0, 1e-9, "right");
    close(r.subgradient[0], -2, 1e-9);
    close(r.subgradient[1], 0, 1e-9);
    assert.equal(r.op, "relu");
  });

  test("the hinge loss max(0, 1 - x) at its margin x = 1 is a kink with subgradient [-1, 0]", () => {
    const r = checkDifferentiable((x) => relu(scalar(1).sub(x)), 1);
    assert.equal(r.kind, "kink");
    assert.deepEqual(
      r.subgradient.map((v) => Math.round(v * 1e9) / 1e9),
      [-1, 0],
    );
    assert.ok(
      r.autodiff === 0,
      "relu'(0) = 0 by convention, so autodiff reports the right derivative (-0 counts)",
    );
  });

  test("comparisons and argmax are named as zero-gradient ops", () => {
    const cmp = checkDifferentiable((x) => where(gt(x, 1), 5, x), 1);
    assert.equal(cmp.kind, "jump");
    assert.equal(cmp.op, "gt");
    // max written with argmax: at a tie the selected coordinate switches, leaving a kink.
    const viaArgmax = checkDifferentiable((x) => x.mul(oneHot(argmax(x), 2)).sum(), tensor([1.0, 1.0]));
    assert.equal(viaArgmax.kind, "kink");
    assert.deepEqual(viaArgmax.ops, ["argmax"]);
    assert.equal(viaArgmax.op, "argmax");
  });

  test("step at 0 is a jump, and the report names the step op", () => {
    const r = checkDifferentiable((x) => step(x), 0);
    assert.equal(r.kind, "jump");
    close(r.left, 0, 1e-12, "left");
    assert.equal(r.right, Infinity);
    assert.deepEqual(r.subgradient, [-Infinity, Infinity]);
    close(r.limits.left, 0, 0);
    close(r.limits.right, 1, 0);
    assert.equal(r.op, "step");
    assert.equal(r.autodiff, 0, "autodiff passes zero gradient through step");
    assert.match(
      r.summary,
      /^not differentiable at x = 0: f jumps \(from 0 through 0 to 1\), so it is not even continuous there \(op: step\)/,
    );
  });

  test("step away from 0 is flat but still names the op that hides jumps from autodiff", () => {
    const r = checkDifferentiable((x) => step(x).mul(x), 2);
    assert.equal(r.kind, "smooth");
    close(r.right, 1, 1e-9);
    assert.equal(r.op, "step");
  });

  test("sign, round and floor jump at their discontinuities", () => {
    const s = checkDifferentiable((x) => sign(x), 0);
    assert.equal(s.kind, "jump");
    assert.equal(s.op, "sign");
    assert.equal(s.left, Infinity);
    assert.equal(s.right, Infinity);
    const r = checkDifferentiable((x) => round(x), 0.5);
    assert.equal(r.kind, "jump");
    assert.equal(r.op, "round");
    const fl = checkDifferentiable((x) => floor(x).add(x), 1);
    assert.equal(fl.kind, "jump");
    assert.equal(fl.op, "floor");
    close(fl.right, 1, 1e-9, "right of floor(x) + x at 1");
  });

  test("at a kink the op on its corner is blamed, not an unrelated zero-gradient op", () => {
    const r = checkDifferentiable((x) => relu(x).add(step(x.add(5)).mul(0)), 0);
    assert.equal(r.kind, "kink");
    assert.equal(r.op, "relu");
    assert.deepEqual(r.ops, ["step"]);
  });

  test("maximum at a tie is a kink with both slopes", () => {
    const r = checkDifferentiable((x) => maximum(x, x.mul(2)), 0);
    assert.equal(r.kind, "kink");
    close(r.left, 1, 1e-9);
    close(r.right, 2, 1e-9);
    assert.equal(r.op, "maximum");
  });

  test("sqrt at 0 sits on the edge of its domain: not differentiable", () => {
    const r = checkDifferentiable((x) => x.sqrt(), 0);
    assert.equal(r.kind, "kink");
    assert.ok(Number.isNaN(r.left));
    assert.equal(r.right, Infinity);
  });

  test("per coordinate for a tensor x: L1 loss has a kink only where the residual is 0", () => {
    const target = tensor([1.0, -2.0, 0.5]);
    const r = checkDifferentiable((x) => abs(x.sub(target)).sum(), tensor([1.0, 0.0, 0.0]));
    assert.equal(r.kind, "kink");
    assert.deepEqual(r.kinds, ["kink", "smooth", "smooth"]);
    assert.deepEqual(r.worstIndex, [0]);
    assert.match(
      r.summary,
      /^not differentiable at coordinate \[0\] of x: a kink \(op: abs\).* 1 of 3 coordinates are not smooth\.$/,
    );
    const left = r.left.toArray() as number[];
    const right = r.right.toArray() as number[];
    close(left[0], -1, 1e-9);
    close(right[0], 1, 1e-9);
    close(left[1], 1, 1e-9);
    close(right[2], -1, 1e-9);
    assert.deepEqual(r.subgradient[0].shape, [3]);
    assert.deepEqual(r.autodiff.shape, [3]);
  });

  test("per coordinate for a 2-D x: mean squared error is smooth everywhere", () => {
    const x = tensor([
      [0.5, -1.0],
      [2.0, 0.0],
    ]);
    const r = checkDifferentiable((w) => w.sub(1).square().mean(), x);
    assert.equal(r.kind, "smooth");
    assert.deepEqual(r.right.shape, [2, 2]);
    const expected = [
      [-0.25, -1.0],
      [0.5, -0.5],
    ];
    const right = r.right.toArray() as number[][];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) close(right[i][j], expected[i][j], 1e-7);
  });

  test("clear errors for bad inputs", () => {
    assert.throws(
      () => checkDifferentiable((x) => x.mul(tensor([1, 2])), 0),
      /f must return a scalar, got shape \[2\]/,
    );
    assert.throws(() => checkDifferentiable((x) => x, NaN), /x must be a finite number, got NaN/);
    assert.throws(() => checkDifferentiable((x) => x, 0, { h: -1 }), /h must be a finite positive number/);
    assert.throws(() => checkDifferentiable((x) => x.log(), -1), /f\(-1\) = NaN; f must be finite/);
    assert.throws(
      () => checkDifferentiable((x) => x.sum(), tensor([1, 2], { dtype: "int32" })),
      /x has dtype int32/,
    );
    assert.throws(
      () => checkDifferentiable((x) => x.sum(), "1" as unknown as number),
      /x must be a number or a Tensor, got string/,
    );
    assert.throws(
      () => checkDifferentiable((() => "a") as unknown as (x: Tensor) => Tensor, 1),
      /f must return a Tensor or a number, got string/,
    );
  });
});
