// Reductions with {axis, keepdims} beyond sum (mean, max, min, prod, logsumexp, var, std,
// norm, argmax/argmin); full reductions return shape []. sum, broadcastTo and sumTo live in
// sumOps.ts, below the elementwise ops.
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { fmtShape, normAxes, normAxis, ShapeError } from "../tensor/shape.js";
import { getBackend } from "../backend/backend.js";
import { apply, defineOp } from "../autodiff/opRegistry.js";
import { noGrad } from "../autodiff/gradMode.js";
import { add, div, eq, mul, sub, where } from "./binaryOps.js";
import { pow } from "./powOps.js";
import { abs, log, exp, sqrt, square } from "./unaryOps.js";
import { castTo, stopGradient } from "./castOps.js";
import { reshape } from "./shapeOps.js";
import {
  asT,
  attrsOf,
  gradToInput,
  outShapeOf,
  reduceForward,
  sum,
  sumOp,
  type ReduceAttrs,
  type ReduceOptions,
} from "./sumOps.js";

export { sum, broadcastTo, sumTo, type ReduceOptions } from "./sumOps.js";

function extremumGrad(g: Tensor, x: Tensor, out: Tensor, attrs: ReduceAttrs): Tensor {
  const outK = gradToInput(out, x, attrs);
  const gK = gradToInput(g, x, attrs);
  const mask = castTo(eq(x, stopGradient(outK)), x.dtype);
  const count = sum(mask, { axis: attrs.axes, keepdims: true });
  return mul(div(mask, count), gK);
}

const maxOp = defineOp<ReduceAttrs>({
  name: "max",
  differentiable: true,
  forward: reduceForward("max", "max"),
  backward: (g, c) => [extremumGrad(g, c.inputs[0], c.out, c.attrs)],
});
const minOp = defineOp<ReduceAttrs>({
  name: "min",
  differentiable: true,
  forward: reduceForward("min", "min"),
  backward: (g, c) => [extremumGrad(g, c.inputs[0], c.out, c.attrs)],
});
const prodOp = defineOp<ReduceAttrs>({
  name: "prod",
  differentiable: true,
  forward: reduceForward("prod", "prod"),
  // d prod / d x_i = prod / x_i (valid where no x_i is 0).
  backward: (g, c) => [
    div(mul(gradToInput(g, c.inputs[0], c.attrs), gradToInput(c.out, c.inputs[0], c.attrs)), c.inputs[0]),
  ],
});

/** Mean over `axis` (all by default); integers give float64. @example mean(tensor([1, 2, 3, 4])).item() // 2.5 */
export function mean(x: TensorLike, opts?: ReduceOptions): Tensor {
  const t = asT(x, "mean");
  const attrs = attrsOf(t, opts, "mean");
  let n = 1;
  for (const a of attrs.axes) n *= t.shape[a];
  const tf = t.dtype === "float32" || t.dtype === "float64" ? t : castTo(t, "float64");
  return mul(apply(sumOp, [tf], attrs), 1 / n);
}

/** Maximum over `axis`; ties share the gradient evenly. @example max(tensor([[1, 5], [7, 2]]), { axis: 1 }).toArray() // [5, 7] */
export function max(x: TensorLike, opts?: ReduceOptions): Tensor {
  const t = asT(x, "max");
  return apply(maxOp, [t], attrsOf(t, opts, "max"));
}

/** Minimum over `axis`; ties share the gradient evenly. @example min(tensor([3, 1, 2])).item() // 1 */
export function min(x: TensorLike, opts?: ReduceOptions): Tensor {
  const t = asT(x, "min");
  return apply(minOp, [t], attrsOf(t, opts, "min"));
}

/** Product over `axis` (gradient prod/x, so inputs should be nonzero). @example prod(tensor([2, 3, 4])).item() // 24 */
export function prod(x: TensorLike, opts?: ReduceOptions): Tensor {
  const t = asT(x, "prod");
  return apply(prodOp, [t], attrsOf(t, opts, "prod"));
}

/**
 * log(sum(exp(x))) over `axis`, computed stably (shifted by the max).
 * @example logsumexp(tensor([0, 0])).item() // 0.6931471805599453
 */
export function logsumexp(x: TensorLike, opts?: ReduceOptions): Tensor {
  const t = asT(x, "logsumexp");
  const axes = normAxes(opts?.axis, t.shape.length, "logsumexp");
  const m0 = stopGradient(max(t, { axis: axes, keepdims: true }));
  const m = where(eq(abs(m0), Infinity), 0, m0);
  const s = add(log(sum(exp(sub(t, m)), { axis: axes, keepdims: true })), m);
  return opts?.keepdims === true ? s : reshape(s, outShapeOf(t.shape, axes, false));
}

/** Options of var/std. */
export interface VarOptions extends ReduceOptions {
  /** Subtracted from the count in the denominator: 0 (default, NumPy/JAX) or 1 (unbiased, PyTorch's default). */
  correction?: number;
}

/**
 * Variance over `axis`: mean((x - mean)^2) · n/(n - correction). correction defaults to 0 (NumPy/JAX).
 * @example variance(tensor([1, 2, 3, 4])).item() // 1.25
 */
export function variance(x: TensorLike, opts?: VarOptions): Tensor {
  const t = asT(x, "var");
  const axes = normAxes(opts?.axis, t.shape.length, "var");
  let n = 1;
  for (const a of axes) n *= t.shape[a];
  const corr = opts?.correction ?? 0;
  const mu = mean(t, { axis: axes, keepdims: true });
  const ss = sum(square(sub(t, mu)), { axis: axes, keepdims: opts?.keepdims === true });
  return mul(ss, 1 / (n - corr));
}

/** Alias of `variance` (the name `var` is reserved in JavaScript for a free function; the method is `x.var()`). @example var_(tensor([1, 3])).item() // 1 */
export const var_ = variance;

/** Standard deviation: sqrt(variance). @example std(tensor([1, 3])).item() // 1 */
export function std(x: TensorLike, opts?: VarOptions): Tensor {
  return sqrt(variance(x, opts));
}

/** Options of norm. */
export interface NormOptions extends ReduceOptions {
  /** 2 (default, Euclidean/Frobenius), 1, Infinity, -Infinity, "fro", or any p > 0. */
  ord?: number | "fro";
}

const norm2Op = defineOp<ReduceAttrs>({
  name: "norm",
  differentiable: true,
  forward(inputs, attrs) {
    const x = inputs[0];
    return noGrad(() =>
      sqrt(
        sum(square(castTo(x, x.dtype === "float32" ? "float32" : "float64")), {
          axis: attrs.axes,
          keepdims: attrs.keepdims,
        }),
      ),
    );
  },
  // x / ||x||, with 0 (a valid subgradient) where the norm is 0.
  backward(g, c) {
    const x = c.inputs[0];
    const nK = gradToInput(c.out, x, c.attrs);
    const gK = gradToInput(g, x, c.attrs);
    const safe = where(eq(nK, 0), 1, nK);
    return [mul(gK, where(eq(nK, 0), 0, div(x, safe)))];
  },
});

/**
 * Vector p-norm over `axis` (all elements by default, i.e. Frobenius for matrices).
 * The gradient at the origin is 0 (a subgradient).
 * @example norm(tensor([3, 4])).item() // 5
 */
export function norm(x: TensorLike, opts?: NormOptions): Tensor {
  const t = asT(x, "norm");
  const ord = opts?.ord ?? 2;
  const o: ReduceOptions = { axis: opts?.axis, keepdims: opts?.keepdims };
  if (ord === 2 || ord === "fro") {
    // The forward runs under the op (not recorded step by step): one node, exact gradient.
    return apply(norm2Op, [t], attrsOf(t, o, "norm"));
  }
  if (ord === 1) return sum(abs(t), o);
  if (ord === Infinity) return max(abs(t), o);
  if (ord === -Infinity) return min(abs(t), o);
  if (typeof ord !== "number" || !(ord > 0))
    throw new Error(`norm: ord must be a positive number, Infinity, -Infinity or "fro"; got ${String(ord)}`);
  return pow(sum(pow(abs(t), ord), o), 1 / ord);
}

const argOp = (name: "argmax" | "argmin") =>
  defineOp<{ axis: number | null }>({
    name,
    differentiable: false,
    forward(inputs, attrs) {
      const x = inputs[0];
      const shape = x.shape;
      let outer = 1,
        r = x.size,
        inner = 1,
        outShape: number[] = [];
      if (attrs.axis !== null) {
        const a = attrs.axis;
        outer = 1;
        inner = 1;
        r = shape[a];
        for (let d = 0; d < a; d++) outer *= shape[d];
        for (let d = a + 1; d < shape.length; d++) inner *= shape[d];
        outShape = shape.filter((_, i) => i !== a);
      }
      if (r === 0)
        throw new ShapeError(`${name}: cannot take ${name} of an empty axis (shape ${fmtShape(shape)})`);
      const out = new Int32Array(outer * inner);
      getBackend().argReduce(name, x._buf(), outer, r, inner, out);
      return outShape.length === 0
        ? new Tensor([], "int32", null, out[0])
        : new Tensor(outShape, "int32", out);
    },
  });
const argmaxOp = argOp("argmax");
const argminOp = argOp("argmin");

/**
 * Index of the maximum (int32), over the flattened tensor or along `axis`. Not differentiable.
 * @example argmax(tensor([[1, 5], [7, 2]]), { axis: 1 }).toArray() // [1, 0]
 */
export function argmax(x: TensorLike, opts?: { axis?: number }): Tensor {
  const t = asT(x, "argmax");
  return apply(argmaxOp, [t], {
    axis: opts?.axis === undefined ? null : normAxis(opts.axis, t.shape.length, "argmax"),
  });
}

/**
 * Index of the minimum (int32), over the flattened tensor or along `axis`. Not differentiable.
 * @example argmin(tensor([3, 1, 2])).item() // 1
 */
export function argmin(x: TensorLike, opts?: { axis?: number }): Tensor {
  const t = asT(x, "argmin");
  return apply(argminOp, [t], {
    axis: opts?.axis === undefined ? null : normAxis(opts.axis, t.shape.length, "argmin"),
  });
}
