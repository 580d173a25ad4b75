// What derivative-free optimizers share: they see the parameters as one flat vector, write a
// candidate into the parameters' storage, call the objective, and after every step leave the
// best point found so far in the parameters. They count loss evaluations; gradients: none.
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, parameterLeaves, type FloatArray, type Objective, type ParamTree } from "./optimizer.js";

/** Base class of randomSearch, geneticAlgorithm, evolutionStrategy and nelderMead. @example optim.nelderMead() instanceof optim.DerivativeFreeOptimizer // true */
export abstract class DerivativeFreeOptimizer extends Optimizer {
  /** The best point seen so far (flat, in parameter order) and its loss. */
  best: { x: Float64Array; loss: number } | null = null;
  private leaves: Tensor[] = [];

  protected constructor() {
    super(0);
  }

  /**
   * One iteration (one generation, one simplex move, one batch of samples). Writes the best
   * point so far into `params` and returns its loss.
   *
   * @example
   * const ga = optim.geneticAlgorithm({ populationSize: 40, seed: 1 });
   * for (let g = 0; g < 100; g++) ga.step(params, f);
   * ga.evaluations; // { loss: 4000, grad: 0 }
   */
  step(params: ParamTree, objective?: ParamTree | Objective): number {
    if (typeof objective !== "function") {
      throw new Error(
        `${this.name}.step: needs the objective, step(params, (params) => loss); derivative-free methods never use gradients`,
      );
    }
    this.leaves = parameterLeaves(params, `${this.name}.step`);
    const x0 = this.read();
    const f = (x: Float64Array): number => {
      this.write(x);
      const v = this.evaluateLoss(objective as Objective, params);
      const loss = Number.isNaN(v) ? Infinity : v;
      if (this.best === null || loss < this.best.loss) this.best = { x: x.slice(), loss };
      return loss;
    };
    this.steps += 1;
    this.iterate(x0, f);
    this.write(this.best!.x);
    return this.best!.loss;
  }

  /** One iteration from the current flat point `x0`, evaluating through `f`. */
  protected abstract iterate(x0: Float64Array, f: (x: Float64Array) => number): void;

  private read(): Float64Array {
    const n = this.leaves.reduce((a, p) => a + p.size, 0);
    const x = new Float64Array(n);
    let off = 0;
    for (const p of this.leaves) {
      const d = p.data as FloatArray;
      for (let i = 0; i < p.size; i++) x[off + i] = d[i]!;
      off += p.size;
    }
    return x;
  }

  private write(x: Float64Array): void {
    let off = 0;
    for (const p of this.leaves) {
      const d = p.data as FloatArray;
      for (let i = 0; i < p.size; i++) d[i] = x[off + i]!;
      off += p.size;
    }
  }
}
