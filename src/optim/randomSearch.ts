// Random search: the baseline every other optimizer should beat.
import { generator } from "../tensor/creation.js";
import type { Generator } from "../random/generator.js";
import { DerivativeFreeOptimizer } from "./derivativeFree.js";

/** Options of {@link randomSearch}. */
export interface RandomSearchOptions {
  /** Candidates drawn per step (default 16). */
  samples?: number;
  /** Standard deviation of the Gaussian perturbation around the best point (default 0.1). */
  sigma?: number;
  /** When given, candidates are drawn uniformly from this box instead (global search). */
  bounds?: [number, number];
  seed?: number;
}

/** Random search; see {@link randomSearch}. @example new RandomSearch({ samples: 8 }).step(params, f) */
export class RandomSearch extends DerivativeFreeOptimizer {
  readonly name = "randomSearch";
  readonly options: Required<Omit<RandomSearchOptions, "bounds">> & { bounds: [number, number] | null };
  private readonly rng: Generator;

  constructor(options: RandomSearchOptions = {}) {
    super();
    this.options = { samples: 16, sigma: 0.1, seed: 0, ...options, bounds: options.bounds ?? null };
    if (!(this.options.samples >= 1))
      throw new Error(`randomSearch: samples must be >= 1, got ${this.options.samples}`);
    this.rng = generator(this.options.seed);
  }

  protected iterate(x0: Float64Array, f: (x: Float64Array) => number): void {
    if (this.best === null) f(x0);
    const { samples, sigma, bounds } = this.options;
    for (let k = 0; k < samples; k++) {
      const center = this.best!.x;
      const x = new Float64Array(center.length);
      for (let i = 0; i < x.length; i++) {
        x[i] = bounds
          ? bounds[0] + (bounds[1] - bounds[0]) * this.rng.uniform()
          : center[i]! + sigma * this.rng.normal();
      }
      f(x);
    }
  }
}

/**
 * Random search: each step draws `samples` candidates (Gaussian around the best point, or
 * uniform in `bounds`) and keeps the best. No gradients.
 *
 * @example
 * const rs = optim.randomSearch({ samples: 32, sigma: 0.05, seed: 0 });
 * rs.step(params, f); // best loss so far
 */
export function randomSearch(options: RandomSearchOptions = {}): RandomSearch {
  return new RandomSearch(options);
}
