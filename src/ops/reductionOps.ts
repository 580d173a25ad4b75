// Reductions with {axis, keepdims}; full reductions return shape []. Also broadcastTo and
// sumTo, the adjoint pair every broadcasting gradient uses.
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import {
  broadcastShapes,
  broadcastStrides,
  fmtShape,
  normAxes,
  normAxis,
  sameShape,
  ShapeError,
} from "../tensor/shape.js";
import { getBackend, type ReduceKernel } from "../backend/backend.js";
import { acquire, release } from "../backend/bufferPool.js";
import { apply, defineOp } from "../autodiff/opRegistry.js";
import { noGrad } from "../autodiff/gradMode.js";
import { asTensor, emptyTensor, scalarTensor } from "./tensorLike.js";
import { add, div, eq, mul, pow, sub, where } from "./binaryOps.js";
import { abs, log, exp, sqrt, square } from "./unaryOps.js";
import { castTo, stopGradient } from "./castOps.js";
import { reshape } from "./shapeOps.js";
import { deferBinary, deferRowSum, fusedSum } from "./lazyElementwise.js";

/** Options of every reduction. */
export interface ReduceOptions {
  /** Axis or axes to reduce (negative counts from the end); all when omitted. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size 1 (default false). */
  keepdims?: boolean;
}

/** Options of a reduction when the axis is given as a positional argument. */
export type KeepdimsOptions = Omit<ReduceOptions, "axis">;

/**
 * The second argument of a reduction: an axis, a list of axes (as NumPy and PyTorch take them),
 * or the options object.
 */
export type AxisOrOptions<O extends ReduceOptions = ReduceOptions> = number | readonly number[] | O;

/**
 * One options object from `x.sum(1, { keepdims: true })`, `x.sum([0, 1])` or `x.sum({ axis: 1 })`.
 * A value that is neither (a string, say) is refused rather than read as "no axis", which
 * would silently reduce everything.
 * @example reduceOptions(1, { keepdims: true }, "sum") // { keepdims: true, axis: 1 }
 */
export function reduceOptions<O extends ReduceOptions>(
  axisOrOpts: AxisOrOptions<O> | undefined,
  opts: Omit<O, "axis"> | undefined,
  name: string,
): O | undefined {
  if (axisOrOpts === undefined || axisOrOpts === null) return opts as O | undefined;
  if (typeof axisOrOpts === "number" || Array.isArray(axisOrOpts)) {
    if (opts !== undefined && (opts as ReduceOptions).axis !== undefined)
      throw new ShapeError(`${name}: axis given twice (as an argument and in the options)`);
    return { ...opts, axis: axisOrOpts } as O;
  }
  if (typeof axisOrOpts !== "object")
    throw new ShapeError(
      `${name}: axis must be a number, an array of numbers or an options object; got ${JSON.stringify(axisOrOpts)}`,
    );
  if (opts !== undefined) throw new ShapeError(`${name}: options given twice`);
  return axisOrOpts as O;
}

/**
 * The axis of a single-axis op (argmax, softmax) from a number or `{ axis }`.
 * @example singleAxis({ axis: 1 }, "argmax") // 1
 */
export function singleAxis(
  axisOrOpts: number | { axis?: number } | undefined,
  name: string,
): number | undefined {
  if (axisOrOpts === undefined || axisOrOpts === null) return undefined;
  if (typeof axisOrOpts === "number") return axisOrOpts;
  if (typeof axisOrOpts !== "object" || Array.isArray(axisOrOpts))
    throw new ShapeError(`${name}: axis must be a number or { axis }; got ${JSON.stringify(axisOrOpts)}`);
  return axisOrOpts.axis;
}

interface ReduceAttrs {
  axes: number[];
  keepdims: boolean;
}

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function outShapeOf(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  return keepdims ? keptShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

function reduceDType(d: DType, kernel: ReduceKernel): DType {
  if (kernel === "sum" || kernel === "prod") return d === "bool" ? "int32" : d;
  return d;
}

/** Reduce `axes` of x with the backend, one contiguous run of axes per pass. */
function reduceForward(kernel: ReduceKernel, opName: string) {
  return (inputs: readonly Tensor[], attrs: ReduceAttrs): Tensor => {
    const x = inputs[0];
    const dt = reduceDType(x.dtype, kernel);
    const shape = outShapeOf(x.shape, attrs.axes, attrs.keepdims);
    const axes = attrs.axes;
    if ((kernel === "max" || kernel === "min") && x.size === 0) {
      throw new ShapeError(
        `${opName}: cannot reduce an empty tensor of shape ${fmtShape(x.shape)} (no identity for ${kernel})`,
      );
    }
    if (x._data === null && x.shape.length === 0 && (x._flags & 2) === 0)
      return new Tensor(shape, dt, null, x._s);
    if (kernel === "sum" && x._lazy !== null) {
      if (axes.length === 1 && axes[0] === x.shape.length - 1) {
        const rows = deferRowSum(x, shape, dt);
        if (rows !== null) return rows;
      }
      const fused = fusedSum(x, axes, dt);
      if (typeof fused === "number") {
        if (shape.length === 0) return new Tensor([], dt, null, fused);
        const out = emptyTensor(shape, dt);
        out._buf()[0] = fused;
        return out;
      }
      if (fused !== null) return new Tensor(shape, dt, fused);
    }
    const be = getBackend();
    // Group consecutive axes so a contiguous block reduces in one pass.
    let cur: ArrayLike<number> = x._buf();
    let curShape = x.shape.slice();
    let owned: ReturnType<typeof acquire> | null = null;
    let i = axes.length - 1;
    while (i >= 0) {
      let j = i;
      while (j > 0 && axes[j - 1] === axes[j] - 1) j--;
      const a0 = axes[j],
        a1 = axes[i];
      let outer = 1,
        r = 1,
        inner = 1;
      for (let d = 0; d < curShape.length; d++) {
        if (d < a0) outer *= curShape[d];
        else if (d <= a1) r *= curShape[d];
        else inner *= curShape[d];
      }
      const next = acquire(dt, outer * inner);
      be.reduce(kernel, cur as never, outer, r, inner, next);
      if (owned !== null) release(owned);
      owned = next;
      cur = next;
      curShape = curShape.map((d, k) => (k >= a0 && k <= a1 ? 1 : d));
      i = j - 1;
    }
    if (owned === null) {
      const out = emptyTensor(shape, dt);
      (out._buf() as Float64Array).set(x._buf() as Float64Array);
      return out;
    }
    if (shape.length === 0) {
      const v = owned[0];
      release(owned);
      return new Tensor([], dt, null, v);
    }
    return new Tensor(shape, dt, owned);
  };
}

function gradToInput(g: Tensor, x: Tensor, attrs: ReduceAttrs): Tensor {
  return attrs.keepdims ? g : reshape(g, keptShape(x.shape, attrs.axes));
}

const sumOp = defineOp<ReduceAttrs>({
  name: "sum",
  differentiable: true,
  forward: reduceForward("sum", "sum"),
  backward: (g, c) => [broadcastTo(gradToInput(g, c.inputs[0], c.attrs), c.inputs[0].shape)],
});

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

function attrsOf(x: Tensor, opts: ReduceOptions | undefined, name: string): ReduceAttrs {
  return { axes: normAxes(opts?.axis, x.shape.length, name), keepdims: opts?.keepdims === true };
}

function asT(x: TensorLike, name: string): Tensor {
  return x instanceof Tensor ? x : asTensor(x, null, name);
}

/** Sum over `axis` (all by default). @example sum(tensor([[1, 2], [3, 4]]), { axis: 0 }).toArray() // [4, 6] */
export function sum(x: TensorLike, axis?: AxisOrOptions, keep?: KeepdimsOptions): Tensor {
  const opts = reduceOptions(axis, keep, "sum");
  const t = asT(x, "sum");
  return apply(sumOp, [t], attrsOf(t, opts, "sum"));
}

/** Mean over `axis` (all by default); integers give float64. @example mean(tensor([1, 2, 3, 4])).item() // 2.5 */
export function mean(x: TensorLike, axis?: AxisOrOptions, keep?: KeepdimsOptions): Tensor {
  const opts = reduceOptions(axis, keep, "mean");
  const t = asT(x, "mean");
  const attrs = attrsOf(t, opts, "mean");
  let n = 1;
  for (const a of attrs.axes) n *= t.shape[a];
  const tf = t.dtype === "float32" || t.dtype === "float64" ? t : castTo(t, "float64");
  return mul(apply(sumOp, [tf], attrs), 1 / n);
}

/** Maximum over `axis`; ties share the gradient evenly. @example max(tensor([[1, 5], [7, 2]]), { axis: 1 }).toArray() // [5, 7] */
export function max(x: TensorLike, axis?: AxisOrOptions, keep?: KeepdimsOptions): Tensor {
  const opts = reduceOptions(axis, keep, "max");
  const t = asT(x, "max");
  return apply(maxOp, [t], attrsOf(t, opts, "max"));
}

/** Minimum over `axis`; ties share the gradient evenly. @example min(tensor([3, 1, 2])).item() // 1 */
export function min(x: TensorLike, axis?: AxisOrOptions, keep?: KeepdimsOptions): Tensor {
  const opts = reduceOptions(axis, keep, "min");
  const t = asT(x, "min");
  return apply(minOp, [t], attrsOf(t, opts, "min"));
}

/** Product over `axis` (gradient prod/x, so inputs should be nonzero). @example prod(tensor([2, 3, 4])).item() // 24 */
export function prod(x: TensorLike, axis?: AxisOrOptions, keep?: KeepdimsOptions): Tensor {
  const opts = reduceOptions(axis, keep, "prod");
  const t = asT(x, "prod");
  return apply(prodOp, [t], attrsOf(t, opts, "prod"));
}

/**
 * log(sum(exp(x))) over `axis`, computed stably (shifted by the max).
 * @example logsumexp(tensor([0, 0])).item() // 0.6931471805599453
 */
export function logsumexp(x: TensorLike, axis?: AxisOrOptions, keep?: KeepdimsOptions): Tensor {
  const opts = reduceOptions(axis, keep, "logsumexp");
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
export function variance(
  x: TensorLike,
  axis?: AxisOrOptions<VarOptions>,
  more?: Omit<VarOptions, "axis">,
): Tensor {
  const opts = reduceOptions(axis, more, "var");
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
export function std(
  x: TensorLike,
  axis?: AxisOrOptions<VarOptions>,
  more?: Omit<VarOptions, "axis">,
): Tensor {
  const opts = reduceOptions(axis, more, "std");
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
export function norm(
  x: TensorLike,
  axis?: AxisOrOptions<NormOptions>,
  more?: Omit<NormOptions, "axis">,
): Tensor {
  const opts = reduceOptions(axis, more, "norm");
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
export function argmax(x: TensorLike, axis?: number | { axis?: number }): Tensor {
  const t = asT(x, "argmax");
  const a = singleAxis(axis, "argmax");
  return apply(argmaxOp, [t], { axis: a === undefined ? null : normAxis(a, t.shape.length, "argmax") });
}

/**
 * Index of the minimum (int32), over the flattened tensor or along `axis`. Not differentiable.
 * @example argmin(tensor([3, 1, 2])).item() // 1
 */
export function argmin(x: TensorLike, axis?: number | { axis?: number }): Tensor {
  const t = asT(x, "argmin");
  const a = singleAxis(axis, "argmin");
  return apply(argminOp, [t], { axis: a === undefined ? null : normAxis(a, t.shape.length, "argmin") });
}

const broadcastToOp = defineOp<{ shape: number[] }>({
  name: "broadcastTo",
  differentiable: true,
  forward(inputs, attrs) {
    const x = inputs[0];
    if (x.dtype === "float32" || x.dtype === "float64") {
      // Deferred as x * 1 (the eager loop's arithmetic) so a consumer reads x by broadcast strides.
      const deferred = deferBinary("mul", x, scalarTensor(1, x.dtype), attrs.shape.slice(), x.dtype);
      if (deferred !== null) return deferred;
    }
    const out = emptyTensor(attrs.shape, x.dtype);
    const one = x.dtype === "float32" ? new Float32Array([1]) : new Float64Array([1]);
    if (x.dtype === "int32" || x.dtype === "bool") {
      const src = x._buf();
      getBackend().binary(
        "add",
        src,
        broadcastStrides(x.shape, attrs.shape),
        new Int32Array(1),
        broadcastStrides([], attrs.shape),
        out._buf(),
        attrs.shape,
      );
      return out;
    }
    getBackend().binary(
      "mul",
      x._buf(),
      broadcastStrides(x.shape, attrs.shape),
      one,
      broadcastStrides([], attrs.shape),
      out._buf(),
      attrs.shape,
    );
    return out;
  },
  backward: (g, c) => [sumTo(g, c.inputs[0].shape)],
});

/**
 * Materialise x broadcast to `shape` (NumPy rules). Gradient: sumTo.
 * @example broadcastTo(tensor([1, 2]), [2, 2]).toArray() // [[1, 2], [1, 2]]
 */
export function broadcastTo(x: TensorLike, shape: number[]): Tensor {
  const t = asT(x, "broadcastTo");
  const b = broadcastShapes(t.shape, shape, "broadcastTo");
  if (!sameShape(b, shape))
    throw new ShapeError(`broadcastTo: shape ${fmtShape(t.shape)} cannot be broadcast to ${fmtShape(shape)}`);
  if (sameShape(t.shape, shape)) return t;
  return apply(broadcastToOp, [t], { shape: shape.slice() });
}

/**
 * Sum a broadcast result back down to `shape` (the adjoint of broadcastTo).
 * @example sumTo(ones([2, 3]), [3]).toArray() // [2, 2, 2]
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const nd = g.shape.length;
  const lead = nd - shape.length;
  if (lead < 0)
    throw new ShapeError(
      `sumTo: cannot reduce shape ${fmtShape(g.shape)} to the larger rank ${fmtShape(shape)}`,
    );
  const axes: number[] = [];
  for (let i = 0; i < nd; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) axes.push(i);
    else if (shape[i - lead] !== g.shape[i])
      throw new ShapeError(`sumTo: shape ${fmtShape(g.shape)} is not a broadcast of ${fmtShape(shape)}`);
  }
  const s = apply(sumOp, [g], { axes, keepdims: true });
  return sameShape(s.shape, shape) ? s : reshape(s, shape.slice());
}
