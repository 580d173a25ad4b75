// Margin losses for labels y in {−1, +1}: the hinge family (kinked), the 0-1 loss (piecewise
// constant: its gradient is 0 wherever it exists, which is why nobody trains on it), and the
// cosine embedding loss.
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { add, div, eq, mul, ne, sub, where } from "../ops/binaryOps.js";
import { argmax, sum } from "../ops/reductionOps.js";
import { expandDims } from "../ops/shapeOps.js";
import { onesLike, tensor } from "../tensor/creation.js";
import { relu, square, step, sqrt } from "../ops/unaryOps.js";
import { none, withInfo } from "./lossInfo.js";
import { numberOption, reduce, sameShape, toTensor, type ReductionOptions } from "./reduction.js";

function marginPair(input: TensorLike, target: TensorLike, who: string): [Tensor, Tensor] {
  const x = toTensor(input, who, "input");
  const y = toTensor(target, who, "target");
  sameShape(x, y, who);
  const yd = y.data;
  for (let i = 0; i < y.size; i++) {
    if (yd[i] !== 1 && yd[i] !== -1)
      throw new Error(`loss.${who}: target must hold labels -1 or +1, found ${yd[i]} at flat index ${i}`);
  }
  return [x, y];
}

/** The margin slice: label +1, input z, so the variable is the margin m = y·x. */
function marginCurve(fn: (x: Tensor, y: Tensor, o: Record<string, unknown>) => Tensor) {
  return (z: Tensor, options: Record<string, unknown> = {}): Tensor =>
    fn(z, onesLike(z), { ...options, reduction: "none" });
}

function hingeLoss(
  input: TensorLike,
  target: TensorLike,
  options: ReductionOptions & { margin?: number } = {},
): Tensor {
  const margin = numberOption(options, "margin", 1, "hinge");
  const [x, y] = marginPair(input, target, "hinge");
  return reduce(relu(sub(margin, mul(y, x))), options.reduction, "hinge");
}

/**
 * Hinge loss `max(0, margin − y·x)` with labels y in {−1, +1} (the SVM loss). Default margin 1.
 * Convex, kink at y·x = margin (autodiff takes the 0 side, as relu does).
 *
 * @example
 * loss.hinge(tensor([2, 0.5, -1]), tensor([1, 1, 1])).item(); // (0 + 0.5 + 2) / 3
 */
export const hinge = withInfo(hingeLoss, {
  name: "hinge",
  formula: "max(0, m − y·x)",
  differentiability: "piecewise-smooth",
  variable: "y·x (the margin)",
  kinks: (o) => [(o?.margin as number) ?? 1],
  jumps: none,
  convex: true,
  surrogates: ["squaredHinge", "bceWithLogits", "smooth(hinge)"],
  note: "Zero once a point is classified with margin; kink at y·x = margin.",
  range: [-2, 3],
  curve: marginCurve((x, y, o) => hingeLoss(x, y, o)),
});

function squaredHingeLoss(
  input: TensorLike,
  target: TensorLike,
  options: ReductionOptions & { margin?: number } = {},
): Tensor {
  const margin = numberOption(options, "margin", 1, "squaredHinge");
  const [x, y] = marginPair(input, target, "squaredHinge");
  return reduce(square(relu(sub(margin, mul(y, x)))), options.reduction, "squaredHinge");
}

/**
 * Squared hinge `max(0, margin − y·x)²`: differentiable (its derivative is continuous), convex.
 *
 * @example
 * loss.squaredHinge(tensor([0]), tensor([1])).item(); // 1
 */
export const squaredHinge = withInfo(squaredHingeLoss, {
  name: "squaredHinge",
  formula: "max(0, m − y·x)²",
  differentiability: "smooth",
  variable: "y·x (the margin)",
  kinks: none,
  jumps: none,
  curvatureJumps: (o) => [(o?.margin as number) ?? 1],
  convex: true,
  surrogates: [],
  note: "Hinge made differentiable by squaring; the second derivative still jumps at the margin.",
  range: [-2, 3],
  curve: marginCurve((x, y, o) => squaredHingeLoss(x, y, o)),
});

function zeroOneLoss(
  input: TensorLike,
  target: TensorLike | number[],
  options: ReductionOptions = {},
): Tensor {
  const x = toTensor(input, "zeroOne", "input");
  const y = toTensor(target as TensorLike, "zeroOne", "target");
  if (x.ndim === 2 && y.ndim === 1 && x.shape[0] === y.shape[0] && x.shape[1]! >= 2) {
    const wrong = ne(
      argmax(x, { axis: 1 }),
      y.dtype === "int32" ? y : tensor(Int32Array.from(y.data as ArrayLike<number>), { dtype: "int32" }),
    );
    return reduce(where(wrong, 1, 0), options.reduction, "zeroOne");
  }
  const [xs, ys] = marginPair(x, y, "zeroOne");
  return reduce(sub(1, step(mul(ys, xs))), options.reduction, "zeroOne");
}

/**
 * The 0-1 loss: 1 for a misclassified example, else 0. Binary: scores `input` and labels in
 * {−1, +1}, an error when y·x ≤ 0. Multi-class: `input` [N, C] scores and class indices,
 * an error when argmax ≠ target. Piecewise constant: its gradient is 0 wherever it exists
 * (autodiff returns 0 everywhere: the `step` op), and it jumps at y·x = 0. Use a surrogate
 * (hinge, logistic = bceWithLogits, or `smooth(loss.zeroOne, {temperature})`).
 *
 * @example
 * loss.zeroOne(tensor([2, -1, 0.5]), tensor([1, 1, -1])).item(); // 2/3
 */
export const zeroOne = withInfo(zeroOneLoss, {
  name: "zeroOne",
  formula: "1 if y·x ≤ 0 else 0",
  differentiability: "not-differentiable",
  variable: "y·x (the margin)",
  kinks: none,
  jumps: () => [0],
  convex: false,
  surrogates: ["hinge", "bceWithLogits", "smooth(zeroOne)"],
  note: "What we care about (the error rate) but useless to gradient descent: its gradient is 0 or undefined.",
  range: [-2, 2],
  curve: marginCurve((x, y, o) => zeroOneLoss(x, y, o)),
});

const EPSILON = 1e-12;

/**
 * The cosine similarity along the last axis as torch's cosine_embedding_loss computes it
 * (squared norms padded by 1e-12), with the checked ±1 target.
 *
 * @example
 * const { cos } = cosineParts(tensor([[1, 0]]), tensor([[0, 1]]), tensor([1]), "myLoss"); // [0]
 */
export function cosineParts(
  x1In: TensorLike,
  x2In: TensorLike,
  targetIn: TensorLike,
  who: string,
): { cos: Tensor; y: Tensor } {
  const x1 = toTensor(x1In, who, "x1");
  const x2 = toTensor(x2In, who, "x2");
  const y = toTensor(targetIn, who, "target");
  if (x1.ndim !== x2.ndim || x1.shape.some((v, i) => v !== x2.shape[i]) || (x1.ndim !== 1 && x1.ndim !== 2)) {
    throw new Error(
      `loss.${who}: x1 [${x1.shape.join(", ")}] and x2 [${x2.shape.join(", ")}] must have the same shape, [N, D] or [D]`,
    );
  }
  const expected = x1.shape.slice(0, -1);
  if (y.ndim !== expected.length || y.shape.some((v, i) => v !== expected[i])) {
    throw new Error(
      `loss.${who}: target shape [${y.shape.join(", ")}] should be [${expected.join(", ")}] for inputs [${x1.shape.join(", ")}]`,
    );
  }
  const axis = x1.ndim - 1;
  const prod = sum(mul(x1, x2), { axis });
  const m1 = add(sum(mul(x1, x1), { axis }), EPSILON);
  const m2 = add(sum(mul(x2, x2), { axis }), EPSILON);
  return { cos: div(prod, sqrt(mul(m1, m2))), y };
}

function cosineEmbeddingLoss(
  x1In: TensorLike,
  x2In: TensorLike,
  targetIn: TensorLike,
  options: ReductionOptions & { margin?: number } = {},
): Tensor {
  const margin = numberOption(options, "margin", 0, "cosineEmbedding");
  const { cos, y } = cosineParts(x1In, x2In, targetIn, "cosineEmbedding");
  const out = add(where(eq(y, 1), sub(1, cos), 0), where(eq(y, -1), relu(sub(cos, margin)), 0));
  return reduce(out, options.reduction, "cosineEmbedding");
}

/**
 * Cosine embedding loss (torch cosine_embedding_loss): with c = cos(x1, x2) along the last
 * axis, `1 − c` for y = 1 and `max(0, c − margin)` for y = −1. Default margin 0. x1, x2 are
 * [N, D] (y [N]) or [D] (y a scalar).
 *
 * @example
 * loss.cosineEmbedding(tensor([[1, 0]]), tensor([[0, 1]]), tensor([1])).item(); // 1
 */
export const cosineEmbedding = withInfo(cosineEmbeddingLoss, {
  name: "cosineEmbedding",
  formula: "1 − cos(x1, x2) if y = 1 else max(0, cos(x1, x2) − m)",
  differentiability: "piecewise-smooth",
  variable: "c = cos(x1, x2) with y = −1",
  kinks: (o) => [(o?.margin as number) ?? 0],
  jumps: none,
  convex: false,
  surrogates: ["smooth(cosineEmbedding)"],
  note: "Pulls similar pairs together, pushes dissimilar ones below the margin; kink at c = margin for y = −1.",
  range: [-0.95, 0.95],
  curve: (z: Tensor, options: Record<string, unknown> = {}): Tensor => {
    // x1 = (1, 0), x2 = (z, √(1 − z²)): the cosine between them is z; label −1.
    const zc = expandDims(z, -1);
    const x1 = add(mul(zc, 0), tensor([1, 0]));
    const x2 = add(mul(zc, tensor([1, 0])), mul(expandDims(sqrt(sub(1, square(z))), -1), tensor([0, 1])));
    return cosineEmbeddingLoss(x1, x2, sub(mul(z, 0), 1), { ...options, reduction: "none" });
  },
});
