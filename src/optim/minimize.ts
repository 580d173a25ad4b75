// A loop any optimizer plugs into, so gradient-based and derivative-free methods are run and
// compared the same way (a notebook's "steps vs evaluations" table).
import type { Objective, Optimizer, ParamTree } from "./optimizer.js";

/** Result of {@link minimize}. */
export interface MinimizeResult<P> {
  params: P;
  /** Loss after each step (for gradient methods: at the start of the step). */
  losses: number[];
  steps: number;
  evaluations: { loss: number; grad: number };
}

/**
 * Run `optimizer` on `objective` for `steps` steps, updating `params` in place; stops early
 * when the loss drops below `target`.
 *
 * @example
 * const r = optim.minimize((p) => rosenbrock(p.xy), { xy: tensor([-1.2, 1]) }, optim.adam({ lr: 0.05 }), { steps: 500 });
 * r.evaluations; // { loss: 500, grad: 500 }
 */
export function minimize<P extends ParamTree>(
  objective: Objective,
  params: P,
  optimizer: Optimizer,
  options: { steps: number; target?: number },
): MinimizeResult<P> {
  const losses: number[] = [];
  for (let i = 0; i < options.steps; i++) {
    const loss = optimizer.step(params, objective);
    losses.push(loss ?? NaN);
    if (options.target !== undefined && loss !== undefined && loss <= options.target) break;
  }
  return { params, losses, steps: losses.length, evaluations: { ...optimizer.evaluations } };
}
