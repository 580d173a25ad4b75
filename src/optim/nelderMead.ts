// Nelder-Mead's downhill simplex with the adaptive coefficients of Gao & Han (2012), which
// keep it working beyond a handful of dimensions. One step is one simplex move.
import { DerivativeFreeOptimizer } from "./derivativeFree.js";

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Length of the initial simplex's edges along each coordinate (default 0.1). */
  initialStep?: number;
  /** Use Gao-Han dimension-dependent coefficients (default true). */
  adaptive?: boolean;
}

/** Nelder-Mead; see {@link nelderMead}. @example new NelderMead({ initialStep: 0.5 }).step(params, f) */
export class NelderMead extends DerivativeFreeOptimizer {
  readonly name = "nelderMead";
  readonly options: Required<NelderMeadOptions>;
  /** The simplex's vertices and their losses (inspectable). */
  simplex: Float64Array[] = [];
  values: number[] = [];
  /** The last move made: "init", "reflect", "expand", "contract-outside", "contract-inside" or "shrink". */
  lastMove = "";

  constructor(options: NelderMeadOptions = {}) {
    super();
    this.options = { initialStep: 0.1, adaptive: true, ...options };
  }

  protected iterate(x0: Float64Array, f: (x: Float64Array) => number): void {
    const n = x0.length;
    if (this.simplex.length === 0) {
      this.simplex = [x0.slice()];
      for (let i = 0; i < n; i++) {
        const v = x0.slice();
        v[i] = v[i]! + this.options.initialStep;
        this.simplex.push(v);
      }
      this.values = this.simplex.map(f);
      this.lastMove = "init";
      return;
    }
    const adaptive = this.options.adaptive && n > 1;
    const alpha = 1;
    const gamma = adaptive ? 1 + 2 / n : 2;
    const rho = adaptive ? 0.75 - 1 / (2 * n) : 0.5;
    const sigma = adaptive ? 1 - 1 / n : 0.5;
    const order = this.values.map((_, i) => i).sort((a, b) => this.values[a]! - this.values[b]!);
    this.simplex = order.map((i) => this.simplex[i]!);
    this.values = order.map((i) => this.values[i]!);
    const worst = this.simplex[n]!;
    const centroid = new Float64Array(n);
    for (let k = 0; k < n; k++)
      for (let i = 0; i < n; i++) centroid[i] = centroid[i]! + this.simplex[k]![i]! / n;
    const along = (t: number): Float64Array => centroid.map((c, i) => c + t * (c - worst[i]!));
    const xr = along(alpha);
    const fr = f(xr);
    if (fr < this.values[0]!) {
      const xe = along(alpha * gamma);
      const fe = f(xe);
      if (fe < fr) this.replaceWorst(xe, fe, "expand");
      else this.replaceWorst(xr, fr, "reflect");
      return;
    }
    if (fr < this.values[n - 1]!) {
      this.replaceWorst(xr, fr, "reflect");
      return;
    }
    if (fr < this.values[n]!) {
      const xc = along(alpha * rho);
      const fc = f(xc);
      if (fc <= fr) {
        this.replaceWorst(xc, fc, "contract-outside");
        return;
      }
    } else {
      const xc = along(-rho);
      const fc = f(xc);
      if (fc < this.values[n]!) {
        this.replaceWorst(xc, fc, "contract-inside");
        return;
      }
    }
    const bestPoint = this.simplex[0]!;
    for (let k = 1; k <= n; k++) {
      this.simplex[k] = this.simplex[k]!.map((v, i) => bestPoint[i]! + sigma * (v - bestPoint[i]!));
      this.values[k] = f(this.simplex[k]!);
    }
    this.lastMove = "shrink";
  }

  private replaceWorst(x: Float64Array, v: number, move: string): void {
    this.simplex[this.simplex.length - 1] = x;
    this.values[this.values.length - 1] = v;
    this.lastMove = move;
  }
}

/**
 * Nelder-Mead downhill simplex: the first step builds a simplex of n+1 points around the
 * parameters; each later step reflects, expands, contracts or shrinks it. No gradients.
 *
 * @example
 * const nm = optim.nelderMead({ initialStep: 0.5 });
 * for (let i = 0; i < 400; i++) nm.step(params, (p) => rosenbrock(p.xy));
 */
export function nelderMead(options: NelderMeadOptions = {}): NelderMead {
  return new NelderMead(options);
}
