// First-order optimizers: the gradient comes from an explicit pytree, an objective, or each
// parameter's .grad; the update rule then runs element by element over the live storage,
// in exactly the order torch.optim's single-tensor implementations use, so trajectories agree
// to rounding.
import { Tensor } from "../tensor/tensor.js";
import { dispose } from "../tensor/dispose.js";
import { treeLeaves } from "../autodiff/pytree.js";
import {
  Optimizer,
  gradStorage,
  parameterLeaves,
  type FloatArray,
  type Objective,
  type ParamTree,
} from "./optimizer.js";

/** Per-parameter state: counters and buffers shaped like the parameter's storage. */
export type ParamState = Record<string, number | FloatArray | null>;

/** Gradient-based optimizer; subclasses supply the per-parameter update. @example optim.adam() instanceof optim.GradientOptimizer // true */
export abstract class GradientOptimizer extends Optimizer {
  /** Per-parameter state (PyTorch's `optimizer.state`), keyed by the parameter tensor. */
  readonly state = new Map<Tensor, ParamState>();

  /**
   * Update `params` in place. `gradsOrObjective` is a pytree of gradients shaped like
   * `params`, or an objective `(params) => loss` (evaluated with its gradient), or omitted
   * to use each parameter's `.grad` (parameters without one are skipped, as in PyTorch).
   *
   * @example
   * const opt = optim.sgd({ lr: 0.1, momentum: 0.9 });
   * opt.step(params, grad(f)(params));
   * opt.step(params, f);   // evaluates f and its gradient itself, returns the loss
   */
  step(params: ParamTree, gradsOrObjective?: ParamTree | Objective): number | undefined {
    const leaves = parameterLeaves(params, `${this.name}.step`);
    let loss: number | undefined;
    let grads: (Tensor | null)[];
    let owned = false;
    if (typeof gradsOrObjective === "function") {
      owned = true;
      const r = this.evaluateWithGrad(gradsOrObjective as Objective, params);
      loss = r.loss;
      grads = r.grads;
    } else if (gradsOrObjective !== undefined) {
      grads = treeLeaves(gradsOrObjective as never) as unknown as Tensor[];
      this.evaluations.grad += 1;
    } else {
      grads = leaves.map((p) => p.grad);
    }
    if (grads.length !== leaves.length) {
      throw new Error(
        `${this.name}.step: ${leaves.length} parameters but ${grads.length} gradients (the pytrees differ)`,
      );
    }
    this.steps += 1;
    for (let i = 0; i < leaves.length; i++) {
      const p = leaves[i]!;
      const g = grads[i];
      if (g === null || g === undefined) continue;
      if (!(g instanceof Tensor)) throw new Error(`${this.name}.step: gradient ${i} is not a Tensor`);
      if (g.size !== p.size) {
        throw new Error(
          `${this.name}.step: parameter ${i} has shape [${p.shape.join(", ")}] but its gradient has shape [${g.shape.join(", ")}]`,
        );
      }
      let s = this.state.get(p);
      if (s === undefined) {
        s = this.initState(p);
        this.state.set(p, s);
      }
      this.update(p.data as FloatArray, gradStorage(g), s, p.size);
    }
    // Gradients this call computed itself are spent: recycle their buffers.
    if (owned) dispose(grads);
    return loss;
  }

  /** A fresh buffer shaped like parameter `p`'s storage. */
  protected buffer(p: Tensor, fill = 0): FloatArray {
    const b = p.dtype === "float32" ? new Float32Array(p.size) : new Float64Array(p.size);
    if (fill !== 0) b.fill(fill);
    return b;
  }

  protected abstract initState(p: Tensor): ParamState;
  protected abstract update(p: FloatArray, g: ArrayLike<number>, state: ParamState, n: number): void;
}
