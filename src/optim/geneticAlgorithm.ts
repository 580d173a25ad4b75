// A real-coded genetic algorithm: tournament selection, blend crossover, Gaussian mutation
// and elitism. One step is one generation.
import { generator } from "../tensor/creation.js";
import type { Generator } from "../random/generator.js";
import { DerivativeFreeOptimizer } from "./derivativeFree.js";

/** Options of {@link geneticAlgorithm}. */
export interface GeneticAlgorithmOptions {
  populationSize?: number;
  /** Individuals copied unchanged into the next generation (default 2). */
  eliteCount?: number;
  /** Contestants per tournament (default 3). */
  tournamentSize?: number;
  /** Probability that two parents are crossed rather than copied (default 0.9). */
  crossoverRate?: number;
  /** Probability that a gene is mutated (default 0.1). */
  mutationRate?: number;
  /** Standard deviation of a mutation (default 0.1). */
  mutationScale?: number;
  /** Spread of the initial population around the starting parameters (default 1). */
  initScale?: number;
  seed?: number;
}

/** The genetic algorithm; see {@link geneticAlgorithm}. @example new GeneticAlgorithm({ populationSize: 30 }).step(params, f) */
export class GeneticAlgorithm extends DerivativeFreeOptimizer {
  readonly name = "geneticAlgorithm";
  readonly options: Required<GeneticAlgorithmOptions>;
  /** The current population and its losses (inspectable). */
  population: Float64Array[] = [];
  fitness: number[] = [];
  private readonly rng: Generator;

  constructor(options: GeneticAlgorithmOptions = {}) {
    super();
    this.options = {
      populationSize: 50,
      eliteCount: 2,
      tournamentSize: 3,
      crossoverRate: 0.9,
      mutationRate: 0.1,
      mutationScale: 0.1,
      initScale: 1,
      seed: 0,
      ...options,
    };
    const o = this.options;
    if (!(o.populationSize >= 2))
      throw new Error(`geneticAlgorithm: populationSize must be >= 2, got ${o.populationSize}`);
    if (!(o.eliteCount >= 0 && o.eliteCount < o.populationSize)) {
      throw new Error(`geneticAlgorithm: eliteCount must be in [0, populationSize), got ${o.eliteCount}`);
    }
    this.rng = generator(o.seed);
  }

  protected iterate(x0: Float64Array, f: (x: Float64Array) => number): void {
    const o = this.options;
    const n = x0.length;
    if (this.population.length === 0) {
      this.population = [x0.slice()];
      for (let k = 1; k < o.populationSize; k++)
        this.population.push(x0.map((v) => v + o.initScale * this.rng.normal()));
      this.fitness = this.population.map(f);
    }
    const order = this.fitness.map((_, i) => i).sort((a, b) => this.fitness[a]! - this.fitness[b]!);
    const next: Float64Array[] = order.slice(0, o.eliteCount).map((i) => this.population[i]!.slice());
    const nextFitness = order.slice(0, o.eliteCount).map((i) => this.fitness[i]!);
    while (next.length < o.populationSize) {
      const a = this.population[this.tournament()]!;
      const b = this.population[this.tournament()]!;
      const child = new Float64Array(n);
      const cross = this.rng.uniform() < o.crossoverRate;
      for (let i = 0; i < n; i++) {
        // BLX-0.5 style blend: the child gene lies around the segment between the parents.
        const u = cross ? this.rng.uniform() * 2 - 0.5 : 0;
        let g = a[i]! + u * (b[i]! - a[i]!);
        if (this.rng.uniform() < o.mutationRate) g += o.mutationScale * this.rng.normal();
        child[i] = g;
      }
      next.push(child);
      nextFitness.push(f(child));
    }
    this.population = next;
    this.fitness = nextFitness;
  }

  private tournament(): number {
    let best = -1;
    for (let k = 0; k < this.options.tournamentSize; k++) {
      const i = Math.floor(this.rng.uniform() * this.population.length);
      if (best < 0 || this.fitness[i]! < this.fitness[best]!) best = i;
    }
    return best;
  }
}

/**
 * A genetic algorithm over the flattened parameters: each step breeds one generation by
 * tournament selection, blend crossover and Gaussian mutation, keeping `eliteCount` elites.
 *
 * @example
 * const ga = optim.geneticAlgorithm({ populationSize: 60, mutationScale: 0.05, seed: 3 });
 * const linear = (p: typeof params, x: Tensor) => x.mul(p.w).add(p.b);
 * for (let g = 0; g < 200; g++) ga.step(params, (p: typeof params) => loss.mse(linear(p, x), y));
 */
export function geneticAlgorithm(options: GeneticAlgorithmOptions = {}): GeneticAlgorithm {
  return new GeneticAlgorithm(options);
}
