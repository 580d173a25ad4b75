// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay,
// torch.optim.SGD's update order.
import type { Tensor } from "../tensor/tensor.js";
import { GradientOptimizer, type ParamState } from "./gradientOptimizer.js";
import type { FloatArray } from "./optimizer.js";

/** Options of {@link sgd} (PyTorch's names in camelCase). */
export interface SgdOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

/** SGD; see {@link sgd}. @example new Sgd({ lr: 0.1, momentum: 0.9 }).step(params, grads) */
export class Sgd extends GradientOptimizer {
  readonly name = "sgd";
  readonly options: Required<SgdOptions>;

  constructor(options: SgdOptions = {}) {
    const o = {
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      ...options,
    };
    if (!(o.lr >= 0)) throw new Error(`sgd: lr must be >= 0, got ${o.lr}`);
    if (!(o.momentum >= 0)) throw new Error(`sgd: momentum must be >= 0, got ${o.momentum}`);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new Error(
        `sgd: nesterov needs momentum > 0 and dampening 0 (got momentum ${o.momentum}, dampening ${o.dampening})`,
      );
    }
    super(o.lr);
    this.options = o;
  }

  protected initState(_p: Tensor): ParamState {
    return { momentumBuffer: null };
  }

  protected update(p: FloatArray, g: ArrayLike<number>, s: ParamState, n: number): void {
    const { momentum, dampening, weightDecay, nesterov, maximize } = this.options;
    const lr = this.lr;
    let buf = s.momentumBuffer as FloatArray | null;
    const first = buf === null;
    if (momentum !== 0 && buf === null) {
      buf = p instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
      s.momentumBuffer = buf;
    }
    for (let i = 0; i < n; i++) {
      let d = maximize ? -g[i]! : g[i]!;
      if (weightDecay !== 0) d = d + weightDecay * p[i]!;
      if (momentum !== 0) {
        const b = first ? d : buf![i]! * momentum + (1 - dampening) * d;
        buf![i] = b;
        d = nesterov ? d + momentum * buf![i]! : buf![i]!;
      }
      p[i] = p[i]! + -lr * d;
    }
  }
}

/**
 * Stochastic gradient descent (torch.optim.SGD): `v = momentum·v + (1 − dampening)·g`,
 * `p -= lr·v` (or `lr·(g + momentum·v)` with Nesterov); `weightDecay` adds `wd·p` to `g`.
 *
 * @example
 * const opt = optim.sgd({ lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.step(params, grads);
 */
export function sgd(options: SgdOptions = {}): Sgd {
  return new Sgd(options);
}
