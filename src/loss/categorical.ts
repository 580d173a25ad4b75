// Multi-class losses: cross-entropy from logits (class indices or probabilities, class weights,
// ignoreIndex, label smoothing) and the negative log-likelihood of log-probabilities, with
// PyTorch's normalizations. Class targets are constants, so the index bookkeeping (which
// samples count, with what weight) is done on plain arrays and enters the graph as masks.
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { add, div, mul } from "../ops/binaryOps.js";
import { expandDims, permute, reshape } from "../ops/shapeOps.js";
import { logSoftmax } from "../ops/softmaxOps.js";
import { neg } from "../ops/unaryOps.js";
import { sum } from "../ops/reductionOps.js";
import { tensor } from "../tensor/creation.js";
import { withInfo } from "./lossInfo.js";
import { numberOption, toTensor, type Reduction } from "./reduction.js";

/** Options of {@link crossEntropy} and {@link nll} (torch's, camelCase). */
export interface ClassificationOptions {
  reduction?: Reduction;
  /** Per-class weights, length C. */
  weight?: TensorLike | number[];
  /** Target value whose samples are skipped (default −100). */
  ignoreIndex?: number;
}

type FloatDType = "float32" | "float64";

/** Constants built for the graph take the input's float type, so float32 stays float32. */
function floatOf(t: Tensor): FloatDType {
  return t.dtype === "float32" ? "float32" : "float64";
}

/** Move the class axis (1, or 0 for unbatched) last and flatten: [M, C]; also the per-sample shape. */
function classesLast(x: Tensor, who: string): { flat: Tensor; sampleShape: number[]; classes: number } {
  if (x.ndim === 0) throw new Error(`loss.${who}: input must have a class axis, got a scalar`);
  if (x.ndim === 1) return { flat: reshape(x, [1, x.shape[0]!]), sampleShape: [], classes: x.shape[0]! };
  const classes = x.shape[1]!;
  const sampleShape = [x.shape[0]!, ...x.shape.slice(2)];
  const moved = x.ndim === 2 ? x : permute(x, [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2), 1]);
  return { flat: reshape(moved, [-1, classes]), sampleShape, classes };
}

function classWeights(
  weight: ClassificationOptions["weight"],
  classes: number,
  who: string,
): Float64Array | null {
  if (weight === undefined) return null;
  const w = toTensor(weight as TensorLike, who, "weight");
  if (w.ndim !== 1 || w.shape[0] !== classes)
    throw new Error(
      `loss.${who}: weight must have shape [${classes}] (one per class), got [${w.shape.join(", ")}]`,
    );
  return Float64Array.from(w.data as ArrayLike<number>);
}

/** Class indices from a tensor or number[], checked against the input. */
function classIndices(
  target: TensorLike | number[],
  sampleShape: number[],
  classes: number,
  ignoreIndex: number,
  who: string,
): Int32Array {
  const t = target instanceof Tensor ? target : tensor(target as TensorLike);
  if (t.ndim !== sampleShape.length || t.shape.some((v, i) => v !== sampleShape[i])) {
    throw new Error(
      `loss.${who}: class-index target has shape [${t.shape.join(", ")}], expected [${sampleShape.join(", ")}] for this input ` +
        "(or pass probabilities of the input's own shape)",
    );
  }
  const out = new Int32Array(t.size);
  const d = t.data;
  for (let i = 0; i < t.size; i++) {
    const v = Number(d[i]);
    if (!Number.isInteger(v))
      throw new Error(`loss.${who}: class index ${v} at flat index ${i} is not an integer`);
    if (v !== ignoreIndex && (v < 0 || v >= classes))
      throw new Error(`loss.${who}: class index ${v} at flat index ${i} is outside [0, ${classes})`);
    out[i] = v;
  }
  return out;
}

/** −Σ_i w_i·logp[i, t_i] pieces: the one-hot·weight mask [M, C] and the per-sample weights. */
function pickMask(
  idx: Int32Array,
  classes: number,
  weights: Float64Array | null,
  ignoreIndex: number,
  dtype: FloatDType = "float64",
): { mask: Tensor; sampleWeight: Float64Array } {
  const m = new Float64Array(idx.length * classes);
  const sw = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const t = idx[i]!;
    if (t === ignoreIndex) continue;
    sw[i] = weights ? weights[t]! : 1;
    m[i * classes + t] = sw[i]!;
  }
  return { mask: reshape(tensor(m, { dtype }), [idx.length, classes]), sampleWeight: sw };
}

function sumWeights(sw: Float64Array): number {
  let s = 0;
  for (const v of sw) s += v;
  return s;
}

function nllCore(
  logp: Tensor,
  idx: Int32Array,
  classes: number,
  weights: Float64Array | null,
  ignoreIndex: number,
  reduction: Reduction,
  sampleShape: number[],
): Tensor {
  const { mask, sampleWeight } = pickMask(idx, classes, weights, ignoreIndex, floatOf(logp));
  const perSample = neg(sum(mul(logp, mask), { axis: 1 }));
  if (reduction === "none") return reshape(perSample, sampleShape);
  if (reduction === "sum") return sum(perSample);
  return div(sum(perSample), sumWeights(sampleWeight));
}

function reductionOf(options: { reduction?: string } | undefined, who: string): Reduction {
  const r = options?.reduction ?? "mean";
  if (r !== "mean" && r !== "sum" && r !== "none")
    throw new Error(`loss.${who}: reduction must be "mean", "sum" or "none", got ${JSON.stringify(r)}`);
  return r;
}

function crossEntropyLoss(
  input: TensorLike,
  target: TensorLike | number[],
  options: ClassificationOptions & { labelSmoothing?: number } = {},
): Tensor {
  const who = "crossEntropy";
  const x = toTensor(input, who, "input");
  const reduction = reductionOf(options, who);
  const eps = numberOption(options, "labelSmoothing", 0, who, (v) => v >= 0 && v <= 1, "in [0, 1]");
  const ignoreIndex = numberOption(options, "ignoreIndex", -100, who);
  const { flat, sampleShape, classes } = classesLast(x, who);
  const weights = classWeights(options.weight, classes, who);
  const logp = logSoftmax(flat, { axis: -1 });
  const t = target instanceof Tensor ? target : tensor(target as TensorLike);
  const probabilities = t.ndim === x.ndim && t.shape.every((v, i) => v === x.shape[i]) && t.dtype !== "int32";
  const dtype = floatOf(x);
  const wTensor = weights ? tensor(weights, { dtype }) : null;

  if (probabilities) {
    let p = classesLast(t, who).flat;
    if (eps > 0) p = add(mul(p, 1 - eps), eps / classes);
    const weighted = wTensor ? mul(p, wTensor) : p;
    const perSample = neg(sum(mul(logp, weighted), { axis: 1 }));
    if (reduction === "none") return reshape(perSample, sampleShape);
    if (reduction === "sum") return sum(perSample);
    return div(sum(perSample), perSample.size);
  }

  const idx = classIndices(t, sampleShape, classes, ignoreIndex, who);
  const nllLoss = nllCore(logp, idx, classes, weights, ignoreIndex, reduction, sampleShape);
  if (eps === 0) return nllLoss;
  // PyTorch's label smoothing: (1 − ε)·nll + ε/C·Σ_c −w_c·logp_c, ignored samples zeroed; "mean"
  // divides the smoothing term by the counted weights when weighted, else by the counted samples.
  const keep = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) keep[i] = idx[i] === ignoreIndex ? 0 : 1;
  const smoothPer = mul(neg(sum(wTensor ? mul(logp, wTensor) : logp, { axis: 1 })), tensor(keep, { dtype }));
  let smoothTerm: Tensor;
  if (reduction === "none") smoothTerm = reshape(smoothPer, sampleShape);
  else if (reduction === "sum") smoothTerm = sum(smoothPer);
  else if (weights)
    smoothTerm = div(sum(smoothPer), sumWeights(pickMask(idx, classes, weights, ignoreIndex).sampleWeight));
  else
    smoothTerm = div(
      sum(smoothPer),
      keep.reduce((a, b) => a + b, 0),
    );
  return add(mul(nllLoss, 1 - eps), mul(smoothTerm, eps / classes));
}

/**
 * Cross-entropy of logits (torch cross_entropy): `input` [N, C] (or [C], or [N, C, d…]);
 * `target` class indices [N] (tensor of integers or number[]) or probabilities shaped like
 * `input`. Computed with logSoftmax (log-sum-exp), so logits of ±1000 are fine. Options:
 * `weight` per class, `ignoreIndex` (default −100), `labelSmoothing` ε mixing the target with
 * the uniform distribution; "mean" divides by the summed weights of the counted samples, as
 * PyTorch does.
 *
 * @example
 * loss.crossEntropy(tensor([[2, 0, -1], [0, 3, 0]]), [0, 1]).item();
 * loss.crossEntropy(logits, labels, { labelSmoothing: 0.1, weight: [1, 2, 1] });
 */
export const crossEntropy = withInfo(crossEntropyLoss, {
  name: "crossEntropy",
  formula: "−log softmax(x)_y",
  differentiability: "smooth",
  variable: "x (logit of the true class vs 0, 2 classes)",
  kinks: () => [],
  jumps: () => [],
  convex: true,
  surrogates: [],
  note: "The multi-class logistic loss; smooth and convex in the logits.",
  range: [-4, 4],
  curve: (z: Tensor, options: Record<string, unknown> = {}): Tensor =>
    crossEntropyLoss(twoClassLogits(z), classZero(z), { ...options, reduction: "none" }),
});

function nllLoss(
  input: TensorLike,
  target: TensorLike | number[],
  options: ClassificationOptions = {},
): Tensor {
  const who = "nll";
  const x = toTensor(input, who, "input");
  const reduction = reductionOf(options, who);
  const ignoreIndex = numberOption(options, "ignoreIndex", -100, who);
  const { flat, sampleShape, classes } = classesLast(x, who);
  const weights = classWeights(options.weight, classes, who);
  const idx = classIndices(target as TensorLike, sampleShape, classes, ignoreIndex, who);
  return nllCore(flat, idx, classes, weights, ignoreIndex, reduction, sampleShape);
}

/**
 * Negative log-likelihood of log-probabilities (torch nll_loss): `−weight[t]·input[i, t]`;
 * "mean" divides by the summed weights of the counted samples.
 *
 * @example
 * loss.nll(logSoftmax(logits, { axis: 1 }), [2, 0, 1]);
 */
export const nll = withInfo(nllLoss, {
  name: "nll",
  formula: "−x_y",
  differentiability: "smooth",
  variable: "x (log-probability of the true class)",
  kinks: () => [],
  jumps: () => [],
  convex: true,
  surrogates: [],
  note: "Linear in the log-probabilities; pair it with logSoftmax.",
  range: [-4, 0],
  curve: (z: Tensor, options: Record<string, unknown> = {}): Tensor =>
    nllLoss(twoClassLogits(z), classZero(z), { ...options, reduction: "none" }),
});

/** [z, 0] per point: logits of two classes whose first is the true one. */
function twoClassLogits(z: Tensor): Tensor {
  return mul(expandDims(z, -1), tensor([1, 0]));
}

/** Class 0 for every point of z. */
function classZero(z: Tensor): Tensor {
  return tensor(new Int32Array(z.size), { dtype: "int32" }).reshape(z.shape);
}
