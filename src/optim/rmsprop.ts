// RMSprop (plain, centered, with momentum), torch.optim.RMSprop's update order.
import type { Tensor } from "../tensor/tensor.js";
import { GradientOptimizer, type ParamState } from "./gradientOptimizer.js";
import type { FloatArray } from "./optimizer.js";

/** Options of {@link rmsprop}. */
export interface RmspropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

/** RMSprop; see {@link rmsprop}. @example new Rmsprop({ lr: 1e-3, centered: true }).step(params, grads) */
export class Rmsprop extends GradientOptimizer {
  readonly name = "rmsprop";
  readonly options: Required<RmspropOptions>;

  constructor(options: RmspropOptions = {}) {
    const o = {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      ...options,
    };
    if (!(o.lr >= 0)) throw new Error(`rmsprop: lr must be >= 0, got ${o.lr}`);
    if (!(o.alpha >= 0)) throw new Error(`rmsprop: alpha must be >= 0, got ${o.alpha}`);
    super(o.lr);
    this.options = o;
  }

  protected initState(p: Tensor): ParamState {
    return {
      step: 0,
      squareAvg: this.buffer(p),
      gradAvg: this.options.centered ? this.buffer(p) : null,
      momentumBuffer: this.options.momentum > 0 ? this.buffer(p) : null,
    };
  }

  protected update(p: FloatArray, g: ArrayLike<number>, s: ParamState, n: number): void {
    const { alpha, eps, weightDecay, momentum, centered, maximize } = this.options;
    const lr = this.lr;
    s.step = (s.step as number) + 1;
    const sq = s.squareAvg as FloatArray;
    const ga = s.gradAvg as FloatArray | null;
    const buf = s.momentumBuffer as FloatArray | null;
    for (let i = 0; i < n; i++) {
      let gi = maximize ? -g[i]! : g[i]!;
      if (weightDecay !== 0) gi = gi + weightDecay * p[i]!;
      sq[i] = sq[i]! * alpha + (1 - alpha) * gi * gi;
      let avg: number;
      if (centered) {
        ga![i] = ga![i]! * alpha + (1 - alpha) * gi;
        avg = Math.sqrt(sq[i]! + -1 * ga![i]! * ga![i]!);
      } else {
        avg = Math.sqrt(sq[i]!);
      }
      avg = avg + eps;
      if (momentum > 0) {
        buf![i] = buf![i]! * momentum + gi / avg;
        p[i] = p[i]! + -lr * buf![i]!;
      } else {
        p[i] = p[i]! + (-lr * gi) / avg;
      }
    }
  }
}

/**
 * RMSprop (torch.optim.RMSprop): divides the gradient by a running RMS (`alpha` = its decay);
 * `centered` subtracts the squared running mean; `momentum` accumulates the scaled step.
 * Defaults lr 1e-2, alpha 0.99, eps 1e-8.
 *
 * @example
 * const opt = optim.rmsprop({ lr: 1e-3, centered: true, momentum: 0.9 });
 */
export function rmsprop(options: RmspropOptions = {}): Rmsprop {
  return new Rmsprop(options);
}
