// Workload (a): one SGD training step of a 784 -> 256 -> 10 ReLU MLP with softmax
// cross-entropy (mean over the batch) on a batch of 128, float32.
import type { BenchImpl, PreparedImpl } from "../interleavedRunner.js";
import { labelArray, uniformArray } from "../seededData.js";
import { useTfjsBackend, type TfjsBackendName } from "../tfjsBackends.js";

export const BATCH = 128;
export const IN = 784;
export const HIDDEN = 256;
export const CLASSES = 10;
export const LR = 0.01;

/** The initial parameters and one batch, identical for every implementation. */
export interface MlpProblem {
  x: Float32Array; // [BATCH, IN]
  labels: Int32Array; // [BATCH]
  w1: Float32Array; // [IN, HIDDEN]
  b1: Float32Array; // [HIDDEN]
  w2: Float32Array; // [HIDDEN, CLASSES]
  b2: Float32Array; // [CLASSES]
}

/** Builds the seeded problem (He-style scaled uniform weights).
 *  @example mlpProblem().x.length // 100352 */
export function mlpProblem(): MlpProblem {
  return {
    x: Float32Array.from(uniformArray(BATCH * IN, 11, 0, 1)),
    labels: labelArray(BATCH, CLASSES, 12),
    w1: Float32Array.from(uniformArray(IN * HIDDEN, 13, -Math.sqrt(6 / IN), Math.sqrt(6 / IN))),
    b1: new Float32Array(HIDDEN),
    w2: Float32Array.from(uniformArray(HIDDEN * CLASSES, 14, -Math.sqrt(6 / HIDDEN), Math.sqrt(6 / HIDDEN))),
    b2: new Float32Array(CLASSES),
  };
}

/** 2 * (forward 784x256 + 256x10, backward weight gradients of both layers); the input
 *  gradient of the first layer is not needed. */
export const MLP_FLOPS = 2 * BATCH * (IN * HIDDEN + HIDDEN * CLASSES) * 2 + 2 * BATCH * HIDDEN * CLASSES;

/** The floor: the whole step as hand-fused loops over preallocated Float32Arrays. */
export function mlpFloor(p: MlpProblem): BenchImpl {
  return {
    name: "js-floor",
    setup(): PreparedImpl {
      const w1 = p.w1.slice(),
        b1 = p.b1.slice(),
        w2 = p.w2.slice(),
        b2 = p.b2.slice();
      const h = new Float32Array(BATCH * HIDDEN);
      const dh = new Float32Array(BATCH * HIDDEN);
      const logits = new Float32Array(CLASSES);
      const dlog = new Float32Array(BATCH * CLASSES);
      const gw1 = new Float32Array(IN * HIDDEN),
        gb1 = new Float32Array(HIDDEN);
      const gw2 = new Float32Array(HIDDEN * CLASSES),
        gb2 = new Float32Array(CLASSES);
      const { x, labels } = p;
      return {
        step(): number {
          let loss = 0;
          // Four batch rows at a time: each weight loaded once feeds four multiply-adds.
          for (let n = 0; n < BATCH; n += 4) {
            const r0 = n * HIDDEN,
              r1 = r0 + HIDDEN,
              r2 = r1 + HIDDEN,
              r3 = r2 + HIDDEN;
            for (let j = 0; j < HIDDEN; j++) h[r0 + j] = h[r1 + j] = h[r2 + j] = h[r3 + j] = b1[j];
            const x0 = n * IN,
              x1 = x0 + IN,
              x2 = x1 + IN,
              x3 = x2 + IN;
            for (let k = 0; k < IN; k++) {
              const a0 = x[x0 + k],
                a1 = x[x1 + k],
                a2 = x[x2 + k],
                a3 = x[x3 + k];
              const wo = k * HIDDEN;
              for (let j = 0; j < HIDDEN; j++) {
                const w = w1[wo + j];
                h[r0 + j] += a0 * w;
                h[r1 + j] += a1 * w;
                h[r2 + j] += a2 * w;
                h[r3 + j] += a3 * w;
              }
            }
          }
          for (let i = 0; i < h.length; i++) if (h[i] < 0) h[i] = 0;
          for (let n = 0; n < BATCH; n++) {
            const ho = n * HIDDEN;
            for (let c = 0; c < CLASSES; c++) logits[c] = b2[c];
            for (let j = 0; j < HIDDEN; j++) {
              const hv = h[ho + j];
              const wo = j * CLASSES;
              for (let c = 0; c < CLASSES; c++) logits[c] += hv * w2[wo + c];
            }
            let m = -Infinity;
            for (let c = 0; c < CLASSES; c++) if (logits[c] > m) m = logits[c];
            let s = 0;
            for (let c = 0; c < CLASSES; c++) s += Math.exp(logits[c] - m);
            const lse = m + Math.log(s);
            loss += lse - logits[labels[n]];
            for (let c = 0; c < CLASSES; c++)
              dlog[n * CLASSES + c] = (Math.exp(logits[c] - lse) - (c === labels[n] ? 1 : 0)) / BATCH;
          }
          gw2.fill(0);
          gb2.fill(0);
          gw1.fill(0);
          gb1.fill(0);
          for (let n = 0; n < BATCH; n++) {
            const ho = n * HIDDEN,
              lo = n * CLASSES;
            for (let c = 0; c < CLASSES; c++) gb2[c] += dlog[lo + c];
            for (let j = 0; j < HIDDEN; j++) {
              const hv = h[ho + j];
              let acc = 0;
              for (let c = 0; c < CLASSES; c++) {
                gw2[j * CLASSES + c] += hv * dlog[lo + c];
                acc += w2[j * CLASSES + c] * dlog[lo + c];
              }
              dh[ho + j] = hv > 0 ? acc : 0;
              gb1[j] += dh[ho + j];
            }
          }
          for (let n = 0; n < BATCH; n += 4) {
            const r0 = n * HIDDEN,
              r1 = r0 + HIDDEN,
              r2 = r1 + HIDDEN,
              r3 = r2 + HIDDEN;
            const x0 = n * IN,
              x1 = x0 + IN,
              x2 = x1 + IN,
              x3 = x2 + IN;
            for (let k = 0; k < IN; k++) {
              const a0 = x[x0 + k],
                a1 = x[x1 + k],
                a2 = x[x2 + k],
                a3 = x[x3 + k];
              const wo = k * HIDDEN;
              for (let j = 0; j < HIDDEN; j++)
                gw1[wo + j] += a0 * dh[r0 + j] + a1 * dh[r1 + j] + a2 * dh[r2 + j] + a3 * dh[r3 + j];
            }
          }
          for (let i = 0; i < gw1.length; i++) w1[i] -= LR * gw1[i];
          for (let i = 0; i < HIDDEN; i++) b1[i] -= LR * gb1[i];
          for (let i = 0; i < gw2.length; i++) w2[i] -= LR * gw2[i];
          for (let i = 0; i < CLASSES; i++) b2[i] -= LR * gb2[i];
          return loss / BATCH;
        },
      };
    },
  };
}

/** tfjs: variables, tf.train.sgd(...).minimize, tf.losses.softmaxCrossEntropy. */
export function mlpTfjs(p: MlpProblem, backend: TfjsBackendName): BenchImpl {
  return {
    name: `tfjs-${backend}`,
    async setup(): Promise<PreparedImpl> {
      const tf = await useTfjsBackend(backend);
      const x = tf.tensor2d(p.x, [BATCH, IN]);
      const y = tf.oneHot(tf.tensor1d(p.labels, "int32"), CLASSES);
      const w1 = tf.variable(tf.tensor2d(p.w1, [IN, HIDDEN]));
      const b1 = tf.variable(tf.tensor1d(p.b1));
      const w2 = tf.variable(tf.tensor2d(p.w2, [HIDDEN, CLASSES]));
      const b2 = tf.variable(tf.tensor1d(p.b2));
      const opt = tf.train.sgd(LR);
      return {
        activate: async () => {
          await useTfjsBackend(backend);
        },
        step(): number {
          const cost = opt.minimize(
            () => {
              const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
              const logits = tf.add(tf.matMul(h, w2), b2);
              return tf.losses.softmaxCrossEntropy(y, logits);
            },
            true,
            [w1, b1, w2, b2],
          );
          if (!cost) throw new Error("tfjs minimize returned no cost");
          const v = cost.dataSync()[0];
          cost.dispose();
          return v;
        },
        dispose() {
          tf.dispose([x, y, w1, b1, w2, b2]);
          opt.dispose();
        },
      };
    },
  };
}
