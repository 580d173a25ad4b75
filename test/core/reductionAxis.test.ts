// Reductions take an axis the NumPy/PyTorch way (`x.sum(1)`, `x.max([0, 1])`) as well as an
// options object, with the same results; a bad axis is a ShapeError naming it.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as g from "../../src/index.js";
import { tensor, ShapeError, type Tensor } from "../../src/index.js";

const x = tensor([
  [1, 5, 3],
  [7, 2, 9],
]);

describe("reductions with a positional axis", () => {
  test("x.sum(1) reduces axis 1 only", () => {
    assert.deepEqual(x.sum(1).toArray(), [9, 18]);
    assert.deepEqual(x.sum(0).toArray(), [8, 7, 12]);
    assert.deepEqual(x.sum(1, { keepdims: true }).toArray(), [[9], [18]]);
    assert.deepEqual(g.sum(x, 1).toArray(), [9, 18]);
  });
  test("negative axes, arrays of axes, and every reduction", () => {
    assert.deepEqual(x.mean(-1).toArray(), [3, 6]);
    assert.equal(x.max([0, 1]).item(), 9);
    assert.deepEqual(x.max([0, 1], { keepdims: true }).shape, [1, 1]);
    assert.deepEqual(x.min(0).toArray(), [1, 2, 3]);
    assert.deepEqual(x.prod(1).toArray(), [15, 126]);
    assert.deepEqual(x.var(1, { correction: 1 }).toArray(), [4, 13]);
    assert.deepEqual(x.std(0).shape, [3]);
    assert.deepEqual(x.norm(1, { ord: 1 }).toArray(), [9, 18]);
    assert.deepEqual(x.logsumexp(1).shape, [2]);
    assert.deepEqual(x.argmax(1).toArray(), [1, 2]);
    assert.deepEqual(g.argmin(x, 0).toArray(), [0, 1, 0]);
    assert.deepEqual(x.softmax(0).shape, [2, 3]);
    assert.deepEqual(g.logSoftmax(x, 0).toArray(), g.logSoftmax(x, { axis: 0 }).toArray());
  });
  test("max returns values only, as NumPy's does (indices come from argmax)", () => {
    const m = x.max(1);
    assert.ok(m instanceof g.Tensor);
    assert.deepEqual(m.toArray(), [5, 9]);
  });
  test("the positional form equals the options form (property)", () => {
    const ops = ["sum", "mean", "max", "min", "prod", "logsumexp"] as const;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 100 }),
        fc.constantFrom(...ops),
        fc.boolean(),
        (shape, seed, op, keepdims) => {
          const t = g.randn(shape, { generator: g.generator(seed) });
          const nd = shape.length;
          const axis = (seed % (2 * nd)) - nd;
          const a = (t[op] as (a: unknown, o?: unknown) => Tensor)(axis, { keepdims });
          const b = (t[op] as (o: unknown) => Tensor)({ axis, keepdims });
          assert.deepEqual(a.shape, b.shape);
          assert.deepEqual(a.toArray(), b.toArray());
        },
      ),
      { seed: 12, numRuns: 200 },
    );
  });
  test("an out-of-range axis is a ShapeError naming the axis and the op", () => {
    assert.throws(
      () => x.sum(2),
      (e: unknown) => e instanceof ShapeError && /sum: axis 2 is out of range/.test(e.message),
    );
    assert.throws(
      () => x.mean(-3),
      (e: unknown) => e instanceof ShapeError && /mean: axis -3/.test(e.message),
    );
    assert.throws(
      () => x.max([0, 5]),
      (e: unknown) => e instanceof ShapeError && /max: axis 5/.test(e.message),
    );
    assert.throws(
      () => x.argmax(2),
      (e: unknown) => e instanceof ShapeError && /argmax: axis 2/.test(e.message),
    );
  });
  test("a value that is not an axis is refused instead of reducing everything", () => {
    const bad = x.sum as unknown as (a: unknown) => Tensor;
    assert.throws(() => bad.call(x, "1"), ShapeError);
    assert.throws(() => x.sum(1, { axis: 0 } as never), /axis given twice/);
  });
});

describe("quantile at its kink", () => {
  test("the gradient at d = 0 is 0, and quantile(τ = 0.5) has mae / 2's gradient", () => {
    const y = tensor([0, 1, -2, 0.5]);
    const gradOf = (f: (p: Tensor) => Tensor) => g.grad(f)(tensor([0, 3, -2, -1])) as Tensor;
    const q = gradOf((p) => g.loss.quantile(p, y, { tau: 0.5 })).toArray() as number[];
    const m = gradOf((p) => g.loss.mae(p, y)).toArray() as number[];
    // `+ 0` turns -0 into 0: the sign of a zero gradient is not part of the contract.
    assert.deepEqual(
      q.map((v) => v + 0),
      m.map((v) => v / 2 + 0),
    );
    assert.equal(q[0] + 0, 0);
    assert.equal(q[2] + 0, 0);
    const q9 = gradOf((p) => g.loss.quantile(p, y, { tau: 0.9 })).toArray() as number[];
    assert.equal(q9[0] + 0, 0);
  });
});
