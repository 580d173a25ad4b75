// dtype conversion, identity, stopGradient and in-place assignment.
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { type DType, isFloat } from "../tensor/dtype.js";
import { broadcastShapes, broadcastStrides, fmtShape, ShapeError } from "../tensor/shape.js";
import { getBackend } from "../backend/backend.js";
import { apply, defineOp } from "../autodiff/opRegistry.js";
import { asTensor, emptyTensor, scalarTensor } from "./tensorLike.js";
import { beforeWrite } from "./lazyElementwise.js";
import { RELEASED } from "../tensor/tensorFlags.js";

function convert(x: Tensor, dtype: DType): Tensor {
  if (x._data === null && x.shape.length === 0 && (x._flags & RELEASED) === 0)
    return scalarTensor(dtype === "int32" ? Math.trunc(x._s) : x._s, dtype);
  const out = emptyTensor(x.shape, dtype);
  const src = x._buf(),
    dst = out._buf();
  if (dtype === "bool") for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  else dst.set(src);
  return out;
}

const astypeOp = defineOp<{ dtype: DType }>({
  name: "astype",
  differentiable: true,
  forward: (inputs, attrs) => convert(inputs[0], attrs.dtype),
  backward: (g, c) => [isFloat(c.inputs[0].dtype) ? castTo(g, c.inputs[0].dtype) : null],
});

/**
 * Convert to `dtype` (a no-op returning `x` when it already has it). Differentiable between float types.
 * @example castTo(tensor([1.5]), "float32").dtype // "float32"
 */
export function castTo(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return apply(astypeOp, [x], { dtype });
}

const identityOp = defineOp<null>({
  name: "identity",
  differentiable: true,
  forward: (inputs) => {
    const x = inputs[0];
    if (x._lazy !== null) x._buf();
    // The result views x's storage, so that storage may not be recycled.
    return new Tensor(x.shape, x.dtype, x._sharedStorage(), x._s);
  },
  backward: (g) => [g],
});

/**
 * A new tensor equal to x, recorded as an op (transforms use it to start a fresh variable).
 * @example identity(x).requiresGrad === x.requiresGrad
 */
export function identity(x: Tensor): Tensor {
  return apply(identityOp, [x], null);
}

/**
 * The same values with no gradient flowing back (JAX's stop_gradient): d/dx stopGradient(x) = 0.
 * @example grad((x) => x.mul(stopGradient(x)).sum())(tensor([3])).toArray() // [3]
 */
export function stopGradient(x: TensorLike): Tensor {
  const t = x instanceof Tensor ? x : asTensor(x, null, "stopGradient");
  return t.detach();
}

/**
 * Overwrite `t`'s values in place (Tensor.assign; not recorded by autodiff).
 * @example assignValues(w, 0)
 */
export function assignValues(t: Tensor, value: Tensor | ArrayLike<number> | number): void {
  if ((t._flags & RELEASED) !== 0 || t._lazy !== null) void t._buf();
  // Deferred results that read t's storage keep the values they had before this write.
  if (t._data !== null) beforeWrite(t._data);
  if (typeof value === "number") {
    if (t._data === null)
      t._s =
        t.dtype === "float32"
          ? Math.fround(value)
          : t.dtype === "int32"
            ? value | 0
            : t.dtype === "bool"
              ? value
                ? 1
                : 0
              : value;
    else t._data.fill(value);
    return;
  }
  if (value instanceof Tensor) {
    const shape = broadcastShapes(value.shape, t.shape, "assign");
    if (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i])) {
      throw new ShapeError(
        `assign: value of shape ${fmtShape(value.shape)} does not broadcast to the target shape ${fmtShape(t.shape)}`,
      );
    }
    if (t._data === null && value.size === 1) {
      assignValues(t, value.item());
      return;
    }
    const dst = t._buf();
    if (value.size === t.size) dst.set(value._buf());
    else
      getBackend().binary(
        "add",
        value._buf(),
        broadcastStrides(value.shape, t.shape),
        new Float64Array(1),
        broadcastStrides([], t.shape),
        dst,
        t.shape,
      );
    return;
  }
  if (value.length !== t.size)
    throw new ShapeError(
      `assign: got ${value.length} values for a tensor of shape ${fmtShape(t.shape)} (${t.size} elements)`,
    );
  const dst = t._buf();
  for (let i = 0; i < value.length; i++) dst[i] = value[i];
}

/**
 * `t` converted to `dtype` (Tensor.astype): a copy when the dtype is already `dtype`.
 * @example convertDType(tensor([1.7]), "int32").toArray() // [1]
 */
export function convertDType(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t.clone() : apply(astypeOp, [t], { dtype });
}
