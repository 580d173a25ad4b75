// The pure-JS backend's matrix product: gemmKernel.ts on one thread, or, for large products
// within the thread budget, C split into blocks of rows (or columns) that the main thread and
// helper threads (jsGemmHelpers.ts) compute at the same time with the same code. Each element
// of C is then summed by the same code in the same k order as on one thread: bit-identical.
import type { TypedArray } from "../tensor/dtype.js";
import { gemm, packedGemm, SMALL_GEMM_MADDS } from "./gemmKernel.js";
import { GemmHelpers } from "./jsGemmHelpers.js";
import { KIND } from "./jsGemmProtocol.js";
import { threads } from "./threadBudget.js";

/**
 * Multiply-adds (m·n·k) from which a product is split over threads. Measured with
 * `node dist/bench/jsGemmThreads.js [--cold]` (1 vs 2 threads, square, float32 and float64, on
 * the 2-core target VM): back to back (helper still polling) two threads pay from 48^3 (0.57x
 * the one-thread time); with the helper asleep between products, as in a training step, only
 * from 64^3-80^3 (0.93x at 64^3, 0.66x at 96^3, 0.53x at 256^3). 96^3 pays in both cases.
 * @example m * n * k >= THREADED_GEMM_MADDS // split this product
 */
export const THREADED_GEMM_MADDS = 96 * 96 * 96;

/** Pieces the main thread computes a late helper's block in (each repacks the shared operand, so only a late helper costs them). */
const LATE_PIECES = 8;

/** Which dimension of C is split: rows (m), columns (n), or the larger one. @example splitGemm(pool, 1, false, false, m, n, k, a, 0, b, 0, c, 0, "cols") */
export type SplitAxis = "auto" | "rows" | "cols";

/** The process-wide helper threads of the js backend. @example jsGemmHelpers.threads // 2 once started */
export const jsGemmHelpers = new GemmHelpers();

type Floats = Float32Array | Float64Array;
const kindOf = (x: TypedArray): number => (x instanceof Float32Array ? KIND.f32 : KIND.f64);
const align64 = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * C[m,n] = op(A)[m,k] · op(B)[k,n] (the js backend's Backend.gemm), on as many threads as the
 * budget allows and the size pays for.
 * @example jsGemm(false, false, 512, 512, 512, a, 0, b, 0, c, 0)
 */
export function jsGemm(
  ta: boolean,
  tb: boolean,
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOff: number,
  b: TypedArray,
  bOff: number,
  c: TypedArray,
  cOff: number,
): void {
  const budget = threads();
  if (
    budget < 2 ||
    m * n * k < THREADED_GEMM_MADDS ||
    !splitGemm(jsGemmHelpers, budget - 1, ta, tb, m, n, k, a, aOff, b, bOff, c, cOff)
  ) {
    gemm(ta, tb, m, n, k, a, aOff, b, bOff, c, cOff);
  }
}

/**
 * Compute the product over the main thread and up to `helperCount` idle helpers of `pool`;
 * false (nothing written) when it cannot be split: no helper ready, operands not all
 * Float32Array or all Float64Array, or too small. `mainShare` is the main thread's fraction of
 * the split dimension (default: an equal share; it also copies the operands, but the helpers
 * start a little later, and on the 2-core VM .5 measured best, see bench/jsGemmThreads.ts --tune).
 * @example splitGemm(pool, 1, false, false, 512, 512, 512, a, 0, b, 0, c, 0)
 */
export function splitGemm(
  pool: GemmHelpers,
  helperCount: number,
  ta: boolean,
  tb: boolean,
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOff: number,
  b: TypedArray,
  bOff: number,
  c: TypedArray,
  cOff: number,
  axis: SplitAxis = "auto",
  mainShare?: number,
): boolean {
  if (m * n * k < SMALL_GEMM_MADDS) return false;
  const ctor = a.constructor;
  if ((ctor !== Float32Array && ctor !== Float64Array) || b.constructor !== ctor || c.constructor !== ctor)
    return false;
  const byRows = axis === "rows" || (axis === "auto" && m >= n);
  const dim = byRows ? m : n;
  const parts = Math.min(helperCount + 1, Math.floor(dim / 8));
  if (parts < 2) return false;
  const helpers = pool.ready(parts - 1);
  if (helpers.length === 0) return false;
  for (const h of helpers) pool.wake(h);

  // Block boundaries on multiples of 4 (the micro-tile), the main thread's block first.
  const bounds = [0];
  const share = mainShare ?? 1 / (helpers.length + 1);
  const first = Math.max(4, Math.min(dim - 4 * helpers.length, Math.round((dim * share) / 4) * 4));
  bounds.push(first);
  for (let h = 1; h <= helpers.length; h++)
    bounds.push(
      h === helpers.length ? dim : first + Math.round(((dim - first) * h) / helpers.length / 4) * 4,
    );
  const s0 = first;
  const lda = ta ? m : k,
    ldb = tb ? k : n;

  // What the helpers read: only their rows of A (or of Bᵀ) when those are contiguous, else all.
  const aRows = byRows && !ta,
    bRows = !byRows && tb;
  const aFrom = aRows ? aOff + s0 * k : aOff,
    aLen = aRows ? (m - s0) * k : m * k;
  const bFrom = bRows ? bOff + s0 * k : bOff,
    bLen = bRows ? (n - s0) * k : k * n;
  const bytes = (a as Floats).BYTES_PER_ELEMENT;
  const aAt = 0,
    bAt = align64(aLen * bytes);
  let cAt = bAt + align64(bLen * bytes);
  const cAts: number[] = [];
  for (let h = 0; h < helpers.length; h++) {
    cAts.push(cAt);
    const span = bounds[h + 2] - bounds[h + 1];
    cAt += align64((byRows ? span * n : m * span) * bytes);
  }
  const scratch = pool.scratchOf(cAt);
  const view = ctor === Float32Array ? new Float32Array(scratch) : new Float64Array(scratch);
  view.set((a as Floats).subarray(aFrom, aFrom + aLen), aAt / bytes);
  view.set((b as Floats).subarray(bFrom, bFrom + bLen), bAt / bytes);

  const kind = kindOf(a);
  for (let h = 0; h < helpers.length; h++) {
    const x0 = bounds[h + 1],
      x1 = bounds[h + 2];
    const aO = aAt / bytes + (byRows ? (ta ? x0 : (x0 - s0) * k) : 0);
    const bO = bAt / bytes + (byRows ? 0 : tb ? (x0 - s0) * k : x0);
    pool.post(helpers[h], {
      ta,
      tb,
      m: byRows ? x1 - x0 : m,
      n: byRows ? n : x1 - x0,
      k,
      aKind: kind,
      aOff: aO,
      lda,
      bKind: kind,
      bOff: bO,
      ldb,
      cKind: kind,
      cOff: cAts[h] / bytes,
      ldc: byRows ? n : x1 - x0,
    });
  }
  pool.stats.splits++;

  // The block [x0, x1) of the split dimension, computed here from the caller's arrays.
  const block = (x0: number, x1: number): void => {
    if (byRows)
      packedGemm(ta, tb, x1 - x0, n, k, a, aOff + (ta ? x0 : x0 * k), lda, b, bOff, ldb, c, cOff + x0 * n, n);
    else packedGemm(ta, tb, m, x1 - x0, k, a, aOff, lda, b, bOff + (tb ? x0 * k : x0), ldb, c, cOff + x0, n);
  };
  const t0 = performance.now();
  block(0, first);
  const mainMs = performance.now() - t0;
  for (let h = 0; h < helpers.length; h++) {
    const x0 = bounds[h + 1],
      x1 = bounds[h + 2];
    const copyBack = (): void => {
      const at = cAts[h] / bytes,
        span = x1 - x0;
      if (byRows) (c as Floats).set(view.subarray(at, at + span * n), cOff + x0 * n);
      else
        for (let r = 0; r < m; r++)
          (c as Floats).set(view.subarray(at + r * span, at + (r + 1) * span), cOff + r * n + x0);
    };
    const state = pool.settle(helpers[h], pool.lateGrace * mainMs);
    if (state === "done") {
      copyBack();
      continue;
    }
    if (state === "redo") {
      block(x0, x1);
      continue;
    }
    // Late: compute its block here piece by piece, and take the helper's result as soon as it
    // is there (the values are the same, so a half-overwritten block is still right).
    const piece = Math.max(4, Math.round((x1 - x0) / LATE_PIECES / 4) * 4);
    for (let x = x0; x < x1; x += piece) {
      block(x, Math.min(x1, x + piece));
      if (pool.isDone(helpers[h])) {
        copyBack();
        break;
      }
    }
  }
  pool.trimScratch();
  return true;
}
