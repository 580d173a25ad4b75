// Adam and AdamW, torch.optim's single-tensor update order (bias corrections as Python floats).
import type { Tensor } from "../tensor/tensor.js";
import { GradientOptimizer, type ParamState } from "./gradientOptimizer.js";
import type { FloatArray } from "./optimizer.js";

/** Options of {@link adam} and {@link adamw}. */
export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

/** Adam or AdamW; see {@link adam}, {@link adamw}. @example const opt = new Adam({ lr: 1e-3 }, true); // AdamW */
export class Adam extends GradientOptimizer {
  readonly name: "adam" | "adamw";
  readonly options: Required<AdamOptions>;

  constructor(options: AdamOptions = {}, decoupled = false) {
    const o = {
      lr: 1e-3,
      betas: [0.9, 0.999] as [number, number],
      eps: 1e-8,
      weightDecay: decoupled ? 1e-2 : 0,
      amsgrad: false,
      maximize: false,
      ...options,
    };
    const who = decoupled ? "adamw" : "adam";
    if (!(o.lr >= 0)) throw new Error(`${who}: lr must be >= 0, got ${o.lr}`);
    for (const b of o.betas)
      if (!(b >= 0 && b < 1)) throw new Error(`${who}: betas must be in [0, 1), got [${o.betas.join(", ")}]`);
    if (!(o.eps >= 0)) throw new Error(`${who}: eps must be >= 0, got ${o.eps}`);
    super(o.lr);
    this.name = who;
    this.options = o;
  }

  protected initState(p: Tensor): ParamState {
    return {
      step: 0,
      expAvg: this.buffer(p),
      expAvgSq: this.buffer(p),
      maxExpAvgSq: this.options.amsgrad ? this.buffer(p) : null,
    };
  }

  protected update(p: FloatArray, g: ArrayLike<number>, s: ParamState, n: number): void {
    const {
      betas: [beta1, beta2],
      eps,
      weightDecay,
      amsgrad,
      maximize,
    } = this.options;
    const lr = this.lr;
    const decoupled = this.name === "adamw";
    const step = (s.step as number) + 1;
    s.step = step;
    const m = s.expAvg as FloatArray;
    const v = s.expAvgSq as FloatArray;
    const vmax = s.maxExpAvgSq as FloatArray | null;
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    const stepSize = lr / biasCorrection1;
    const bc2Sqrt = Math.sqrt(biasCorrection2);
    const decay = 1 - lr * weightDecay;
    for (let i = 0; i < n; i++) {
      let gi = maximize ? -g[i]! : g[i]!;
      if (decoupled) p[i] = p[i]! * decay;
      else if (weightDecay !== 0) gi = gi + weightDecay * p[i]!;
      m[i] = m[i]! * beta1 + (1 - beta1) * gi;
      v[i] = v[i]! * beta2 + (1 - beta2) * gi * gi;
      let denom: number;
      if (amsgrad) {
        vmax![i] = Math.max(vmax![i]!, v[i]!);
        denom = Math.sqrt(vmax![i]!) / bc2Sqrt + eps;
      } else {
        denom = Math.sqrt(v[i]!) / bc2Sqrt + eps;
      }
      p[i] = p[i]! + (-stepSize * m[i]!) / denom;
    }
  }
}

/**
 * Adam (torch.optim.Adam): moment estimates with bias correction; `weightDecay` is L2 added
 * to the gradient. Defaults lr 1e-3, betas [0.9, 0.999], eps 1e-8.
 *
 * @example
 * const opt = optim.adam({ lr: 1e-2 });
 * for (let i = 0; i < 100; i++) opt.step(params, f);   // f(params) -> scalar loss
 */
export function adam(options: AdamOptions = {}): Adam {
  return new Adam(options, false);
}

/**
 * AdamW (torch.optim.AdamW): Adam with decoupled weight decay `p *= 1 − lr·wd` (default wd 1e-2).
 *
 * @example
 * const opt = optim.adamw({ lr: 1e-3, weightDecay: 0.05 });
 */
export function adamw(options: AdamOptions = {}): Adam {
  return new Adam(options, true);
}
