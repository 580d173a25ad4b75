// The shape every gradlab optimizer shares: a pytree of parameter tensors updated in place,
// counters of how many times the loss and its gradient were evaluated, and state a notebook
// can look into. Gradient-based and derivative-free optimizers both implement it, so the
// seed's contrast ("Adam: 120 gradient steps vs GA: 20,000 loss evaluations") is one table.
import { Tensor } from "../tensor/tensor.js";
import { treeLeaves } from "../autodiff/pytree.js";
import { valueAndGrad } from "../autodiff/transforms.js";
import type { Loose } from "../tensor/looseValue.js";

/** A tensor, or arrays/objects of tensors such as `{w1, b1, w2, b2}`. */
export type ParamTree = Tensor | ParamTree[] | { [key: string]: ParamTree };

/** A loss as a function of the parameters: what `step(params, objective)` evaluates. */
export type Objective = (params: Loose) => Tensor | number;

/** How many times an optimizer evaluated the loss and its gradient (reset with `resetCounts()`). */
export interface Evaluations {
  loss: number;
  grad: number;
}

/** The storage an optimizer writes: a tensor's live, contiguous data. */
export type FloatArray = Float64Array | Float32Array;

/** The leaves of a parameter pytree, checked to be float tensors. @example parameterLeaves({ w, b }, "sgd.step") // [w, b] */
export function parameterLeaves(params: ParamTree, who: string): Tensor[] {
  const leaves = treeLeaves(params as never) as unknown[];
  if (leaves.length === 0) throw new Error(`${who}: the parameter pytree has no tensors`);
  for (const [i, leaf] of leaves.entries()) {
    if (!(leaf instanceof Tensor)) {
      throw new Error(`${who}: parameter leaf ${i} is ${describe(leaf)}, expected a Tensor`);
    }
    if (leaf.dtype !== "float64" && leaf.dtype !== "float32") {
      throw new Error(
        `${who}: parameter leaf ${i} has dtype ${leaf.dtype}; optimizers update float32/float64 tensors`,
      );
    }
  }
  return leaves as Tensor[];
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? `a ${(v as object).constructor?.name ?? "object"}` : `a ${typeof v}`;
}

/**
 * The storage of a gradient the caller consumes at once. Unlike `.data` it does not pin the
 * buffer, so `dispose(grads)` can hand it back to the pool for the next step.
 *
 * @example
 * const g = gradStorage(grads.w); // Float64Array, valid until grads are disposed
 */
export function gradStorage(t: Tensor): ArrayLike<number> {
  return t._buf() as ArrayLike<number>;
}

/** The scalar value of an objective's result. @example lossNumber(tensor(0.5), "adam") // 0.5 */
export function lossNumber(value: Tensor | number, who: string): number {
  if (typeof value === "number") return value;
  if (value instanceof Tensor) {
    if (value.size !== 1)
      throw new Error(
        `${who}: the objective returned a tensor of shape [${value.shape.join(", ")}], expected a scalar`,
      );
    return value.item();
  }
  throw new Error(`${who}: the objective returned ${describe(value)}, expected a scalar Tensor or a number`);
}

/**
 * Base class of every optimizer.
 *
 * @example
 * const opt = optim.adam({ lr: 1e-2 });
 * const [value, grads] = valueAndGrad(f)(params);
 * opt.step(params, grads);          // in place
 * opt.evaluations;                  // { loss: 0, grad: 1 }
 */
export abstract class Optimizer {
  /** The algorithm's name, e.g. "adam". */
  abstract readonly name: string;
  /** The current learning rate (schedules change it between steps). Derivative-free methods ignore it. */
  lr: number;
  /** Loss and gradient evaluations so far. */
  readonly evaluations: Evaluations = { loss: 0, grad: 0 };
  /** Steps taken so far. */
  steps = 0;

  protected constructor(lr: number) {
    this.lr = lr;
  }

  /**
   * One optimization step on `params` (updated in place). Returns the loss when the
   * optimizer evaluated it (an objective was given), otherwise undefined.
   *
   * @example
   * opt.step(params, grads);        // gradient-based: explicit gradients
   * const l = opt.step(params, f);  // any optimizer: the objective
   */
  abstract step(params: ParamTree, gradsOrObjective?: ParamTree | Objective): number | undefined;

  /**
   * Clear the `.grad` of every parameter (PyTorch's `optimizer.zero_grad()`).
   *
   * @example
   * opt.zeroGrad(params);
   */
  zeroGrad(params: ParamTree): void {
    for (const p of parameterLeaves(params, `${this.name}.zeroGrad`)) p.grad = null;
  }

  /**
   * Set both evaluation counters back to 0.
   *
   * @example
   * opt.resetCounts(); opt.evaluations; // { loss: 0, grad: 0 }
   */
  resetCounts(): void {
    this.evaluations.loss = 0;
    this.evaluations.grad = 0;
  }

  /** Evaluate `objective` with its gradient at `params`, counting both. */
  protected evaluateWithGrad(objective: Objective, params: ParamTree): { loss: number; grads: Tensor[] } {
    const [value, grads] = valueAndGrad(objective as (p: Loose) => Tensor)(params) as unknown as [
      Tensor,
      ParamTree,
    ];
    this.evaluations.loss += 1;
    this.evaluations.grad += 1;
    return { loss: lossNumber(value, this.name), grads: treeLeaves(grads as never) as unknown as Tensor[] };
  }

  /** Evaluate `objective` alone at `params`, counting it. */
  protected evaluateLoss(objective: Objective, params: ParamTree): number {
    this.evaluations.loss += 1;
    return lossNumber(objective(params), this.name);
  }

  /** A one-line summary: shown by the kernel when an optimizer is the cell's value. @example String(optim.sgd()) // "sgd(lr=0.001) after 0 steps: ..." */
  toString(): string {
    return `${this.name}(lr=${this.lr}) after ${this.steps} steps: ${this.evaluations.loss} loss and ${this.evaluations.grad} gradient evaluations`;
  }

  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": this.toString() };
  }
}
