// Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_): all gradients are scaled
// by min(1, maxNorm / (‖g‖ + 1e-6)) where ‖g‖ is the norm of the per-tensor norms.
import { Tensor } from "../tensor/tensor.js";
import { treeLeaves } from "../autodiff/pytree.js";
import { gradStorage } from "./optimizer.js";

/**
 * Scale the gradients in place so their global norm is at most `maxNorm`; returns the norm
 * before clipping. `grads` is a pytree of gradient tensors, or of parameters whose `.grad` is used.
 * `normType` is 2 by default (Infinity for the max norm).
 *
 * @example
 * const grads = grad(f)(params);
 * const before = optim.clipGradNorm(grads, 1.0);
 */
export function clipGradNorm(grads: unknown, maxNorm: number, normType = 2): number {
  const leaves = (treeLeaves(grads as never) as unknown[]).map((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`clipGradNorm: leaf ${i} is not a Tensor`);
    return t.requiresGrad && t.grad ? t.grad : t;
  }) as Tensor[];
  if (!(maxNorm >= 0)) throw new Error(`clipGradNorm: maxNorm must be >= 0, got ${maxNorm}`);
  if (leaves.length === 0) return 0;
  const norms = leaves.map((g) => vectorNorm(gradStorage(g), g.size, normType));
  const total = vectorNorm(norms, norms.length, normType);
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  for (const g of leaves) {
    const d = gradStorage(g) as Float64Array | Float32Array;
    for (let i = 0; i < g.size; i++) d[i] = d[i]! * coef;
  }
  return total;
}

/** The p-norm of the first n values (Infinity: the max norm). @example vectorNorm([3, 4], 2, 2) // 5 */
export function vectorNorm(v: ArrayLike<number>, n: number, p: number): number {
  if (p === Infinity) {
    let m = 0;
    for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(v[i]!));
    return m;
  }
  let s = 0;
  if (p === 2) {
    for (let i = 0; i < n; i++) s += v[i]! * v[i]!;
    return Math.sqrt(s);
  }
  for (let i = 0; i < n; i++) s += Math.abs(v[i]!) ** p;
  return s ** (1 / p);
}
