// Every op is one registry entry: its forward computation and its gradient rule side by
// side (as tfjs registers a gradient beside its kernel). `apply` runs the forward and
// records a graph node when gradients are wanted. Gradient rules are written with the
// same differentiable ops, so recording the backward pass gives exact higher derivatives.
import type { Tensor } from "../tensor/tensor.js";
import { gradState } from "./gradMode.js";
import { AnomalyError, firstNonFinite } from "./anomalyCheck.js";
import { FROM_NO_GRAD } from "../tensor/tensorFlags.js";

/** What a gradient rule sees about the op application it differentiates. */
export interface OpContext<A> {
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly attrs: A;
  /** needs[i]: whether input i wants a gradient (skip the work otherwise). */
  readonly needs: readonly boolean[];
}

/** One op: forward and gradient together. */
export interface OpDef<A = unknown> {
  readonly name: string;
  /**
   * false for piecewise-constant ops (sign, step, round, floor, argmax, comparisons): their
   * outputs never carry gradient (zero gradient), and checkDifferentiable names them.
   */
  readonly differentiable: boolean;
  /** Compute the output from the inputs (no recording happens here). */
  forward(inputs: readonly Tensor[], attrs: A): Tensor;
  /** Cotangents for each input given the output cotangent g (null where not needed). */
  backward?(g: Tensor, ctx: OpContext<A>): (Tensor | null)[];
  /**
   * Optional fast path for graphs of plain float scalars when no graph of the backward is
   * needed: writes d(out)/d(input i) · g into res[i] using numbers only (same math as backward).
   */
  scalarBackward?(g: number, inputs: readonly number[], out: number, attrs: A, res: number[]): void;
  /**
   * For ops whose output may be deferred (elementwise fusion): which inputs (indices) and
   * whether the output the gradient rule reads. Recording counts these reads so a deferred
   * tensor the backward needs is materialised once instead of recomputed by every reader.
   */
  readonly savedReads?: { readonly inputs: readonly number[]; readonly out: boolean };
}

/** A recorded op application: the edge list of the graph (`tensor._node`). @example x.mul(2)._node!.op.name // "mul" when x requires grad */
export class Node implements OpContext<unknown> {
  constructor(
    readonly op: OpDef,
    readonly inputs: Tensor[],
    readonly attrs: unknown,
    readonly out: Tensor,
  ) {}
  private _needs: boolean[] | null = null;
  get needs(): boolean[] {
    if (this._needs === null) this._needs = this.inputs.map((t) => t._rg);
    return this._needs;
  }
}

const registry = new Map<string, OpDef>();

/**
 * Register an op (forward + gradient in one place) and return it.
 * @example const double = defineOp({ name: "double", differentiable: true, forward: ([x]) => mul(x, 2), backward: (g) => [mul(g, 2)] });
 */
export function defineOp<A>(def: OpDef<A>): OpDef<A> {
  if (registry.has(def.name)) throw new Error(`defineOp: an op named "${def.name}" is already registered`);
  if (def.differentiable && def.backward === undefined)
    throw new Error(`defineOp: differentiable op "${def.name}" needs a backward rule`);
  registry.set(def.name, def as OpDef);
  return def;
}

/**
 * The registered op of that name (for tools that inspect ops, e.g. checkDifferentiable).
 * @example getOp("sign")!.differentiable // false
 */
export function getOp(name: string): OpDef | undefined {
  return registry.get(name);
}

/**
 * Names and differentiability of every registered op.
 * @example listOps().filter((o) => !o.differentiable).map((o) => o.name) // ["sign", "step", ...]
 */
export function listOps(): { name: string; differentiable: boolean }[] {
  return [...registry.values()].map((o) => ({ name: o.name, differentiable: o.differentiable }));
}

/**
 * Run an op's forward and record it for autodiff when an input requires grad.
 * @example apply(getOp("add")!, [tensor(1), tensor(2)], null) // tensor(3.)
 */
export function apply<A>(op: OpDef<A>, inputs: Tensor[], attrs: A): Tensor {
  const out = op.forward(inputs, attrs);
  let rg = false,
    fromNoGrad = false;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (t._rg) rg = true;
    if ((t._flags & FROM_NO_GRAD) !== 0) fromNoGrad = true;
  }
  if (rg) {
    if (gradState.enabled) {
      if (op.differentiable) {
        out._rg = true;
        out._op = op as OpDef;
        out._setInputs(inputs);
        out._attrs = attrs;
        const saved = op.savedReads;
        if (saved !== undefined) {
          for (const i of saved.inputs) {
            const lz = inputs[i]._lazy;
            if (lz !== null) lz.uses++;
          }
          if (saved.out && out._lazy !== null) out._lazy.uses++;
        }
      }
    } else fromNoGrad = true;
  }
  if (fromNoGrad && out !== inputs[0]) out._flags |= FROM_NO_GRAD;
  if (gradState.anomaly > 0) {
    const bad = firstNonFinite(out);
    if (bad >= 0) {
      const inBackward = gradState.backwardOf;
      if (inBackward !== null) throw new AnomalyError(inBackward, "backward", out, bad, inputs, op.name);
      throw new AnomalyError(op.name, "forward", out, bad, inputs);
    }
  }
  if (gradState.tracers.length > 0) for (const l of gradState.tracers) l(op as OpDef, inputs, out);
  return out;
}
