// Workload (e): the gradient of MSE(w, b) = mean((w*x + b - y)^2) over 1,000 points, at every
// point of a 100x100 grid of (w, b), in one batched pass (float64): the computation behind a
// loss-landscape quiver plot.
import type { BenchImpl, PreparedImpl } from "../interleavedRunner.js";
import { uniformArray } from "../seededData.js";
import { useTfjsBackend, type TfjsBackendName } from "../tfjsBackends.js";

export const POINTS = 1000;
export const GRID = 100;

/** Data from y = 1.5 x - 0.3 + noise and the grid w in [-3, 3], b in [-2, 2].
 *  @example gridProblem().ws.length // 10000 */
export function gridProblem(): { x: Float64Array; y: Float64Array; ws: Float64Array; bs: Float64Array } {
  const x = uniformArray(POINTS, 51, -1, 1);
  const noise = uniformArray(POINTS, 52, -0.1, 0.1);
  const y = x.map((v, i) => 1.5 * v - 0.3 + noise[i]);
  const ws = new Float64Array(GRID * GRID),
    bs = new Float64Array(GRID * GRID);
  for (let i = 0; i < GRID; i++) {
    for (let j = 0; j < GRID; j++) {
      ws[i * GRID + j] = -3 + (6 * i) / (GRID - 1);
      bs[i * GRID + j] = -2 + (4 * j) / (GRID - 1);
    }
  }
  return { x, y, ws, bs };
}

/** The sum of both gradient fields: a checksum for cross-checking. */
export function gridChecksum(gw: ArrayLike<number>, gb: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < gw.length; i++) s += gw[i] + gb[i];
  return s;
}

/** The floor: a fused loop over grid points and data points into preallocated outputs. */
export function gridFloor(): BenchImpl {
  return {
    name: "js-floor",
    setup(): PreparedImpl {
      const { x, y, ws, bs } = gridProblem();
      const gw = new Float64Array(GRID * GRID),
        gb = new Float64Array(GRID * GRID);
      return {
        step(): number {
          for (let g = 0; g < ws.length; g++) {
            const w = ws[g],
              b = bs[g];
            let sw = 0,
              sb = 0;
            for (let i = 0; i < POINTS; i++) {
              const r = w * x[i] + b - y[i];
              sw += r * x[i];
              sb += r;
            }
            gw[g] = (2 * sw) / POINTS;
            gb[g] = (2 * sb) / POINTS;
          }
          return gridChecksum(gw, gb);
        },
      };
    },
  };
}

/** tfjs (float32): tf.grads of the summed per-grid-point losses, context only. */
export function gridTfjs(backend: TfjsBackendName): BenchImpl {
  return {
    name: `tfjs-${backend}`,
    async setup(): Promise<PreparedImpl> {
      const tf = await useTfjsBackend(backend);
      const p = gridProblem();
      const x = tf.tensor1d(Float32Array.from(p.x)),
        y = tf.tensor1d(Float32Array.from(p.y));
      const w = tf.tensor3d(Float32Array.from(p.ws), [GRID, GRID, 1]);
      const b = tf.tensor3d(Float32Array.from(p.bs), [GRID, GRID, 1]);
      const f = (wt: import("@tensorflow/tfjs").Tensor, bt: import("@tensorflow/tfjs").Tensor) =>
        tf.sum(tf.mean(tf.square(tf.sub(tf.add(tf.mul(wt, x), bt), y)), -1));
      const g = tf.grads(f);
      return {
        activate: async () => {
          await useTfjsBackend(backend);
        },
        step(): number {
          const [gw, gb] = g([w, b]);
          const v = gridChecksum(gw.dataSync(), gb.dataSync());
          tf.dispose([gw, gb]);
          return v;
        },
        dispose: () => tf.dispose([x, y, w, b]),
      };
    },
  };
}
