// Workload (c): loss = mean((tanh(x*w + b) - y)^2) over 1e6 float32 elements, with its
// gradient with respect to the per-element parameters w and b (both 1e6 long).
import type { BenchImpl, PreparedImpl } from "../interleavedRunner.js";
import { uniformArray } from "../seededData.js";
import { useTfjsBackend, type TfjsBackendName } from "../tfjsBackends.js";

export const LENGTH = 1_000_000;

/** Seeded x, y (data) and w, b (parameters), float32.
 *  @example chainProblem().x.length // 1000000 */
export function chainProblem(): { x: Float32Array; y: Float32Array; w: Float32Array; b: Float32Array } {
  return {
    x: Float32Array.from(uniformArray(LENGTH, 31, -2, 2)),
    y: Float32Array.from(uniformArray(LENGTH, 32, -1, 1)),
    w: Float32Array.from(uniformArray(LENGTH, 33, -1, 1)),
    b: Float32Array.from(uniformArray(LENGTH, 34, -0.5, 0.5)),
  };
}

/** The floor: one fused pass computing the loss and both gradients with Math.tanh. */
export function chainFloor(): BenchImpl {
  return {
    name: "js-floor",
    setup(): PreparedImpl {
      const { x, y, w, b } = chainProblem();
      const gw = new Float32Array(LENGTH),
        gb = new Float32Array(LENGTH);
      return {
        step(): number {
          let s = 0;
          const scale = 2 / LENGTH;
          for (let i = 0; i < LENGTH; i++) {
            const t = Math.tanh(x[i] * w[i] + b[i]);
            const r = t - y[i];
            s += r * r;
            const g = scale * r * (1 - t * t);
            gw[i] = g * x[i];
            gb[i] = g;
          }
          return s / LENGTH;
        },
      };
    },
  };
}

/** tfjs: tf.variableGrads of the composed ops. */
export function chainTfjs(backend: TfjsBackendName): BenchImpl {
  return {
    name: `tfjs-${backend}`,
    async setup(): Promise<PreparedImpl> {
      const tf = await useTfjsBackend(backend);
      const p = chainProblem();
      const x = tf.tensor1d(p.x),
        y = tf.tensor1d(p.y);
      const w = tf.variable(tf.tensor1d(p.w)),
        b = tf.variable(tf.tensor1d(p.b));
      const f = () =>
        tf.mean(tf.square(tf.sub(tf.tanh(tf.add(tf.mul(x, w), b)), y))) as import("@tensorflow/tfjs").Scalar;
      return {
        activate: async () => {
          await useTfjsBackend(backend);
        },
        step(): number {
          const { value, grads } = tf.variableGrads(f, [w, b]);
          const v = value.dataSync()[0];
          tf.dispose([value, ...Object.values(grads)]);
          return v;
        },
        dispose: () => tf.dispose([x, y, w, b]),
      };
    },
  };
}
