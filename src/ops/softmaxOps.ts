// Fused softmax and log-softmax along one axis (one pass over each row, max-shifted).
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { normAxis, sameShape } from "../tensor/shape.js";
import { getBackend } from "../backend/backend.js";
import { jsBackend } from "../backend/jsBackend.js";
import { canFuse } from "./fusedGradKernels.js";
import { apply, defineOp } from "../autodiff/opRegistry.js";
import { asTensor, emptyTensor } from "./tensorLike.js";
import { castTo } from "./castOps.js";
import { exp } from "./unaryOps.js";
import { mul, sub } from "./binaryOps.js";
import { singleAxis, sum } from "./reductionOps.js";
import { reshape } from "./shapeOps.js";

interface SoftmaxAttrs {
  axis: number;
}

function layout(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1,
    inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, shape[axis], inner];
}

function softmaxForward(log: boolean) {
  return (inputs: readonly Tensor[], attrs: SoftmaxAttrs): Tensor => {
    const x = inputs[0];
    const out = emptyTensor(x.shape, x.dtype);
    const [outer, r, inner] = layout(x.shape, attrs.axis);
    const be = getBackend();
    (be.softmax ?? jsBackend.softmax!)(log, x._buf(), outer, r, inner, out._buf());
    return out;
  };
}

/** One-pass first-order gradient (nothing recorded), through the backend's fused kernel. */
function fusedSoftmaxGrad(log: boolean, g: Tensor, y: Tensor, axis: number): Tensor {
  const gg = g.dtype === y.dtype ? g : castTo(g, y.dtype);
  const out = emptyTensor(y.shape, y.dtype);
  const [outer, r, inner] = layout(y.shape, axis);
  const be = getBackend();
  (be.softmaxGrad ?? jsBackend.softmaxGrad!)(log, gg._buf(), y._buf(), outer, r, inner, out._buf());
  return out;
}

const softmaxOp = defineOp<SoftmaxAttrs>({
  name: "softmax",
  differentiable: true,
  forward: softmaxForward(false),
  backward: (g, c) => [
    canFuse() && sameShape(g.shape, c.out.shape)
      ? fusedSoftmaxGrad(false, g, c.out, c.attrs.axis)
      : mul(c.out, sub(g, sum(mul(g, c.out), { axis: c.attrs.axis, keepdims: true }))),
  ],
});

const logSoftmaxOp = defineOp<SoftmaxAttrs>({
  name: "logSoftmax",
  differentiable: true,
  forward: softmaxForward(true),
  backward: (g, c) => [
    canFuse() && sameShape(g.shape, c.out.shape)
      ? fusedSoftmaxGrad(true, g, c.out, c.attrs.axis)
      : sub(g, mul(exp(c.out), sum(g, { axis: c.attrs.axis, keepdims: true }))),
  ],
});

function floatInput(x: TensorLike, name: string): Tensor {
  const t = x instanceof Tensor ? x : asTensor(x, null, name);
  const f = t.dtype === "float32" || t.dtype === "float64" ? t : castTo(t, "float64");
  // A 0-d input is a one-element axis.
  return f.shape.length === 0 ? reshape(f, [1]) : f;
}

function restore(out: Tensor, x: TensorLike): Tensor {
  return x instanceof Tensor && x.shape.length === 0 ? reshape(out, []) : out;
}

/**
 * softmax along `axis` (default -1): exp(x) / sum(exp(x)), computed stably.
 * @example softmax(tensor([0, 0])).toArray() // [0.5, 0.5]
 */
export function softmax(x: TensorLike, axis?: number | { axis?: number }): Tensor {
  const t = floatInput(x, "softmax");
  return restore(
    apply(softmaxOp, [t], { axis: normAxis(singleAxis(axis, "softmax") ?? -1, t.shape.length, "softmax") }),
    x,
  );
}

/**
 * log(softmax(x)) along `axis` (default -1), computed stably (x - logsumexp(x)).
 * @example logSoftmax(tensor([0, 0])).toArray() // [-0.6931471805599453, -0.6931471805599453]
 */
export function logSoftmax(x: TensorLike, axis?: number | { axis?: number }): Tensor {
  const t = floatInput(x, "logSoftmax");
  return restore(
    apply(logSoftmaxOp, [t], {
      axis: normAxis(singleAxis(axis, "logSoftmax") ?? -1, t.shape.length, "logSoftmax"),
    }),
    x,
  );
}
