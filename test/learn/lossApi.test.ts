// The loss API beyond the torch fixtures: argument forms, errors that name the problem,
// the 0-1 loss, metadata, and stability at extreme logits.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { grad, loss, sum, tensor, type Tensor } from "../../src/index.js";

const arr = (t: Tensor): number[] => Array.from(t.data as ArrayLike<number>);

describe("loss API", () => {
  test("targets may be tensors, number[] class indices or plain arrays", () => {
    const logits = tensor([
      [2, 0, -1],
      [0, 3, 0],
    ]);
    const a = loss.crossEntropy(logits, [0, 1]).item();
    const b = loss.crossEntropy(logits, tensor([0, 1], { dtype: "int32" })).item();
    assert.equal(a, b);
    assert.equal(loss.mse(tensor([1, 2]), [1, 4]).item(), 2);
    assert.equal(loss.mse([1, 2] as never, 0 as never).item(), 2.5, "a scalar target broadcasts");
  });

  test("shape mismatches are refused with both shapes named", () => {
    assert.throws(
      () => loss.mse(tensor([[1], [2]]), tensor([1, 2])),
      /loss.mse: input shape \[2, 1\] and target shape \[2\] differ/,
    );
    assert.throws(
      () => loss.crossEntropy(tensor([[1, 2]]), [0, 1]),
      /class-index target has shape \[2\], expected \[1\]/,
    );
    assert.throws(() => loss.crossEntropy(tensor([[1, 2]]), [2]), /class index 2 .* outside \[0, 2\)/);
    assert.throws(
      () => loss.crossEntropy(tensor([[1, 2]]), [0], { weight: [1, 2, 3] }),
      /weight must have shape \[2\]/,
    );
    assert.throws(
      () => loss.cosineEmbedding(tensor([[1, 0]]), tensor([[1, 0, 0]]), tensor([1])),
      /x1 \[1, 2\] and x2 \[1, 3\]/,
    );
  });

  test("option and label checks", () => {
    assert.throws(() => loss.hinge(tensor([1]), tensor([0])), /labels -1 or \+1, found 0/);
    assert.throws(() => loss.bce(tensor([1.5]), tensor([1])), /probabilities in \[0, 1\], found 1.5/);
    assert.throws(() => loss.huber(tensor([1]), tensor([0]), { delta: 0 }), /delta must be > 0/);
    assert.throws(() => loss.quantile(tensor([1]), tensor([0]), { tau: 1 }), /tau must be in \(0, 1\)/);
    assert.throws(
      () => loss.mse(tensor([1]), tensor([0]), { reduction: "avg" as never }),
      /reduction must be "mean", "sum" or "none"/,
    );
  });

  test("zeroOne counts errors and passes zero gradient; multi-class uses argmax", () => {
    assert.ok(Math.abs(loss.zeroOne(tensor([2, -1, 0.5, 0]), tensor([1, 1, -1, 1])).item() - 0.75) < 1e-15);
    assert.deepEqual(arr(loss.zeroOne(tensor([2, -1]), tensor([1, 1]), { reduction: "none" })), [0, 1]);
    assert.deepEqual(arr(grad((x: Tensor) => loss.zeroOne(x, tensor([1, -1])))(tensor([0.3, 0.7]))), [0, 0]);
    assert.equal(
      loss
        .zeroOne(
          tensor([
            [3, 1, 0],
            [0, 1, 2],
          ]),
          [0, 1],
          { reduction: "sum" },
        )
        .item(),
      1,
    );
  });

  test("no NaN or Infinity at logits of ±1000, in values or gradients", () => {
    const x = tensor([
      [1000, -1000],
      [-1000, 1000],
    ]);
    for (const f of [
      () => loss.crossEntropy(x, [1, 0]),
      () =>
        loss.bceWithLogits(
          x,
          tensor([
            [0, 1],
            [1, 0],
          ]),
        ),
      () =>
        sum(
          loss.focal(
            x,
            tensor([
              [0, 1],
              [1, 0],
            ]),
          ),
        ),
      () =>
        loss.logCosh(
          x,
          tensor([
            [0, 0],
            [0, 0],
          ]),
        ),
    ]) {
      const v = f().item();
      assert.ok(Number.isFinite(v), `value ${v}`);
    }
    const g = grad((t: Tensor) => loss.crossEntropy(t, [1, 0]))(x);
    assert.ok(arr(g).every(Number.isFinite));
    assert.equal(loss.crossEntropy(x, [1, 0]).item(), 2000);
  });

  test("float32 inputs give float32 losses and gradients", () => {
    const x = tensor(
      [
        [1, 2, 3],
        [0, 1, 0],
      ],
      { dtype: "float32" },
    );
    assert.equal(loss.crossEntropy(x, [2, 1], { weight: [1, 2, 3], labelSmoothing: 0.1 }).dtype, "float32");
    assert.equal(grad((t: Tensor) => loss.crossEntropy(t, [2, 1]))(x).dtype, "float32");
    assert.equal(
      loss.huber(
        x,
        tensor(
          [
            [0, 0, 0],
            [0, 0, 0],
          ],
          { dtype: "float32" },
        ),
      ).dtype,
      "float32",
    );
  });

  test("every loss carries metadata, and the catalog lists them all", () => {
    const names = loss.catalog().map((i) => i.name);
    assert.equal(names.length, 17);
    assert.equal(loss.l1, loss.mae);
    for (const info of loss.catalog()) {
      assert.ok(["smooth", "piecewise-smooth", "not-differentiable"].includes(info.differentiability));
      assert.equal(typeof info.convex, "boolean");
      if (info.differentiability === "piecewise-smooth")
        assert.ok(info.kinks().length > 0, `${info.name} names its kinks`);
      if (info.differentiability === "not-differentiable")
        assert.ok(info.jumps().length > 0, `${info.name} names its jumps`);
      if (info.differentiability !== "smooth")
        assert.ok(info.surrogates.length > 0, `${info.name} suggests surrogates`);
    }
    assert.deepEqual(loss.hinge.info.kinks({ margin: 2 }), [2]);
    assert.deepEqual(loss.huber.info.curvatureJumps!({ delta: 0.5 }), [-0.5, 0.5]);
    assert.equal(loss.mse.name, "mse");
  });
});
