// Binary probabilistic losses: binary cross-entropy on probabilities (with PyTorch's log clamp)
// and on logits (the stable softplus form), the sigmoid focal loss, and KL divergence.
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { add, div, gt, maximum, mul, sub, where } from "../ops/binaryOps.js";
import { pow } from "../ops/powOps.js";
import { apply, defineOp } from "../autodiff/opRegistry.js";
import { broadcastTo, sum } from "../ops/reductionOps.js";
import { exp, log, neg, sigmoid, softplus } from "../ops/unaryOps.js";
import { reshape } from "../ops/shapeOps.js";
import { tensor } from "../tensor/creation.js";
import { none, withInfo } from "./lossInfo.js";
import {
  numberOption,
  reduce,
  sameShape,
  toTensor,
  type Reduction,
  type ReductionOptions,
} from "./reduction.js";

type WeightLike = TensorLike | number[];

// PyTorch computes binary_cross_entropy's gradient as (p − y) / max(p·(1 − p), ε), not as
// the derivative of the clamped logs, so near p = 0 or 1 the two differ; this op reproduces
// PyTorch's forward (logs clamped at −100) and its backward, the backward written with
// differentiable ops so higher derivatives still work.
// PyTorch's EPSILON is the float literal 1e-12f, i.e. 1e-12 rounded to float32.
const BCE_EPSILON = Math.fround(1e-12);

const bceOp = defineOp<null>({
  name: "binaryCrossEntropy",
  differentiable: true,
  forward: ([p, y]) => {
    const pd = p!.data,
      yd = y!.data;
    const out = new Float64Array(p!.size);
    for (let i = 0; i < out.length; i++) {
      const lp = Math.max(Math.log(pd[i]!), -100);
      const l1p = Math.max(Math.log(1 - pd[i]!), -100);
      out[i] = -(yd[i]! * lp + (1 - yd[i]!) * l1p);
    }
    return reshape(
      tensor(p!.dtype === "float32" ? Float32Array.from(out) : out, {
        dtype: p!.dtype === "float32" ? "float32" : "float64",
      }),
      p!.shape,
    );
  },
  backward: (g, c) => {
    const [p, y] = c.inputs as [Tensor, Tensor];
    return [
      c.needs[0] ? div(mul(g, sub(p, y)), maximum(mul(sub(1, p), p), BCE_EPSILON)) : null,
      c.needs[1] ? mul(g, sub(maximum(log(sub(1, p)), -100), maximum(log(p), -100))) : null,
    ];
  },
});

function pair(input: TensorLike, target: TensorLike, who: string): [Tensor, Tensor] {
  const x = toTensor(input, who, "input");
  const y = toTensor(target, who, "target");
  sameShape(x, y, who);
  return [x, y];
}

/** The probability slice: target 1, input p in (0, 1). */
function positiveCurve(fn: (x: Tensor, y: Tensor, o: Record<string, unknown>) => Tensor) {
  return (z: Tensor, options: Record<string, unknown> = {}): Tensor =>
    fn(z, add(mul(z, 0), 1), { ...options, reduction: "none" });
}

function bceLoss(
  input: TensorLike,
  target: TensorLike,
  options: ReductionOptions & { weight?: WeightLike } = {},
): Tensor {
  const [p, y] = pair(input, target, "bce");
  const pd = p.data;
  for (let i = 0; i < p.size; i++) {
    if (!(pd[i]! >= 0 && pd[i]! <= 1))
      throw new Error(
        `loss.bce: input must be probabilities in [0, 1], found ${pd[i]} at flat index ${i} (for scores use loss.bceWithLogits)`,
      );
  }
  let out = apply(bceOp, [p, y.shape.length === p.shape.length ? y : broadcastTo(y, p.shape)], null);
  if (options.weight !== undefined) out = mul(out, toTensor(options.weight as TensorLike, "bce", "weight"));
  return reduce(out, options.reduction, "bce");
}

/**
 * Binary cross-entropy on probabilities (torch binary_cross_entropy):
 * `−weight·(y·log p + (1 − y)·log(1 − p))`. Like PyTorch, each log is clamped at −100, so
 * p = 0 or 1 gives a large finite loss instead of Infinity. Prefer {@link bceWithLogits}:
 * it is exact where sigmoid saturates.
 *
 * @example
 * loss.bce(tensor([0.9, 0.2]), tensor([1, 0])).item(); // 0.164252033486018
 */
export const bce = withInfo(bceLoss, {
  name: "bce",
  formula: "−(y·log p + (1 − y)·log(1 − p))",
  differentiability: "smooth",
  variable: "p (target 1)",
  kinks: none,
  jumps: none,
  convex: true,
  surrogates: ["bceWithLogits"],
  note: "Log-loss on probabilities; smooth on (0, 1), logs clamped at −100 like PyTorch.",
  range: [0.01, 0.99],
  curve: positiveCurve((x, y, o) => bceLoss(x, y, o)),
});

function bceWithLogitsLoss(
  input: TensorLike,
  target: TensorLike,
  options: ReductionOptions & { weight?: WeightLike; posWeight?: WeightLike } = {},
): Tensor {
  const [x, y] = pair(input, target, "bceWithLogits");
  const sp = softplus(neg(x));
  const logWeight =
    options.posWeight === undefined
      ? null
      : add(mul(sub(toTensor(options.posWeight as TensorLike, "bceWithLogits", "posWeight"), 1), y), 1);
  let out = add(mul(sub(1, y), x), logWeight === null ? sp : mul(logWeight, sp));
  if (options.weight !== undefined)
    out = mul(out, toTensor(options.weight as TensorLike, "bceWithLogits", "weight"));
  return reduce(out, options.reduction, "bceWithLogits");
}

/**
 * Binary cross-entropy on logits (torch binary_cross_entropy_with_logits), computed as
 * `(1 − y)·x + (1 + (posWeight − 1)·y)·softplus(−x)`: no overflow and no NaN for logits of
 * ±1000. `posWeight` weights positives (broadcast over the last axis), `weight` every element.
 *
 * @example
 * loss.bceWithLogits(tensor([1000, -1000]), tensor([0, 1]), { reduction: "none" }).toArray(); // [1000, 1000]
 */
export const bceWithLogits = withInfo(bceWithLogitsLoss, {
  name: "bceWithLogits",
  formula: "(1 − y)·x + softplus(−x)",
  differentiability: "smooth",
  variable: "x (logit, target 1)",
  kinks: none,
  jumps: none,
  convex: true,
  surrogates: [],
  note: "The logistic loss: the standard smooth convex surrogate of the 0-1 loss.",
  range: [-4, 4],
  curve: positiveCurve((x, y, o) => bceWithLogitsLoss(x, y, o)),
});

function focalLoss(
  input: TensorLike,
  target: TensorLike,
  options: { reduction?: Reduction; alpha?: number; gamma?: number } = {},
): Tensor {
  const alpha = numberOption(options, "alpha", 0.25, "focal");
  const gamma = numberOption(options, "gamma", 2, "focal", (v) => v >= 0, ">= 0");
  const [x, y] = pair(input, target, "focal");
  const p = sigmoid(x);
  const ce = bceWithLogits(x, y, { reduction: "none" });
  const pt = add(mul(p, y), mul(sub(1, p), sub(1, y)));
  let out = mul(ce, pow(sub(1, pt), gamma));
  if (alpha >= 0) out = mul(add(mul(y, alpha), mul(sub(1, y), 1 - alpha)), out);
  return reduce(out, options.reduction ?? "none", "focal");
}

/**
 * Sigmoid focal loss (torchvision.ops.sigmoid_focal_loss): the logits BCE scaled by
 * `(1 − p_t)^gamma` to down-weight easy examples, times `alpha_t` (alpha for positives,
 * 1 − alpha for negatives; alpha < 0 disables it). Defaults alpha 0.25, gamma 2 and, as in
 * torchvision, reduction "none".
 *
 * @example
 * loss.focal(tensor([2, -1]), tensor([1, 0]), { reduction: "mean" }).item();
 */
export const focal = withInfo(focalLoss, {
  name: "focal",
  formula: "−α_t·(1 − p_t)^γ·log p_t",
  differentiability: "smooth",
  variable: "x (logit, target 1)",
  kinks: none,
  jumps: none,
  convex: false,
  surrogates: [],
  note: "Cross-entropy that ignores easy examples; for heavy class imbalance (dense detection).",
  range: [-4, 4],
  curve: positiveCurve((x, y, o) => focalLoss(x, y, o)),
});

function klDivLoss(
  input: TensorLike,
  target: TensorLike,
  options: { reduction?: Reduction | "batchmean"; logTarget?: boolean } = {},
): Tensor {
  const [x, y] = pair(input, target, "klDiv");
  let out: Tensor;
  if (options.logTarget) {
    out = mul(exp(y), sub(y, x));
  } else {
    const positive = gt(y, 0);
    const yLogY = where(positive, mul(y, log(where(positive, y, 1))), 0);
    out = sub(yLogY, mul(y, x));
  }
  if (options.reduction === "batchmean") return x.ndim === 0 ? sum(out) : mul(sum(out), 1 / x.shape[0]!);
  return reduce(out, options.reduction, "klDiv");
}

/**
 * Kullback-Leibler divergence (torch kl_div): `input` holds log-probabilities; pointwise
 * `y·(log y − x)` (0 where y = 0), or `exp(y)·(y − x)` with `logTarget`. `reduction` also
 * takes "batchmean" (sum / batch size: the true KL); PyTorch's default "mean" divides by the
 * number of elements.
 *
 * @example
 * loss.klDiv(logSoftmax(logits), targetProbs, { reduction: "batchmean" });
 */
export const klDiv = withInfo(klDivLoss, {
  name: "klDiv",
  formula: "y·(log y − x)",
  differentiability: "smooth",
  variable: "x (log-probability, target 0.5)",
  kinks: none,
  jumps: none,
  convex: true,
  surrogates: [],
  note: "Distance between distributions; linear in the input log-probabilities.",
  range: [-4, 0],
  curve: (z: Tensor, options: Record<string, unknown> = {}): Tensor =>
    klDivLoss(z, add(mul(z, 0), 0.5), { ...options, reduction: "none" }),
});
