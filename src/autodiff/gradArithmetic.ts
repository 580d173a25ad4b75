// The two tensor operations the reverse sweep itself needs: summing cotangents that meet
// at a tensor, and the ones seed of a scalar output.
import type { Tensor } from "../tensor/tensor.js";
import { add } from "../ops/binaryOps.js";
import { castTo } from "../ops/castOps.js";
import { scalarTensor } from "../ops/tensorLike.js";
import { full } from "../tensor/creation.js";

/** a + b for two cotangents of one tensor (recorded when the sweep creates a graph). @example addRaw(g1, g2) */
export function addRaw(a: Tensor, b: Tensor): Tensor {
  const s = add(a, b);
  return s.dtype === a.dtype ? s : castTo(s, a.dtype);
}

/** Ones shaped and typed like t (the default cotangent of a scalar output). @example onesLikeRaw(loss) */
export function onesLikeRaw(t: Tensor): Tensor {
  if (t.shape.length === 0) return scalarTensor(1, t.dtype);
  return full(t.shape, 1, { dtype: t.dtype });
}
