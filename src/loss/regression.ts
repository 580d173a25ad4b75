// Regression losses of the residual r = input − target: the smooth mse, log-cosh and
// pseudo-Huber, the once-differentiable Huber / smooth-L1, and the kinked L1 and quantile.
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { abs, neg, softplus, sqrt, square } from "../ops/unaryOps.js";
import { lt, le, ge, mul, sub, add, where } from "../ops/binaryOps.js";
import { zerosLike } from "../tensor/creation.js";
import { none, withInfo } from "./lossInfo.js";
import { numberOption, reduce, sameShape, toTensor, type ReductionOptions } from "./reduction.js";

type Pair = [Tensor, Tensor];

function residualPair(input: TensorLike, target: TensorLike, who: string): Pair {
  const x = toTensor(input, who, "input");
  const y = toTensor(target, who, "target");
  sameShape(x, y, who);
  return [x, y];
}

/** The regression slice: the loss at input z and target 0, i.e. as a function of the residual. */
function residualCurve(fn: (x: Tensor, y: Tensor, o: Record<string, unknown>) => Tensor) {
  return (z: Tensor, options: Record<string, unknown> = {}): Tensor =>
    fn(z, zerosLike(z), { ...options, reduction: "none" });
}

function mseLoss(input: TensorLike, target: TensorLike, options: ReductionOptions = {}): Tensor {
  const [x, y] = residualPair(input, target, "mse");
  return reduce(square(sub(x, y)), options.reduction, "mse");
}

/**
 * Mean squared error `(input − target)²` (torch mse_loss). Smooth and convex.
 *
 * @example
 * loss.mse(tensor([1, 2]), tensor([1, 4])).item(); // 2
 */
export const mse = withInfo(mseLoss, {
  name: "mse",
  formula: "(x − y)²",
  differentiability: "smooth",
  variable: "r = input − target",
  kinks: none,
  jumps: none,
  convex: true,
  surrogates: [],
  note: "Smooth and convex; large residuals dominate (outliers pull hard).",
  range: [-2, 2],
  curve: residualCurve((x, y, o) => mseLoss(x, y, o)),
});

function maeLoss(input: TensorLike, target: TensorLike, options: ReductionOptions = {}): Tensor {
  const [x, y] = residualPair(input, target, "mae");
  return reduce(abs(sub(x, y)), options.reduction, "mae");
}

/**
 * Mean absolute error `|input − target|` (torch l1_loss); gradient sign(r), 0 at r = 0 as in PyTorch.
 * Not differentiable at r = 0; `smooth(loss.mae, {beta})` gives a differentiable stand-in.
 *
 * @example
 * loss.mae(tensor([1, 2]), tensor([0, 4])).item(); // 1.5
 */
export const mae = withInfo(maeLoss, {
  name: "mae",
  formula: "|x − y|",
  differentiability: "piecewise-smooth",
  variable: "r = input − target",
  kinks: () => [0],
  jumps: none,
  convex: true,
  surrogates: ["smoothL1", "huber", "pseudoHuber", "logCosh"],
  note: "Robust to outliers; kink at r = 0, where autodiff returns the subgradient 0.",
  range: [-2, 2],
  curve: residualCurve((x, y, o) => maeLoss(x, y, o)),
});

/** Alias of {@link mae} (PyTorch's name). @example loss.l1(tensor([3]), tensor([1])).item(); // 2 */
export const l1 = mae;

function huberLoss(
  input: TensorLike,
  target: TensorLike,
  options: ReductionOptions & { delta?: number } = {},
): Tensor {
  const delta = numberOption(options, "delta", 1, "huber", (v) => v > 0, "> 0");
  const [x, y] = residualPair(input, target, "huber");
  const r = sub(x, y);
  const a = abs(r);
  return reduce(
    where(lt(a, delta), mul(square(r), 0.5), mul(sub(a, 0.5 * delta), delta)),
    options.reduction,
    "huber",
  );
}

/**
 * Huber loss (torch huber_loss): `½r²` for |r| < delta, `delta·(|r| − ½delta)` beyond. Default delta 1.
 * Differentiable everywhere (its second derivative jumps at ±delta); convex.
 *
 * @example
 * loss.huber(tensor([0.5, 3]), tensor([0, 0]), { delta: 1 }).item(); // (0.125 + 2.5) / 2
 */
export const huber = withInfo(huberLoss, {
  name: "huber",
  formula: "½r² if |r| < δ else δ(|r| − ½δ)",
  differentiability: "smooth",
  variable: "r = input − target",
  kinks: none,
  jumps: none,
  curvatureJumps: (o) => {
    const d = (o?.delta as number) ?? 1;
    return [-d, d];
  },
  convex: true,
  surrogates: ["pseudoHuber"],
  note: "Quadratic near 0, linear in the tails: mse's smoothness with mae's robustness.",
  range: [-3, 3],
  curve: residualCurve((x, y, o) => huberLoss(x, y, o)),
});

function smoothL1Loss(
  input: TensorLike,
  target: TensorLike,
  options: ReductionOptions & { beta?: number } = {},
): Tensor {
  const beta = numberOption(options, "beta", 1, "smoothL1", (v) => v >= 0, ">= 0");
  const [x, y] = residualPair(input, target, "smoothL1");
  const r = sub(x, y);
  const a = abs(r);
  // beta 0 is L1; PyTorch's backward then takes the left slope (−1) at r = 0, so select on r ≤ 0.
  if (beta === 0) return reduce(where(le(r, 0), neg(r), r), options.reduction, "smoothL1");
  return reduce(
    where(lt(a, beta), mul(square(r), 0.5 / beta), sub(a, 0.5 * beta)),
    options.reduction,
    "smoothL1",
  );
}

/**
 * Smooth L1 (torch smooth_l1_loss): `½r²/beta` for |r| < beta, `|r| − ½beta` beyond; beta 0 is L1.
 * Equals huber/beta; as beta → 0 it converges to |r|. Default beta 1.
 *
 * @example
 * loss.smoothL1(tensor([0.5, 3]), tensor([0, 0]), { beta: 1 }).item(); // (0.125 + 2.5) / 2
 */
export const smoothL1 = withInfo(smoothL1Loss, {
  name: "smoothL1",
  formula: "½r²/β if |r| < β else |r| − ½β",
  differentiability: "smooth",
  variable: "r = input − target",
  kinks: (o) => (((o?.beta as number) ?? 1) === 0 ? [0] : []),
  jumps: none,
  curvatureJumps: (o) => {
    const b = (o?.beta as number) ?? 1;
    return b === 0 ? [] : [-b, b];
  },
  convex: true,
  surrogates: [],
  note: "L1 with its corner rounded off over |r| < β; → L1 as β → 0.",
  range: [-3, 3],
  curve: residualCurve((x, y, o) => smoothL1Loss(x, y, o)),
});

function pseudoHuberLoss(
  input: TensorLike,
  target: TensorLike,
  options: ReductionOptions & { delta?: number } = {},
): Tensor {
  const delta = numberOption(options, "delta", 1, "pseudoHuber", (v) => v > 0, "> 0");
  const [x, y] = residualPair(input, target, "pseudoHuber");
  const r = sub(x, y);
  return reduce(
    mul(sub(sqrt(add(square(mul(r, 1 / delta)), 1)), 1), delta * delta),
    options.reduction,
    "pseudoHuber",
  );
}

/**
 * Pseudo-Huber `delta²·(√(1 + (r/delta)²) − 1)`: infinitely differentiable, ≈ ½r² near 0 and
 * ≈ delta·|r| in the tails. Default delta 1.
 *
 * @example
 * loss.pseudoHuber(tensor([0]), tensor([0])).item(); // 0
 */
export const pseudoHuber = withInfo(pseudoHuberLoss, {
  name: "pseudoHuber",
  formula: "δ²(√(1 + (r/δ)²) − 1)",
  differentiability: "smooth",
  variable: "r = input − target",
  kinks: none,
  jumps: none,
  convex: true,
  surrogates: [],
  note: "A C∞ Huber: smooth everywhere, linear tails.",
  range: [-3, 3],
  curve: residualCurve((x, y, o) => pseudoHuberLoss(x, y, o)),
});

const LOG2 = Math.log(2);

function logCoshLoss(input: TensorLike, target: TensorLike, options: ReductionOptions = {}): Tensor {
  const [x, y] = residualPair(input, target, "logCosh");
  const r = sub(x, y);
  return reduce(sub(add(r, softplus(mul(r, -2))), LOG2), options.reduction, "logCosh");
}

/**
 * Log-cosh `log(cosh r)`, computed as `r + softplus(−2r) − log 2` so it never overflows
 * (cosh(400) is Infinity in float64). Smooth, convex; ≈ ½r² near 0 and |r| − log 2 far out.
 *
 * @example
 * loss.logCosh(tensor([1000]), tensor([0])).item(); // 999.3068528194401
 */
export const logCosh = withInfo(logCoshLoss, {
  name: "logCosh",
  formula: "log cosh(r)",
  differentiability: "smooth",
  variable: "r = input − target",
  kinks: none,
  jumps: none,
  convex: true,
  surrogates: [],
  note: "Smooth robust regression: gradient tanh(r) saturates at ±1.",
  range: [-3, 3],
  curve: residualCurve((x, y, o) => logCoshLoss(x, y, o)),
});

function quantileLoss(
  input: TensorLike,
  target: TensorLike,
  options: ReductionOptions & { tau?: number } = {},
): Tensor {
  const tau = numberOption(options, "tau", 0.5, "quantile", (v) => v > 0 && v < 1, "in (0, 1)");
  const [x, y] = residualPair(input, target, "quantile");
  const d = sub(y, x);
  return reduce(where(ge(d, 0), mul(d, tau), mul(d, tau - 1)), options.reduction, "quantile");
}

/**
 * Quantile (pinball) loss with d = target − input: `tau·d` if d ≥ 0 else `(tau − 1)·d`.
 * Minimizing it estimates the tau-quantile; tau 0.5 is half the L1 loss. Kink at d = 0.
 *
 * @example
 * loss.quantile(tensor([0, 0]), tensor([1, -1]), { tau: 0.9 }).item(); // (0.9 + 0.1) / 2
 */
export const quantile = withInfo(quantileLoss, {
  name: "quantile",
  formula: "max(τ·d, (τ − 1)·d), d = y − x",
  differentiability: "piecewise-smooth",
  variable: "r = input − target",
  kinks: () => [0],
  jumps: none,
  convex: true,
  surrogates: ["smooth(quantile)"],
  note: "Asymmetric L1: penalizes under- and over-prediction differently; kink at r = 0.",
  range: [-2, 2],
  curve: residualCurve((x, y, o) => quantileLoss(x, y, o)),
});
