// The same training step in gradlab (valueAndGrad + optim.*) and in tfjs (optimizer.minimize).
// Each step() returns the loss before its update; `last` keeps the latest one for the report.
import type { BenchImpl, PreparedImpl } from "../interleavedRunner.js";
import { useTfjsBackend, type TfjsBackendName } from "../tfjsBackends.js";
import { MOON_POINTS, SIZES, moonsProblem, type OptimizerCase } from "./moonsProblem.js";

type Gradlab = typeof import("../../src/index.js");
type Tensor = import("../../src/index.js").Tensor;

/** What a training implementation reports after its run besides timings. */
export interface TrainingOutcome {
  lastLoss: number;
  accuracy: number;
  /** Gradient evaluations per step (L-BFGS's line search makes several). */
  gradEvalsPerStep: number;
}

/** A training implementation plus the outcome it fills in as it runs. */
export interface TrainingImpl extends BenchImpl {
  outcome: TrainingOutcome;
}

/** gradlab: parameters as a pytree, valueAndGrad, then `opt.step(params, grads)`;
 *  L-BFGS gets the objective itself (`opt.step(params, f)`), as its line search needs.
 *  @example gradlabTraining({ name: "adam", lr: 0.02, steps: 200 }) */
export function gradlabTraining(c: OptimizerCase): TrainingImpl {
  const outcome: TrainingOutcome = { lastLoss: NaN, accuracy: NaN, gradEvalsPerStep: NaN };
  return {
    name: "gradlab",
    outcome,
    async setup(): Promise<PreparedImpl> {
      const g: Gradlab = await import("../../src/index.js");
      const p = moonsProblem();
      const f32 = { dtype: "float32" } as const;
      const x = g.tensor(p.x, f32).reshape([MOON_POINTS, 2]);
      const y = g.tensor(p.y, f32).reshape([MOON_POINTS, 1]);
      const params = p.weights.map((w, l) => ({
        w: g.tensor(w, f32).reshape([SIZES[l], SIZES[l + 1]]),
        b: g.tensor(p.biases[l], f32),
      }));
      type Params = typeof params;
      const logitsOf = (ps: Params): Tensor => {
        let h = x;
        ps.forEach((layer, l) => {
          h = h.matmul(layer.w).add(layer.b);
          if (l < ps.length - 1) h = h.tanh();
        });
        return h;
      };
      // Binary cross-entropy on logits, in its stable form softplus(z) - y z.
      const lossOf = (ps: Params): Tensor => {
        const z = logitsOf(ps);
        return g.softplus(z).sub(y.mul(z)).mean();
      };
      const opt = makeGradlabOptimizer(g, c);
      const vg = g.valueAndGrad(lossOf);
      let steps = 0;
      return {
        step(): number {
          steps++;
          let loss: number;
          if (c.name === "lbfgs") loss = opt.step(params, lossOf as never) ?? NaN;
          else {
            const [value, grads] = vg(params);
            opt.step(params, grads as never);
            loss = (value as Tensor).item();
          }
          outcome.lastLoss = loss;
          outcome.gradEvalsPerStep = opt.evaluations.grad / steps;
          return loss;
        },
        dispose() {
          const z = g.noGrad(() => logitsOf(params)).data;
          let right = 0;
          for (let i = 0; i < MOON_POINTS; i++) if ((z[i] > 0 ? 1 : 0) === p.y[i]) right++;
          outcome.accuracy = right / MOON_POINTS;
        },
      };
    },
  };
}

function makeGradlabOptimizer(g: Gradlab, c: OptimizerCase) {
  switch (c.name) {
    case "sgd":
      return g.optim.sgd({ lr: c.lr });
    case "momentum":
      return g.optim.sgd({ lr: c.lr, momentum: 0.9 });
    case "adam":
      return g.optim.adam({ lr: c.lr });
    case "adamw":
      return g.optim.adamw({ lr: c.lr, weightDecay: 0.01 });
    case "rmsprop":
      return g.optim.rmsprop({ lr: c.lr });
    case "adagrad":
      return g.optim.adagrad({ lr: c.lr });
    case "lbfgs":
      return g.optim.lbfgs({ lr: c.lr, maxIter: 1, lineSearchFn: "strongWolfe" });
  }
}

/** tfjs has sgd, momentum, adam, rmsprop and adagrad (no AdamW, no L-BFGS).
 *  @example tfjsHasOptimizer("adamw") // false */
export function tfjsHasOptimizer(name: OptimizerCase["name"]): boolean {
  return name !== "adamw" && name !== "lbfgs";
}

/** tfjs: variables, optimizer.minimize, tf.losses.sigmoidCrossEntropy (mean over points).
 *  @example tfjsTraining({ name: "adam", lr: 0.02, steps: 200 }, "wasm") */
export function tfjsTraining(c: OptimizerCase, backend: TfjsBackendName): TrainingImpl {
  const outcome: TrainingOutcome = { lastLoss: NaN, accuracy: NaN, gradEvalsPerStep: 1 };
  return {
    name: `tfjs-${backend}`,
    outcome,
    async setup(): Promise<PreparedImpl> {
      const tf = await useTfjsBackend(backend);
      const p = moonsProblem();
      const x = tf.tensor2d(p.x, [MOON_POINTS, 2]);
      const y = tf.tensor2d(p.y, [MOON_POINTS, 1]);
      const vars = p.weights.flatMap((w, l) => [
        tf.variable(tf.tensor2d(w, [SIZES[l], SIZES[l + 1]])),
        tf.variable(tf.tensor1d(p.biases[l])),
      ]);
      const logitsOf = () => {
        let h: import("@tensorflow/tfjs").Tensor = x;
        for (let l = 0; l < vars.length / 2; l++) {
          h = tf.add(
            tf.matMul(
              h as import("@tensorflow/tfjs").Tensor2D,
              vars[2 * l] as import("@tensorflow/tfjs").Tensor2D,
            ),
            vars[2 * l + 1],
          );
          if (l < vars.length / 2 - 1) h = tf.tanh(h);
        }
        return h;
      };
      const opt =
        c.name === "sgd"
          ? tf.train.sgd(c.lr)
          : c.name === "momentum"
            ? tf.train.momentum(c.lr, 0.9)
            : c.name === "adam"
              ? tf.train.adam(c.lr)
              : c.name === "rmsprop"
                ? tf.train.rmsprop(c.lr)
                : c.name === "adagrad"
                  ? tf.train.adagrad(c.lr)
                  : null;
      if (!opt) throw new Error(`tfjs has no ${c.name} optimizer`);
      return {
        activate: async () => {
          await useTfjsBackend(backend);
        },
        step(): number {
          const cost = opt.minimize(
            () => tf.losses.sigmoidCrossEntropy(y, logitsOf()) as import("@tensorflow/tfjs").Scalar,
            true,
            vars,
          );
          const v = cost ? cost.dataSync()[0] : NaN;
          cost?.dispose();
          outcome.lastLoss = v;
          return v;
        },
        dispose() {
          const z = tf.tidy(() => logitsOf().dataSync());
          let right = 0;
          for (let i = 0; i < MOON_POINTS; i++) if ((z[i] > 0 ? 1 : 0) === p.y[i]) right++;
          outcome.accuracy = right / MOON_POINTS;
          tf.dispose([x, y, ...vars]);
          opt.dispose();
        },
      };
    },
  };
}
