// Workload (d): a micrograd-style scalar graph. A 2-16-16-1 MLP (tanh hidden layers, linear
// output) evaluated point by point over 100 points with scalar ops only, MSE loss, then
// backward. This measures per-op overhead of the graph machinery, not arithmetic.
import type { BenchImpl, PreparedImpl } from "../interleavedRunner.js";
import { Value } from "../micrograd.js";
import { uniformArray } from "../seededData.js";

export const POINTS = 100;
export const LAYERS = [2, 16, 16, 1] as const;

/** Seeded inputs, targets in {-1, 1}, and the flat parameter vector (per layer: for each
 *  output neuron its weights then its bias).
 *  @example scalarGraphProblem().params.length // 337 */
export function scalarGraphProblem(): { xs: number[][]; ys: number[]; params: number[] } {
  const raw = uniformArray(POINTS * 2, 41, -2, 2);
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let p = 0; p < POINTS; p++) {
    xs.push([raw[2 * p], raw[2 * p + 1]]);
    ys.push(raw[2 * p] * raw[2 * p + 1] > 0 ? 1 : -1);
  }
  let count = 0;
  for (let l = 1; l < LAYERS.length; l++) count += LAYERS[l] * (LAYERS[l - 1] + 1);
  return { xs, ys, params: Array.from(uniformArray(count, 42, -1, 1)) };
}

/** The scalar ops one step records: per point, each neuron's multiplies and adds, hidden
 *  tanh, then subtract, square and accumulate for the loss; plus the final scaling. */
export const SCALAR_OPS = (() => {
  let perPoint = 0;
  for (let l = 1; l < LAYERS.length; l++)
    perPoint += LAYERS[l] * (2 * LAYERS[l - 1] + (l < LAYERS.length - 1 ? 1 : 0));
  return POINTS * (perPoint + 3) + 1;
})();

/** A minimal interface both the floor's Value and a gradlab scalar tensor satisfy. */
export interface ScalarLike<S> {
  add(o: S | number): S;
  mul(o: S | number): S;
  sub(o: S | number): S;
  tanh(): S;
  square(): S;
}

/** The forward pass shared by every scalar implementation: returns the mean squared error.
 *  @example mlpLoss(params.map((v) => new Value(v)), xs, ys) */
export function mlpLoss<S extends ScalarLike<S>>(
  params: readonly S[],
  xs: readonly number[][],
  ys: readonly number[],
): S {
  let total: S | null = null;
  for (let p = 0; p < xs.length; p++) {
    let acts: (S | number)[] = xs[p];
    let k = 0;
    for (let l = 1; l < LAYERS.length; l++) {
      const next: S[] = [];
      for (let o = 0; o < LAYERS[l]; o++) {
        let sum: S | null = null;
        for (let i = 0; i < acts.length; i++) {
          const term: S = params[k + i].mul(acts[i]);
          sum = sum === null ? term : sum.add(term);
        }
        sum = (sum as S).add(params[k + acts.length]);
        k += acts.length + 1;
        next.push(l < LAYERS.length - 1 ? sum.tanh() : sum);
      }
      acts = next;
    }
    const err = (acts[0] as S).sub(ys[p]).square();
    total = total === null ? err : total.add(err);
  }
  return (total as S).mul(1 / xs.length);
}

/** The floor: the micrograd-style engine in bench/micrograd.ts. */
export function scalarGraphFloor(): BenchImpl {
  return {
    name: "micrograd-js",
    setup(): PreparedImpl {
      const { xs, ys, params } = scalarGraphProblem();
      const values = params.map((v) => new Value(v));
      return {
        step(): number {
          for (const v of values) v.grad = 0;
          const loss = mlpLoss(values, xs, ys);
          loss.backward();
          return loss.data + values[0].grad;
        },
      };
    },
  };
}
