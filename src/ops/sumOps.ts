// sum and the adjoint pair built on it, broadcastTo and sumTo, which every broadcasting
// gradient uses; also the {axis, keepdims} handling and backend reduce shared by every
// reduction. Kept apart from the other reductions, whose gradients use elementwise ops,
// so the elementwise ops can use sumTo without an import cycle.
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import {
  broadcastShapes,
  broadcastStrides,
  fmtShape,
  normAxes,
  sameShape,
  ShapeError,
} from "../tensor/shape.js";
import { getBackend, type ReduceKernel } from "../backend/backend.js";
import { acquire, release } from "../backend/bufferPool.js";
import { apply, defineOp } from "../autodiff/opRegistry.js";
import { asTensor, emptyTensor, scalarTensor } from "./tensorLike.js";
import { reshape } from "./shapeOps.js";
import { deferBinary, deferRowSum, fusedSum } from "./lazyElementwise.js";
import { RELEASED } from "../tensor/tensorFlags.js";

/** Options of every reduction. */
export interface ReduceOptions {
  /** Axis or axes to reduce (negative counts from the end); all when omitted. */
  axis?: number | number[];
  /** Keep reduced axes as size 1 (default false). */
  keepdims?: boolean;
}

export interface ReduceAttrs {
  axes: number[];
  keepdims: boolean;
}

export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

export function outShapeOf(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  return keepdims ? keptShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

function reduceDType(d: DType, kernel: ReduceKernel): DType {
  if (kernel === "sum" || kernel === "prod") return d === "bool" ? "int32" : d;
  return d;
}

/** Reduce `axes` of x with the backend, one contiguous run of axes per pass. */
export function reduceForward(kernel: ReduceKernel, opName: string) {
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
    if (x._data === null && x.shape.length === 0 && (x._flags & RELEASED) === 0)
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

export function gradToInput(g: Tensor, x: Tensor, attrs: ReduceAttrs): Tensor {
  return attrs.keepdims ? g : reshape(g, keptShape(x.shape, attrs.axes));
}

export const sumOp = defineOp<ReduceAttrs>({
  name: "sum",
  differentiable: true,
  forward: reduceForward("sum", "sum"),
  backward: (g, c) => [broadcastTo(gradToInput(g, c.inputs[0], c.attrs), c.inputs[0].shape)],
});

export function attrsOf(x: Tensor, opts: ReduceOptions | undefined, name: string): ReduceAttrs {
  return { axes: normAxes(opts?.axis, x.shape.length, name), keepdims: opts?.keepdims === true };
}

export function asT(x: TensorLike, name: string): Tensor {
  return x instanceof Tensor ? x : asTensor(x, null, name);
}

/** Sum over `axis` (all by default). @example sum(tensor([[1, 2], [3, 4]]), { axis: 0 }).toArray() // [4, 6] */
export function sum(x: TensorLike, opts?: ReduceOptions): Tensor {
  const t = asT(x, "sum");
  return apply(sumOp, [t], attrsOf(t, opts, "sum"));
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
