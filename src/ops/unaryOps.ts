// Elementwise unary ops. Each entry: kernel name, scalar fast path, gradient rule.
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { getBackend, type UnaryKernel } from "../backend/backend.js";
import { apply, defineOp, type OpContext, type OpDef } from "../autodiff/opRegistry.js";
import {
  fastTanh,
  normalCdf as normalCdfScalar,
  roundHalfEven,
  sigmoidScalar,
  softplusScalar,
} from "../backend/mathKernels.js";
import { asTensor, emptyTensor } from "./tensorLike.js";
import { SCALAR_SHAPE } from "../tensor/shape.js";
import { add, div, mul, sub, where, gt } from "./binaryOps.js";
import { canFuse, fusedGrad } from "./fusedGradKernels.js";
import { deferUnary } from "./lazyElementwise.js";
import { RELEASED } from "../tensor/tensorFlags.js";

interface UnaryAttrs {
  p0: number;
  p1: number;
}
type ScalarFn = (x: number, p0: number, p1: number) => number;
type GradRule = (g: Tensor, ctx: OpContext<UnaryAttrs>) => Tensor;

/** How an op treats integer inputs: keep them integer, or compute in float64. */
type IntPolicy = "keep" | "float" | "bool";

function outDType(x: DType, policy: IntPolicy): DType {
  if (policy === "bool") return "bool";
  if (x === "float32" || x === "float64") return x;
  return policy === "keep" ? "int32" : "float64";
}

function unaryForward(kernel: UnaryKernel, scalar: ScalarFn, policy: IntPolicy) {
  return (inputs: readonly Tensor[], attrs: UnaryAttrs): Tensor => {
    const x = inputs[0];
    const dt = outDType(x.dtype, policy);
    if (x._data === null && x.shape.length === 0 && (x._flags & RELEASED) === 0) {
      let v = scalar(x._s, attrs.p0, attrs.p1);
      if (dt === "float32") v = Math.fround(v);
      else if (dt === "int32") v = v | 0;
      return new Tensor(SCALAR_SHAPE, dt, null, v);
    }
    const deferred = deferUnary(kernel, x, dt);
    if (deferred !== null) return deferred;
    const out = emptyTensor(x.shape, dt);
    getBackend().unary(kernel, x._buf(), out._buf(), attrs.p0, attrs.p1);
    return out;
  };
}

/** d out / d x as numbers (x, out, p0, p1), for the scalar fast path of the reverse sweep. */
type ScalarDeriv = (x: number, out: number, p0: number, p1: number) => number;

/** What each deferrable op's gradient rule reads (see OpDef.savedReads). */
const SAVED_READS: Record<string, { inputs: number[]; out: boolean }> = {
  neg: { inputs: [], out: false },
  square: { inputs: [0], out: false },
  relu: { inputs: [0], out: false },
  tanh: { inputs: [], out: true },
  sigmoid: { inputs: [], out: true },
  exp: { inputs: [], out: true },
};

function defUnary(
  name: string,
  kernel: UnaryKernel,
  scalar: ScalarFn,
  grad: GradRule | null,
  policy: IntPolicy = "float",
  deriv?: ScalarDeriv,
): OpDef<UnaryAttrs> {
  return defineOp<UnaryAttrs>({
    name,
    savedReads: SAVED_READS[name],
    differentiable: grad !== null,
    forward: unaryForward(kernel, scalar, policy),
    backward: grad === null ? undefined : (g, ctx) => [grad(g, ctx)],
    scalarBackward:
      deriv === undefined
        ? undefined
        : (g, ins, out, a, res) => {
            res[0] = g * deriv(ins[0], out, a.p0, a.p1);
          },
  });
}

const NO_ATTRS: UnaryAttrs = { p0: 0, p1: 0 };

function run(op: OpDef<UnaryAttrs>, x: TensorLike, name: string, attrs: UnaryAttrs = NO_ATTRS): Tensor {
  return apply(op, [x instanceof Tensor ? x : asTensor(x, null, name)], attrs);
}

const negOp = defUnary(
  "neg",
  "neg",
  (x) => -x,
  (g) => neg(g),
  "keep",
  () => -1,
);
const expOp = defUnary(
  "exp",
  "exp",
  Math.exp,
  (g, c) => mul(g, c.out),
  "float",
  (_x, o) => o,
);
const logOp = defUnary(
  "log",
  "log",
  Math.log,
  (g, c) => div(g, c.inputs[0]),
  "float",
  (x) => 1 / x,
);
const log1pOp = defUnary(
  "log1p",
  "log1p",
  Math.log1p,
  (g, c) => div(g, add(c.inputs[0], 1)),
  "float",
  (x) => 1 / (1 + x),
);
const expm1Op = defUnary(
  "expm1",
  "expm1",
  Math.expm1,
  (g, c) => mul(g, add(c.out, 1)),
  "float",
  (_x, o) => o + 1,
);
const sqrtOp = defUnary(
  "sqrt",
  "sqrt",
  Math.sqrt,
  (g, c) => div(g, mul(c.out, 2)),
  "float",
  (_x, o) => 1 / (2 * o),
);
const squareOp = defUnary(
  "square",
  "square",
  (x) => x * x,
  (g, c) => (canFuse() ? fusedGrad("squareGrad", g, c.inputs[0]) : mul(g, mul(c.inputs[0], 2))),
  "keep",
  (x) => 2 * x,
);
const absOp = defUnary(
  "abs",
  "abs",
  Math.abs,
  (g, c) => mul(g, sign(c.inputs[0])),
  "keep",
  (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
);
const sinOp = defUnary(
  "sin",
  "sin",
  Math.sin,
  (g, c) => mul(g, cos(c.inputs[0])),
  "float",
  (x) => Math.cos(x),
);
const cosOp = defUnary(
  "cos",
  "cos",
  Math.cos,
  (g, c) => neg(mul(g, sin(c.inputs[0]))),
  "float",
  (x) => -Math.sin(x),
);
const tanhOp = defUnary(
  "tanh",
  "tanh",
  fastTanh,
  (g, c) => (canFuse() ? fusedGrad("tanhGrad", g, c.out) : mul(g, sub(1, square(c.out)))),
  "float",
  (_x, o) => 1 - o * o,
);
const sigmoidOp = defUnary(
  "sigmoid",
  "sigmoid",
  sigmoidScalar,
  (g, c) => (canFuse() ? fusedGrad("sigmoidGrad", g, c.out) : mul(g, mul(c.out, sub(1, c.out)))),
  "float",
  (_x, o) => o * (1 - o),
);
const softplusOp = defUnary(
  "softplus",
  "softplus",
  softplusScalar,
  (g, c) => mul(g, sigmoid(c.inputs[0])),
  "float",
  (x) => sigmoidScalar(x),
);
const reluOp = defUnary(
  "relu",
  "relu",
  (x) => (x > 0 ? x : 0),
  (g, c) => (canFuse() ? fusedGrad("reluGrad", g, c.inputs[0]) : mul(g, step(c.inputs[0]))),
  "keep",
  (x) => (x > 0 ? 1 : 0),
);
const leakyReluOp = defUnary(
  "leakyRelu",
  "leakyRelu",
  (x, s) => (x > 0 ? x : x * s),
  (g, c) => mul(g, run(leakyReluGradOp, c.inputs[0], "leakyRelu", c.attrs)),
  "float",
  (x, _o, s) => (x > 0 ? 1 : s),
);
const eluOp = defUnary(
  "elu",
  "elu",
  (x, a) => (x > 0 ? x : a * Math.expm1(x)),
  (g, c) => mul(g, where(gt(c.inputs[0], 0), 1, add(c.out, c.attrs.p0))),
  "float",
  (x, o, a) => (x > 0 ? 1 : o + a),
);
const clipOp = defUnary(
  "clip",
  "clip",
  (x, lo, hi) => (x < lo ? lo : x > hi ? hi : x),
  (g, c) => mul(g, run(clipMaskOp, c.inputs[0], "clip", c.attrs)),
  "keep",
  (x, _o, lo, hi) => (x >= lo && x <= hi ? 1 : 0),
);
const powScalarOp = defUnary(
  "powScalar",
  "powScalar",
  Math.pow,
  (g, c) => (c.attrs.p0 === 0 ? mul(g, 0) : mul(g, mul(powScalar(c.inputs[0], c.attrs.p0 - 1), c.attrs.p0))),
  "float",
  (x, _o, p) => (p === 0 ? 0 : p * Math.pow(x, p - 1)),
);
const normalCdfOp = defUnary(
  "normalCdf",
  "normalCdf",
  normalCdfScalar,
  (g, c) => mul(g, normalPdf(c.inputs[0])),
  "float",
  (x) => 0.3989422804014327 * Math.exp(-0.5 * x * x),
);
const normalPdfOp = defUnary(
  "normalPdf",
  "normalPdf",
  (x) => 0.3989422804014327 * Math.exp(-0.5 * x * x),
  (g, c) => neg(mul(g, mul(c.inputs[0], c.out))),
  "float",
  (x, o) => -x * o,
);
const reciprocalOp = defUnary(
  "reciprocal",
  "reciprocal",
  (x) => 1 / x,
  (g, c) => neg(mul(g, square(c.out))),
  "float",
  (_x, o) => -o * o,
);

// Piecewise-constant ops: differentiable: false, their outputs carry no gradient (zero).
const signOp = defUnary("sign", "sign", (x) => (x > 0 ? 1 : x < 0 ? -1 : x), null, "keep");
const stepOp = defUnary("step", "step", (x) => (x > 0 ? 1 : 0), null, "keep");
const roundOp = defUnary("round", "round", roundHalfEven, null, "keep");
const floorOp = defUnary("floor", "floor", Math.floor, null, "keep");
const ceilOp = defUnary("ceil", "ceil", Math.ceil, null, "keep");
const leakyReluGradOp = defUnary("leakyReluGrad", "leakyReluGrad", (x, s) => (x > 0 ? 1 : s), null);
const clipMaskOp = defUnary(
  "clipMask",
  "clipMask",
  (x, lo, hi) => (x >= lo && x <= hi ? 1 : 0),
  null,
  "keep",
);
const isNonFiniteOp = defUnary("isNonFinite", "isNonFinite", (x) => (x - x !== 0 ? 1 : 0), null, "bool");
const logicalNotOp = defUnary("logicalNot", "logicalNot", (x) => (x === 0 ? 1 : 0), null, "bool");

/** Elementwise -x. @example neg(tensor([1, -2])).toArray() // [-1, 2] */
export function neg(x: TensorLike): Tensor {
  return run(negOp, x, "neg");
}
/** Elementwise e^x. @example exp(tensor([0, 1])).toArray() // [1, 2.718281828459045] */
export function exp(x: TensorLike): Tensor {
  return run(expOp, x, "exp");
}
/** Natural logarithm. @example log(tensor([1, Math.E])).toArray() // [0, 1] */
export function log(x: TensorLike): Tensor {
  return run(logOp, x, "log");
}
/** log(1 + x), accurate near 0. @example log1p(tensor([1e-10])).item() // 1e-10 */
export function log1p(x: TensorLike): Tensor {
  return run(log1pOp, x, "log1p");
}
/** e^x - 1, accurate near 0. @example expm1(tensor([1e-10])).item() // 1e-10 */
export function expm1(x: TensorLike): Tensor {
  return run(expm1Op, x, "expm1");
}
/** Square root. @example sqrt(tensor([4, 9])).toArray() // [2, 3] */
export function sqrt(x: TensorLike): Tensor {
  return run(sqrtOp, x, "sqrt");
}
/** x². @example square(tensor([3])).toArray() // [9] */
export function square(x: TensorLike): Tensor {
  return run(squareOp, x, "square");
}
/** |x|; its gradient at 0 is 0 (the subgradient PyTorch picks). @example abs(tensor([-2, 3])).toArray() // [2, 3] */
export function abs(x: TensorLike): Tensor {
  return run(absOp, x, "abs");
}
/** Sine. @example sin(tensor([0])).item() // 0 */
export function sin(x: TensorLike): Tensor {
  return run(sinOp, x, "sin");
}
/** Cosine. @example cos(tensor([0])).item() // 1 */
export function cos(x: TensorLike): Tensor {
  return run(cosOp, x, "cos");
}
/** Hyperbolic tangent (fast kernel, ~1 ulp). @example tanh(tensor([0.5])).item() // 0.46211715726000974 */
export function tanh(x: TensorLike): Tensor {
  return run(tanhOp, x, "tanh");
}
/** Logistic sigmoid 1/(1+e^-x). @example sigmoid(tensor([0])).item() // 0.5 */
export function sigmoid(x: TensorLike): Tensor {
  return run(sigmoidOp, x, "sigmoid");
}
/** log(1 + e^x), stable. @example softplus(tensor([0])).item() // 0.6931471805599453 */
export function softplus(x: TensorLike): Tensor {
  return run(softplusOp, x, "softplus");
}
/** max(x, 0); gradient 0 at x = 0. @example relu(tensor([-1, 2])).toArray() // [0, 2] */
export function relu(x: TensorLike): Tensor {
  return run(reluOp, x, "relu");
}
/** x for x > 0, slope·x otherwise. @example leakyRelu(tensor([-1, 2]), 0.1).toArray() // [-0.1, 2] */
export function leakyRelu(x: TensorLike, slope = 0.01): Tensor {
  return run(leakyReluOp, x, "leakyRelu", { p0: slope, p1: 0 });
}
/** x for x > 0, alpha·(e^x - 1) otherwise. @example elu(tensor([0, 1])).toArray() // [0, 1] */
export function elu(x: TensorLike, alpha = 1): Tensor {
  return run(eluOp, x, "elu", { p0: alpha, p1: 0 });
}
/**
 * Clamp into [lo, hi]; gradient 1 inside (bounds included), 0 outside.
 * @example clip(tensor([-2, 0.5, 3]), 0, 1).toArray() // [0, 0.5, 1]
 */
export function clip(x: TensorLike, lo: number, hi: number): Tensor {
  if (!(lo <= hi)) throw new Error(`clip: lo (${lo}) must be <= hi (${hi})`);
  return run(clipOp, x, "clip", { p0: lo, p1: hi });
}
/** x ** p for a constant number p. @example powScalar(tensor([2, 3]), 2).toArray() // [4, 9] */
export function powScalar(x: TensorLike, p: number): Tensor {
  return run(powScalarOp, x, "powScalar", { p0: p, p1: 0 });
}
/** Standard normal CDF Φ(x). @example normalCdf(tensor([0])).item() // 0.5 */
export function normalCdf(x: TensorLike): Tensor {
  return run(normalCdfOp, x, "normalCdf");
}
/** Standard normal density φ(x). @example normalPdf(tensor([0])).item() // 0.3989422804014327 */
export function normalPdf(x: TensorLike): Tensor {
  return run(normalPdfOp, x, "normalPdf");
}
/** 1/x. @example reciprocal(tensor([4])).item() // 0.25 */
export function reciprocal(x: TensorLike): Tensor {
  return run(reciprocalOp, x, "reciprocal");
}
/**
 * GELU, exact form x·Φ(x) (PyTorch's default).
 * @example gelu(tensor([1])).item() // 0.8413447460685429
 */
export function gelu(x: TensorLike): Tensor {
  const t = x instanceof Tensor ? x : asTensor(x, null, "gelu");
  return mul(t, normalCdf(t));
}

/**
 * Sign: -1, 0 or 1. Not differentiable (differentiable: false): passes zero gradient.
 * @example sign(tensor([-3, 0, 2])).toArray() // [-1, 0, 1]
 */
export function sign(x: TensorLike): Tensor {
  return run(signOp, x, "sign");
}
/**
 * Heaviside step: 1 where x > 0, else 0. Not differentiable (differentiable: false): zero gradient.
 * @example step(tensor([-1, 0, 2])).toArray() // [0, 0, 1]
 */
export function step(x: TensorLike): Tensor {
  return run(stepOp, x, "step");
}
/**
 * Round half to even (like NumPy). Not differentiable (differentiable: false): zero gradient.
 * @example round(tensor([0.5, 1.5, 2.4])).toArray() // [0, 2, 2]
 */
export function round(x: TensorLike): Tensor {
  return run(roundOp, x, "round");
}
/**
 * Floor. Not differentiable (differentiable: false): zero gradient.
 * @example floor(tensor([1.7, -1.2])).toArray() // [1, -2]
 */
export function floor(x: TensorLike): Tensor {
  return run(floorOp, x, "floor");
}
/**
 * Ceiling. Not differentiable (differentiable: false): zero gradient.
 * @example ceil(tensor([1.2])).toArray() // [2]
 */
export function ceil(x: TensorLike): Tensor {
  return run(ceilOp, x, "ceil");
}
/**
 * True where x is NaN or ±Infinity (bool). Not differentiable.
 * @example isNonFinite(tensor([1, NaN])).toArray() // [false, true]
 */
export function isNonFinite(x: TensorLike): Tensor {
  return run(isNonFiniteOp, x, "isNonFinite");
}
/**
 * Logical not (bool). Not differentiable.
 * @example logicalNot(tensor([true, false])).toArray() // [false, true]
 */
export function logicalNot(x: TensorLike): Tensor {
  return run(logicalNotOp, x, "logicalNot");
}
