// Explicit release of tensors the caller is done with (tfjs-style), for hot loops where
// fresh memory pages dominate: their buffers go back to the pool for the next step.
import { dropDeferred, Tensor } from "./tensor.js";
import { release } from "../backend/bufferPool.js";
import { treeLeaves } from "../autodiff/pytree.js";
import { RELEASED } from "./tensorFlags.js";

/**
 * Return the buffers of every tensor in `tree` to the pool. Afterwards reading those tensors
 * throws. Tensors sharing storage with another (views, detach) are skipped, so disposing
 * never corrupts a live tensor. Returns how many buffers were recycled.
 * @example
 * const [, grads] = valueAndGrad((p: typeof params) => p.w.mul(x).add(p.b).sum())(params);
 * opt.step(params, grads);
 * dispose(grads); // the gradients' buffers go back to the pool
 */
export function dispose(tree: unknown): number {
  let n = 0;
  for (const leaf of treeLeaves<unknown>(tree)) {
    if (!(leaf instanceof Tensor)) continue;
    const t = leaf;
    if (t._lazy !== null) {
      dropDeferred(t);
      t._cutGraph();
      t.grad = null;
      continue;
    }
    if (t._storage === null || t._storage.shared) continue;
    release(t._storage.array);
    t._data = null;
    t._flags |= RELEASED;
    t._cutGraph();
    t.grad = null;
    n++;
  }
  return n;
}
