// Adagrad, torch.optim.Adagrad's update order.
import type { Tensor } from "../tensor/tensor.js";
import { GradientOptimizer, type ParamState } from "./gradientOptimizer.js";
import type { FloatArray } from "./optimizer.js";

/** Options of {@link adagrad}. */
export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}

/** Adagrad; see {@link adagrad}. @example const opt = new Adagrad({ lr: 0.1 }); */
export class Adagrad extends GradientOptimizer {
  readonly name = "adagrad";
  readonly options: Required<AdagradOptions>;

  constructor(options: AdagradOptions = {}) {
    const o = {
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
      maximize: false,
      ...options,
    };
    if (!(o.lr >= 0)) throw new Error(`adagrad: lr must be >= 0, got ${o.lr}`);
    if (!(o.initialAccumulatorValue >= 0))
      throw new Error(`adagrad: initialAccumulatorValue must be >= 0, got ${o.initialAccumulatorValue}`);
    super(o.lr);
    this.options = o;
  }

  protected initState(p: Tensor): ParamState {
    return { step: 0, sum: this.buffer(p, this.options.initialAccumulatorValue) };
  }

  protected update(p: FloatArray, g: ArrayLike<number>, s: ParamState, n: number): void {
    const { lrDecay, weightDecay, eps, maximize } = this.options;
    const step = (s.step as number) + 1;
    s.step = step;
    const sum = s.sum as FloatArray;
    const clr = this.lr / (1 + (step - 1) * lrDecay);
    for (let i = 0; i < n; i++) {
      let gi = maximize ? -g[i]! : g[i]!;
      if (weightDecay !== 0) gi = gi + weightDecay * p[i]!;
      sum[i] = sum[i]! + 1 * gi * gi;
      const std = Math.sqrt(sum[i]!) + eps;
      p[i] = p[i]! + (-clr * gi) / std;
    }
  }
}

/**
 * Adagrad (torch.optim.Adagrad): per-coordinate steps `lr / (1 + (t−1)·lrDecay) · g / (√Σg² + eps)`.
 * Defaults lr 1e-2, eps 1e-10.
 *
 * @example
 * const opt = optim.adagrad({ lr: 0.1, initialAccumulatorValue: 0.1 });
 */
export function adagrad(options: AdagradOptions = {}): Adagrad {
  return new Adagrad(options);
}
