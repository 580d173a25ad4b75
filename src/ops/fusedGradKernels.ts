// One-pass gradient kernels for the hottest rules (tanh, sigmoid, relu, square). They run
// only when the reverse sweep records nothing (first-order gradients); when a graph of the
// backward is needed, the rules use their composite, differentiable form instead.
import { Tensor } from "../tensor/tensor.js";
import { type DType, floatOf, promote } from "../tensor/dtype.js";
import { jsBackend } from "../backend/jsBackend.js";
import { broadcastShapes, broadcastStrides } from "../tensor/shape.js";
import { getBackend, type BinaryKernel } from "../backend/backend.js";
import { gradState } from "../autodiff/gradMode.js";
import { emptyTensor } from "./tensorLike.js";
import { deferBinary, deferRowSum, fusedSum } from "./lazyElementwise.js";

/** Axes where `shape` is 1 and the broadcast shape `full` (same rank) is not. */
function reducedAxes(shape: readonly number[], full: readonly number[]): number[] {
  const axes: number[] = [];
  for (let i = 0; i < full.length; i++) if (shape[i] === 1 && full[i] !== 1) axes.push(i);
  return axes;
}

/**
 * True when a gradient rule may use a fused kernel (nothing is being recorded).
 * @example if (canFuse()) return fusedGrad("tanhGrad", g, out);
 */
export function canFuse(): boolean {
  return !gradState.enabled;
}

/**
 * sumTo(g * other, shape) in one pass without materialising the broadcast product
 * (the gradient of a broadcast multiply), in `dtype`.
 * @example fusedMulReduce(g, x, w.shape, w.dtype) // = sumTo(mul(g, x), w.shape)
 */
export function fusedMulReduce(g: Tensor, other: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const full = broadcastShapes(g.shape, other.shape, "mul");
  if ((g._lazy !== null || other._lazy !== null) && shape.length === full.length) {
    // A deferred factor: sum the deferred product row by row in one loop (no full-size product).
    const axes = reducedAxes(shape, full);
    const rows = axes.length === 1 && axes[0] === full.length - 1;
    const prod = rows || axes.length === full.length ? deferBinary("mul", g, other, full, dtype) : null;
    const deferred = prod !== null && rows ? deferRowSum(prod, shape.slice(), dtype) : null;
    if (deferred !== null) return deferred;
    const fused = prod === null ? null : fusedSum(prod, axes, dtype);
    if (fused !== null) {
      if (typeof fused !== "number") return new Tensor(shape.slice(), dtype, fused);
      const out = emptyTensor(shape.slice(), dtype);
      out._buf()[0] = fused;
      return out;
    }
  }
  const out = emptyTensor(shape.slice(), dtype);
  const be = getBackend();
  const kernel = be.mulReduce ?? jsBackend.mulReduce!;
  kernel(
    g._buf(),
    broadcastStrides(g.shape, full),
    other._buf(),
    broadcastStrides(other.shape, full),
    out._buf(),
    broadcastStrides(shape, full),
    full,
  );
  return out;
}

/**
 * out = kernel(g, saved) elementwise (broadcast), without recording.
 * @example fusedGrad("tanhGrad", g, out) // g * (1 - out²)
 */
export function fusedGrad(kernel: BinaryKernel, g: Tensor, saved: Tensor): Tensor {
  const shape = broadcastShapes(g.shape, saved.shape, kernel);
  const dt = floatOf(promote(g.dtype, saved.dtype));
  const deferred = deferBinary(kernel, g, saved, shape, dt);
  if (deferred !== null) return deferred;
  const out = emptyTensor(shape, dt);
  getBackend().binary(
    kernel,
    g._buf(),
    broadcastStrides(g.shape, shape),
    saved._buf(),
    broadcastStrides(saved.shape, shape),
    out._buf(),
    shape,
  );
  return out;
}
