// smooth(): "what do I use instead?" A differentiable surrogate for each kinked or
// discontinuous loss or op, with a sharpness knob (beta for kinks, temperature for jumps)
// under which the surrogate converges to the original as it goes to 0; and the
// straight-through estimator, which keeps the hard forward value but borrows a gradient.
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { abs, neg, relu, sigmoid, sign, softplus, sqrt, square, step, tanh } from "../ops/unaryOps.js";
import { add, mul, sub, where, lt, eq } from "../ops/binaryOps.js";
import { reshape, expandDims } from "../ops/shapeOps.js";
import { softmax } from "../ops/softmaxOps.js";
import { stopGradient } from "../ops/castOps.js";
import { sum } from "../ops/reductionOps.js";
import { tensor } from "../tensor/creation.js";
import { withInfo, none, type LossFunction, type LossInfo } from "../loss/lossInfo.js";
import { reduce, sameShape, toTensor, type Reduction } from "../loss/reduction.js";
import { mae, quantile } from "../loss/regression.js";
import { hinge, squaredHinge, zeroOne, cosineEmbedding, cosineParts } from "../loss/margin.js";
import type { Loose } from "../tensor/looseValue.js";

/** Sharpness of a surrogate: `beta` for kinks (a length), `temperature` for jumps; either name works. */
export interface SmoothOptions {
  beta?: number;
  temperature?: number;
  /** For L1: "pseudoHuber" (default, infinitely differentiable) or "huber" (= smoothL1). */
  kind?: "pseudoHuber" | "huber";
}

type AnyLoss = ((...args: Loose[]) => Tensor) & { info: LossInfo };
type Elementwise = (x: Tensor) => Tensor;

function sharpness(o: SmoothOptions, dflt: number): number {
  const v = o.beta ?? o.temperature ?? dflt;
  if (!(v > 0) || !Number.isFinite(v))
    throw new Error(`smooth: beta/temperature must be a finite number > 0, got ${v}`);
  return v;
}

/** β·softplus(z/β): a smooth relu, within β·log 2 of it everywhere. */
function softRelu(z: Tensor, beta: number): Tensor {
  return mul(softplus(mul(z, 1 / beta)), beta);
}

function info(base: LossInfo, name: string, formula: string, note: string): LossInfo {
  return {
    ...base,
    name,
    formula,
    differentiability: "smooth",
    kinks: none,
    jumps: none,
    surrogates: [],
    note,
    curvatureJumps: none,
  };
}

function smoothLoss(original: AnyLoss, o: SmoothOptions): AnyLoss {
  const b = original.info.name;
  if (original === (mae as unknown)) {
    const beta = sharpness(o, 0.1);
    const huberKind = o.kind === "huber";
    const fn = (input: TensorLike, target: TensorLike, opt: { reduction?: Reduction } = {}): Tensor => {
      const x = toTensor(input, "smooth(mae)", "input"),
        y = toTensor(target, "smooth(mae)", "target");
      sameShape(x, y, "smooth(mae)");
      const r = sub(x, y);
      const a = abs(r);
      const per = huberKind
        ? where(lt(a, beta), mul(square(r), 0.5 / beta), sub(a, 0.5 * beta))
        : sub(sqrt(add(square(r), beta * beta)), beta);
      return reduce(per, opt.reduction, "smooth(mae)");
    };
    return withInfo(fn, {
      ...info(
        mae.info,
        `smooth(mae, β=${beta})`,
        huberKind ? "Huber/β (smoothL1)" : "√(r² + β²) − β",
        "→ |r| as β → 0 (error at most β)",
      ),
      ...(huberKind ? { curvatureJumps: () => [-beta, beta] } : {}),
      curve: (z: Tensor) => fn(z, mul(z, 0), { reduction: "none" }),
    });
  }
  if (original === (hinge as unknown) || original === (squaredHinge as unknown)) {
    const beta = sharpness(o, 0.1);
    const squared = original === (squaredHinge as unknown);
    const fn = (
      input: TensorLike,
      target: TensorLike,
      opt: { reduction?: Reduction; margin?: number } = {},
    ): Tensor => {
      const x = toTensor(input, `smooth(${b})`, "input"),
        y = toTensor(target, `smooth(${b})`, "target");
      sameShape(x, y, `smooth(${b})`);
      const s = softRelu(sub(opt.margin ?? 1, mul(y, x)), beta);
      return reduce(squared ? square(s) : s, opt.reduction, `smooth(${b})`);
    };
    return withInfo(fn, {
      ...info(
        original.info,
        `smooth(${b}, β=${beta})`,
        squared ? "(β·softplus((m − y·x)/β))²" : "β·softplus((m − y·x)/β)",
        "→ the hinge as β → 0 (error at most β·log 2)",
      ),
      curve: (z: Tensor) => fn(z, add(mul(z, 0), 1), { reduction: "none" }),
    });
  }
  if (original === (zeroOne as unknown)) {
    const tau = sharpness(o, 0.1);
    const fn = (
      input: TensorLike,
      target: TensorLike | number[],
      opt: { reduction?: Reduction } = {},
    ): Tensor => {
      const x = toTensor(input, "smooth(zeroOne)", "input"),
        y = toTensor(target as TensorLike, "smooth(zeroOne)", "target");
      if (x.ndim === 2 && y.ndim === 1) {
        // multi-class: 1 − (probability of the true class at temperature τ)
        const classes = x.shape[1]!;
        const mask = new Float64Array(x.size);
        Array.from(y.data as ArrayLike<number>).forEach((t, i) => {
          mask[i * classes + t] = 1;
        });
        const pTrue = sum(mul(softmax(mul(x, 1 / tau), { axis: 1 }), reshape(tensor(mask), x.shape)), {
          axis: 1,
        });
        return reduce(sub(1, pTrue), opt.reduction, "smooth(zeroOne)");
      }
      sameShape(x, y, "smooth(zeroOne)");
      return reduce(sigmoid(mul(mul(y, x), -1 / tau)), opt.reduction, "smooth(zeroOne)");
    };
    return withInfo(fn, {
      ...info(
        zeroOne.info,
        `smooth(zeroOne, τ=${tau})`,
        "sigmoid(−y·x/τ)",
        "→ the 0-1 loss as τ → 0 (except at y·x = 0, where it is ½); not convex",
      ),
      convex: false,
      curve: (z: Tensor) => fn(z, add(mul(z, 0), 1), { reduction: "none" }),
    });
  }
  if (original === (quantile as unknown)) {
    const beta = sharpness(o, 0.1);
    const fn = (
      input: TensorLike,
      target: TensorLike,
      opt: { reduction?: Reduction; tau?: number } = {},
    ): Tensor => {
      const x = toTensor(input, "smooth(quantile)", "input"),
        y = toTensor(target, "smooth(quantile)", "target");
      sameShape(x, y, "smooth(quantile)");
      const d = sub(y, x);
      // pinball(d) = τ·d + relu(−d); smooth the relu.
      return reduce(add(mul(d, opt.tau ?? 0.5), softRelu(neg(d), beta)), opt.reduction, "smooth(quantile)");
    };
    return withInfo(fn, {
      ...info(
        quantile.info,
        `smooth(quantile, β=${beta})`,
        "τ·d + β·softplus(−d/β)",
        "→ the pinball loss as β → 0",
      ),
      curve: (z: Tensor) => fn(z, mul(z, 0), { reduction: "none" }),
    });
  }
  if (original === (cosineEmbedding as unknown)) {
    const beta = sharpness(o, 0.1);
    const fn = (
      x1: TensorLike,
      x2: TensorLike,
      target: TensorLike,
      opt: { reduction?: Reduction; margin?: number } = {},
    ): Tensor => {
      const { cos, y } = cosineParts(x1, x2, target, "smooth(cosineEmbedding)");
      const out = add(
        where(eq(y, 1), sub(1, cos), 0),
        where(eq(y, -1), softRelu(sub(cos, opt.margin ?? 0), beta), 0),
      );
      return reduce(out, opt.reduction, "smooth(cosineEmbedding)");
    };
    return withInfo(fn, {
      ...info(
        cosineEmbedding.info,
        `smooth(cosineEmbedding, β=${beta})`,
        "1 − c if y = 1 else β·softplus((c − m)/β)",
        "→ the cosine embedding loss as β → 0",
      ),
      curve: (z: Tensor) => {
        const zc = expandDims(z, -1);
        const x1 = add(mul(zc, 0), tensor([1, 0]));
        const x2 = add(mul(zc, tensor([1, 0])), mul(expandDims(sqrt(sub(1, square(z))), -1), tensor([0, 1])));
        return fn(x1, x2, sub(mul(z, 0), 1), { reduction: "none" });
      },
    });
  }
  if (original.info.differentiability === "smooth") return original;
  throw new Error(`smooth: no surrogate registered for loss ${b}`);
}

const OPS: Record<string, (o: SmoothOptions) => { fn: Elementwise; name: string }> = {
  relu: (o) => {
    const t = sharpness(o, 0.1);
    return { fn: (x) => softRelu(x, t), name: `τ·softplus(x/τ), τ=${t}` };
  },
  step: (o) => {
    const t = sharpness(o, 0.1);
    return { fn: (x) => sigmoid(mul(x, 1 / t)), name: `sigmoid(x/τ), τ=${t}` };
  },
  sign: (o) => {
    const t = sharpness(o, 0.1);
    return { fn: (x) => tanh(mul(x, 1 / t)), name: `tanh(x/τ), τ=${t}` };
  },
  abs: (o) => {
    const b = sharpness(o, 0.1);
    return { fn: (x) => sub(sqrt(add(square(x), b * b)), b), name: `√(x² + β²) − β, β=${b}` };
  },
};

const OP_BY_FUNCTION = new Map<unknown, string>([
  [relu, "relu"],
  [step, "step"],
  [sign, "sign"],
  [abs, "abs"],
]);

/**
 * A differentiable surrogate of a kinked or discontinuous loss or op:
 * L1/mae → pseudo-Huber `√(r² + β²) − β` (or Huber/β with `kind: "huber"`);
 * hinge → `β·softplus((m − y·x)/β)`; 0-1 → `sigmoid(−y·x/τ)`; quantile → `τ·d + β·softplus(−d/β)`;
 * cosineEmbedding → its relu softened the same way;
 * ops: step → `sigmoid(x/τ)`, relu → `τ·softplus(x/τ)`, sign → `tanh(x/τ)`, abs → `√(x² + β²) − β`
 * (pass the op's name or the function itself). As β (or τ) → 0 each converges to the original.
 * Already-smooth losses come back unchanged. Surrogate losses carry metadata, so
 * `analyze(smooth(loss.hinge, {beta: 0.1}))` finds no kink.
 *
 * A smoothed loss has the original's signature (`smooth(loss.hinge)` takes scores, labels and
 * the hinge's options); a smoothed op is elementwise.
 *
 * @example
 * const softHinge = smooth(loss.hinge, { beta: 0.05 });
 * softHinge(tensor([2, -0.5]), tensor([1, -1])); // differentiable everywhere
 * const softStep = smooth("step", { temperature: 0.01 });
 * softStep(tensor([-1, 0, 1])).toArray(); // ≈ [0, 0.5, 1]
 */
export function smooth<L extends AnyLoss>(loss: L, options?: SmoothOptions): L;
export function smooth(op: string | Elementwise, options?: SmoothOptions): LossFunction<Elementwise>;
export function smooth(
  lossOrOp: AnyLoss | string | Elementwise,
  options: SmoothOptions = {},
): AnyLoss | LossFunction<Elementwise> {
  if (typeof lossOrOp === "function" && "info" in lossOrOp) return smoothLoss(lossOrOp as AnyLoss, options);
  const opName = typeof lossOrOp === "string" ? lossOrOp : OP_BY_FUNCTION.get(lossOrOp);
  if (opName === undefined || !(opName in OPS)) {
    const known = [...Object.keys(OPS)].join(", ");
    throw new Error(
      `smooth: expected a gradlab loss (loss.mae, loss.hinge, ...) or an op (${known}), got ${typeof lossOrOp === "string" ? JSON.stringify(lossOrOp) : "an unknown function"}`,
    );
  }
  const { fn, name } = OPS[opName]!(options);
  return withInfo(fn, {
    name: `smooth(${opName})`,
    formula: name,
    differentiability: "smooth",
    variable: "x",
    kinks: none,
    jumps: none,
    convex: opName === "relu" || opName === "abs",
    surrogates: [],
    note: `differentiable stand-in for ${opName}`,
    range: [-1, 1],
    curve: (z: Tensor) => fn(z),
  });
}

/**
 * The straight-through estimator: forward value exactly `hard(x)`, gradient that of
 * `surrogate(x)` (default the identity). Lets gradients pass through round, step, sign or
 * argmax-like quantizers.
 *
 * @example
 * const q = straightThrough(round);          // forward rounds, backward acts like identity
 * grad((x) => q(x).square().sum())(tensor([0.4, 1.6])).toArray(); // [0, 4]: 2·round(x)
 * const s = straightThrough(step, (x) => sigmoid(x));  // hard forward, sigmoid's slope
 */
export function straightThrough(hard: Elementwise, surrogate: Elementwise = (x) => x): Elementwise {
  return (x: Tensor): Tensor => {
    const h = stopGradient(hard(x));
    const s = surrogate(x);
    return add(h, sub(s, stopGradient(s)));
  };
}
