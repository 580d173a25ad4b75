// Workload (b): C = A B for 512x512 matrices, float32 and float64; reported in GFLOP/s.
import type { BenchImpl, PreparedImpl } from "../interleavedRunner.js";
import { uniformArray } from "../seededData.js";
import { useTfjsBackend, type TfjsBackendName } from "../tfjsBackends.js";

export const N = 512;
export const MATMUL_FLOPS = 2 * N * N * N;

export type FloatArray = Float32Array | Float64Array;

/** Seeded A and B in the requested precision.
 *  @example matmulProblem("float64").a.length // 262144 */
export function matmulProblem(dtype: "float32" | "float64"): { a: FloatArray; b: FloatArray } {
  const a = uniformArray(N * N, 21),
    b = uniformArray(N * N, 22);
  return dtype === "float32" ? { a: Float32Array.from(a), b: Float32Array.from(b) } : { a, b };
}

/** The sum of C's entries: a cheap checksum every implementation can produce. */
export function checksum(c: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i];
  return s;
}

// The floor kernel: B transposed once, then a 4x2 register tile of dot products. It is the
// fastest of the plain loops tried on this machine (i-k-j rows, 4-row i-k-j, k/j-blocked,
// 2x2 and 4x2 tiles). It is written twice so each copy's type feedback stays monomorphic
// (one sees only Float32Array, the other only Float64Array).
function matmulTile32(a: Float32Array, b: Float32Array, c: Float32Array, bt: Float32Array): void {
  for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) bt[j * N + k] = b[k * N + j];
  for (let i = 0; i < N; i += 4) {
    const a0 = i * N,
      a1 = a0 + N,
      a2 = a1 + N,
      a3 = a2 + N;
    for (let j = 0; j < N; j += 2) {
      const b0 = j * N,
        b1 = b0 + N;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0,
        s20 = 0,
        s21 = 0,
        s30 = 0,
        s31 = 0;
      for (let k = 0; k < N; k++) {
        const y0 = bt[b0 + k],
          y1 = bt[b1 + k];
        let x = a[a0 + k];
        s00 += x * y0;
        s01 += x * y1;
        x = a[a1 + k];
        s10 += x * y0;
        s11 += x * y1;
        x = a[a2 + k];
        s20 += x * y0;
        s21 += x * y1;
        x = a[a3 + k];
        s30 += x * y0;
        s31 += x * y1;
      }
      c[a0 + j] = s00;
      c[a0 + j + 1] = s01;
      c[a1 + j] = s10;
      c[a1 + j + 1] = s11;
      c[a2 + j] = s20;
      c[a2 + j + 1] = s21;
      c[a3 + j] = s30;
      c[a3 + j + 1] = s31;
    }
  }
}

function matmulTile64(a: Float64Array, b: Float64Array, c: Float64Array, bt: Float64Array): void {
  for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) bt[j * N + k] = b[k * N + j];
  for (let i = 0; i < N; i += 4) {
    const a0 = i * N,
      a1 = a0 + N,
      a2 = a1 + N,
      a3 = a2 + N;
    for (let j = 0; j < N; j += 2) {
      const b0 = j * N,
        b1 = b0 + N;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0,
        s20 = 0,
        s21 = 0,
        s30 = 0,
        s31 = 0;
      for (let k = 0; k < N; k++) {
        const y0 = bt[b0 + k],
          y1 = bt[b1 + k];
        let x = a[a0 + k];
        s00 += x * y0;
        s01 += x * y1;
        x = a[a1 + k];
        s10 += x * y0;
        s11 += x * y1;
        x = a[a2 + k];
        s20 += x * y0;
        s21 += x * y1;
        x = a[a3 + k];
        s30 += x * y0;
        s31 += x * y1;
      }
      c[a0 + j] = s00;
      c[a0 + j + 1] = s01;
      c[a1 + j] = s10;
      c[a1 + j + 1] = s11;
      c[a2 + j] = s20;
      c[a2 + j + 1] = s21;
      c[a3 + j] = s30;
      c[a3 + j + 1] = s31;
    }
  }
}

/** The floor: a register-tiled plain-JS loop into preallocated buffers. */
export function matmulFloor(dtype: "float32" | "float64"): BenchImpl {
  return {
    name: "js-floor",
    setup(): PreparedImpl {
      const { a, b } = matmulProblem(dtype);
      if (a instanceof Float32Array && b instanceof Float32Array) {
        const c = new Float32Array(N * N),
          bt = new Float32Array(N * N);
        return { step: () => (matmulTile32(a, b, c, bt), checksum(c)) };
      }
      const c = new Float64Array(N * N),
        bt = new Float64Array(N * N);
      return { step: () => (matmulTile64(a as Float64Array, b as Float64Array, c, bt), checksum(c)) };
    },
  };
}

/** tfjs (float32 only: tfjs has no float64). */
export function matmulTfjs(backend: TfjsBackendName): BenchImpl {
  return {
    name: `tfjs-${backend}`,
    async setup(): Promise<PreparedImpl> {
      const tf = await useTfjsBackend(backend);
      const { a, b } = matmulProblem("float32");
      const ta = tf.tensor2d(a as Float32Array, [N, N]),
        tb = tf.tensor2d(b as Float32Array, [N, N]);
      return {
        activate: async () => {
          await useTfjsBackend(backend);
        },
        step(): number {
          const s = tf.tidy(() => tf.matMul(ta, tb).sum());
          const v = s.dataSync()[0];
          s.dispose();
          return v;
        },
        dispose: () => tf.dispose([ta, tb]),
      };
    },
  };
}
