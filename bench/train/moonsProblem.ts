// The training workload of issue 4: a 2-16-16-1 tanh MLP classifying two interleaved half
// moons (200 points, seeded), full-batch, mean binary cross-entropy on logits, float32.
import { uniformArray, uniformStream } from "../seededData.js";

export const MOON_POINTS = 200;
export const SIZES = [2, 16, 16, 1] as const;

/** Points, labels in {0, 1} and initial weights (uniform +-1/sqrt(fan_in), like PyTorch's Linear).
 *  @example moonsProblem().x.length // 400 */
export function moonsProblem(): {
  x: Float32Array;
  y: Float32Array;
  weights: Float32Array[];
  biases: Float32Array[];
} {
  const u = uniformStream(61);
  const x = new Float32Array(MOON_POINTS * 2),
    y = new Float32Array(MOON_POINTS);
  for (let i = 0; i < MOON_POINTS; i++) {
    const upper = i < MOON_POINTS / 2;
    const t = Math.PI * u();
    const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    x[2 * i] = (upper ? Math.cos(t) : 1 - Math.cos(t)) + 0.1 * gauss();
    x[2 * i + 1] = (upper ? Math.sin(t) : 0.5 - Math.sin(t)) + 0.1 * gauss();
    y[i] = upper ? 0 : 1;
  }
  const weights: Float32Array[] = [],
    biases: Float32Array[] = [];
  for (let l = 1; l < SIZES.length; l++) {
    const bound = 1 / Math.sqrt(SIZES[l - 1]);
    weights.push(Float32Array.from(uniformArray(SIZES[l - 1] * SIZES[l], 70 + l, -bound, bound)));
    biases.push(Float32Array.from(uniformArray(SIZES[l], 80 + l, -bound, bound)));
  }
  return { x, y, weights, biases };
}

/** One optimizer configuration shared by gradlab and (when it has one) tfjs. */
export interface OptimizerCase {
  name: "sgd" | "momentum" | "adam" | "adamw" | "rmsprop" | "adagrad" | "lbfgs";
  lr: number;
  steps: number;
}

/** The seven optimizers with learning rates that train this model.
 *  @example optimizerCases().map((c) => c.name) // ["sgd", "momentum", ...] */
export function optimizerCases(): OptimizerCase[] {
  return [
    { name: "sgd", lr: 0.5, steps: 200 },
    { name: "momentum", lr: 0.1, steps: 200 },
    { name: "adam", lr: 0.02, steps: 200 },
    { name: "adamw", lr: 0.02, steps: 200 },
    { name: "rmsprop", lr: 0.01, steps: 200 },
    { name: "adagrad", lr: 0.2, steps: 200 },
    { name: "lbfgs", lr: 1, steps: 40 },
  ];
}
