// A (mu/mu_w, lambda) evolution strategy with diagonal covariance-matrix adaptation
// (sep-CMA-ES, Ros & Hansen 2008) and cumulative step-size adaptation. The diagonal keeps a
// generation O(lambda·n), so it scales to a small network's parameters.
import { generator } from "../tensor/creation.js";
import type { Generator } from "../random/generator.js";
import { DerivativeFreeOptimizer } from "./derivativeFree.js";

/** Options of {@link evolutionStrategy}. */
export interface EvolutionStrategyOptions {
  /** Offspring per generation, lambda (default 4 + floor(3 ln n)). */
  populationSize?: number;
  /** Parents recombined into the new mean, mu (default lambda / 2). */
  parents?: number;
  /** Initial step size (default 0.3). */
  sigma?: number;
  /** Adapt the per-coordinate variances (default true); false gives a plain (mu/mu_w, lambda)-ES with step-size control. */
  adaptCovariance?: boolean;
  seed?: number;
}

/** The evolution strategy's state, inspectable between steps. */
export interface EsState {
  mean: Float64Array;
  sigma: number;
  variances: Float64Array;
  generation: number;
}

/** Evolution strategy; see {@link evolutionStrategy}. @example new EvolutionStrategy({ sigma: 0.3, seed: 1 }).step(params, f) */
export class EvolutionStrategy extends DerivativeFreeOptimizer {
  readonly name = "evolutionStrategy";
  readonly options: EvolutionStrategyOptions & { sigma: number; seed: number; adaptCovariance: boolean };
  state: EsState | null = null;
  private readonly rng: Generator;
  private ps = new Float64Array(0);
  private pc = new Float64Array(0);

  constructor(options: EvolutionStrategyOptions = {}) {
    super();
    this.options = { sigma: 0.3, seed: 0, adaptCovariance: true, ...options };
    if (!(this.options.sigma > 0))
      throw new Error(`evolutionStrategy: sigma must be > 0, got ${this.options.sigma}`);
    this.rng = generator(this.options.seed);
  }

  protected iterate(x0: Float64Array, f: (x: Float64Array) => number): void {
    const n = x0.length;
    if (this.state === null) {
      this.state = {
        mean: x0.slice(),
        sigma: this.options.sigma,
        variances: new Float64Array(n).fill(1),
        generation: 0,
      };
      this.ps = new Float64Array(n);
      this.pc = new Float64Array(n);
    }
    const lambda = this.options.populationSize ?? 4 + Math.floor(3 * Math.log(n));
    const mu = this.options.parents ?? Math.floor(lambda / 2);
    if (!(lambda >= 2 && mu >= 1 && mu <= lambda))
      throw new Error(`evolutionStrategy: need 1 <= parents <= populationSize, got ${mu}, ${lambda}`);
    const raw = Array.from({ length: mu }, (_, i) => Math.log(mu + 0.5) - Math.log(i + 1));
    const wsum = raw.reduce((a, b) => a + b, 0);
    const w = raw.map((v) => v / wsum);
    const mueff = 1 / w.reduce((a, b) => a + b * b, 0);
    const cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
    const cs = (mueff + 2) / (n + mueff + 5);
    const sepFactor = (n + 2) / 3;
    const c1 = Math.min(1, (sepFactor * 2) / ((n + 1.3) ** 2 + mueff));
    const cmu = Math.min(1 - c1, (sepFactor * 2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff));
    const damps = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs;
    const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    const s = this.state;
    const dev = s.variances.map(Math.sqrt);

    const zs: Float64Array[] = [];
    const losses: number[] = [];
    for (let k = 0; k < lambda; k++) {
      const z = new Float64Array(n);
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        z[i] = this.rng.normal();
        x[i] = s.mean[i]! + s.sigma * dev[i]! * z[i]!;
      }
      zs.push(z);
      losses.push(f(x));
    }
    const order = losses.map((_, i) => i).sort((a, b) => losses[a]! - losses[b]!);
    const zw = new Float64Array(n);
    for (let j = 0; j < mu; j++) {
      const z = zs[order[j]!]!;
      for (let i = 0; i < n; i++) zw[i] = zw[i]! + w[j]! * z[i]!;
    }
    for (let i = 0; i < n; i++) s.mean[i] = s.mean[i]! + s.sigma * dev[i]! * zw[i]!;
    const csFactor = Math.sqrt(cs * (2 - cs) * mueff);
    let psNorm2 = 0;
    for (let i = 0; i < n; i++) {
      this.ps[i] = (1 - cs) * this.ps[i]! + csFactor * zw[i]!;
      psNorm2 += this.ps[i]! ** 2;
    }
    s.generation += 1;
    const psNorm = Math.sqrt(psNorm2);
    const hsig = psNorm / Math.sqrt(1 - (1 - cs) ** (2 * s.generation)) / chiN < 1.4 + 2 / (n + 1) ? 1 : 0;
    if (this.options.adaptCovariance) {
      const ccFactor = Math.sqrt(cc * (2 - cc) * mueff);
      for (let i = 0; i < n; i++) {
        this.pc[i] = (1 - cc) * this.pc[i]! + hsig * ccFactor * dev[i]! * zw[i]!;
        let rankMu = 0;
        for (let j = 0; j < mu; j++) rankMu += w[j]! * (dev[i]! * zs[order[j]!]![i]!) ** 2;
        const c = s.variances[i]!;
        s.variances[i] =
          (1 - c1 - cmu) * c + c1 * (this.pc[i]! ** 2 + (1 - hsig) * cc * (2 - cc) * c) + cmu * rankMu;
      }
    }
    s.sigma *= Math.exp((cs / damps) * (psNorm / chiN - 1));
  }
}

/**
 * An evolution strategy: each step samples `populationSize` points around a mean, recombines
 * the best `parents` into the new mean, and adapts the step size (cumulative path length)
 * and the per-coordinate variances (diagonal CMA). No gradients.
 *
 * @example
 * const es = optim.evolutionStrategy({ sigma: 0.5, seed: 0 });
 * const p = { xy: tensor([-1.2, 1]) };
 * for (let g = 0; g < 300; g++) es.step(p, (q: typeof p) => rosenbrock(q.xy));
 * es.state?.sigma; // the adapted step size
 */
export function evolutionStrategy(options: EvolutionStrategyOptions = {}): EvolutionStrategy {
  return new EvolutionStrategy(options);
}
