// Blocked, packed matrix multiply (the GotoBLAS layout in plain JS). Panels of A (MR rows)
// and B (NR columns) are copied k-major into float64 scratch so the micro-kernel streams
// both contiguously and keeps an MR x NR tile of C in local variables (registers).
import type { TypedArray } from "../tensor/dtype.js";

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 1024;

const packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);

// Element (i, p) of op(A): A is [m,k] row-major, or [k,m] when transposed.
function packAPanel(
  ta: boolean,
  a: TypedArray,
  aOff: number,
  lda: number,
  i0: number,
  mc: number,
  p0: number,
  kc: number,
): void {
  const pa = packA;
  let w = 0;
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = Math.min(MR, mc - ip);
    // Whole 4-row groups: four contiguous reads (transposed) or four row streams, no branches.
    if (rows === MR && ta) {
      let src = aOff + p0 * lda + i0 + ip;
      for (let p = 0; p < kc; p++) {
        pa[w] = a[src];
        pa[w + 1] = a[src + 1];
        pa[w + 2] = a[src + 2];
        pa[w + 3] = a[src + 3];
        w += 4;
        src += lda;
      }
      continue;
    }
    if (rows === MR) {
      const r0 = aOff + (i0 + ip) * lda + p0,
        r1 = r0 + lda,
        r2 = r1 + lda,
        r3 = r2 + lda;
      for (let p = 0; p < kc; p++) {
        pa[w] = a[r0 + p];
        pa[w + 1] = a[r1 + p];
        pa[w + 2] = a[r2 + p];
        pa[w + 3] = a[r3 + p];
        w += 4;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < MR; r++) {
        if (r < rows) {
          const i = i0 + ip + r,
            pp = p0 + p;
          pa[w++] = ta ? a[aOff + pp * lda + i] : a[aOff + i * lda + pp];
        } else pa[w++] = 0;
      }
    }
  }
}

function packBPanel(
  tb: boolean,
  b: TypedArray,
  bOff: number,
  ldb: number,
  p0: number,
  kc: number,
  j0: number,
  nc: number,
): void {
  const pb = packB;
  let w = 0;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = Math.min(NR, nc - jp);
    if (!tb && cols === NR) {
      for (let p = 0; p < kc; p++) {
        const src = bOff + (p0 + p) * ldb + j0 + jp;
        pb[w] = b[src];
        pb[w + 1] = b[src + 1];
        pb[w + 2] = b[src + 2];
        pb[w + 3] = b[src + 3];
        w += 4;
      }
      continue;
    }
    if (cols === NR) {
      const r0 = bOff + (j0 + jp) * ldb + p0,
        r1 = r0 + ldb,
        r2 = r1 + ldb,
        r3 = r2 + ldb;
      for (let p = 0; p < kc; p++) {
        pb[w] = b[r0 + p];
        pb[w + 1] = b[r1 + p];
        pb[w + 2] = b[r2 + p];
        pb[w + 3] = b[r3 + p];
        w += 4;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      for (let c = 0; c < NR; c++) {
        if (c < cols) {
          const j = j0 + jp + c,
            pp = p0 + p;
          pb[w++] = tb ? b[bOff + j * ldb + pp] : b[bOff + pp * ldb + j];
        } else pb[w++] = 0;
      }
    }
  }
}

// C tile (4x4) += packed A panel x packed B panel over kc. `first` overwrites instead of adding.
function microKernel(
  kc: number,
  aBase: number,
  bBase: number,
  c: TypedArray,
  cOff: number,
  ldc: number,
  rows: number,
  cols: number,
  first: boolean,
): void {
  const pa = packA,
    pb = packB;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  let ai = aBase,
    bi = bBase;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ai],
      a1 = pa[ai + 1],
      a2 = pa[ai + 2],
      a3 = pa[ai + 3];
    const b0 = pb[bi],
      b1 = pb[bi + 1],
      b2 = pb[bi + 2],
      b3 = pb[bi + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai += 4;
    bi += 4;
  }
  if (rows === 4 && cols === 4) {
    let o = cOff;
    if (first) {
      c[o] = c00;
      c[o + 1] = c01;
      c[o + 2] = c02;
      c[o + 3] = c03;
      o += ldc;
      c[o] = c10;
      c[o + 1] = c11;
      c[o + 2] = c12;
      c[o + 3] = c13;
      o += ldc;
      c[o] = c20;
      c[o + 1] = c21;
      c[o + 2] = c22;
      c[o + 3] = c23;
      o += ldc;
      c[o] = c30;
      c[o + 1] = c31;
      c[o + 2] = c32;
      c[o + 3] = c33;
    } else {
      c[o] += c00;
      c[o + 1] += c01;
      c[o + 2] += c02;
      c[o + 3] += c03;
      o += ldc;
      c[o] += c10;
      c[o + 1] += c11;
      c[o + 2] += c12;
      c[o + 3] += c13;
      o += ldc;
      c[o] += c20;
      c[o + 1] += c21;
      c[o + 2] += c22;
      c[o + 3] += c23;
      o += ldc;
      c[o] += c30;
      c[o + 1] += c31;
      c[o + 2] += c32;
      c[o + 3] += c33;
    }
    return;
  }
  edgeTile(
    c,
    cOff,
    ldc,
    rows,
    cols,
    first,
    c00,
    c01,
    c02,
    c03,
    c10,
    c11,
    c12,
    c13,
    c20,
    c21,
    c22,
    c23,
    c30,
    c31,
    c32,
    c33,
  );
}

// Partial tiles at the right/bottom edges (kept out of the hot kernel so it stays small).
function edgeTile(
  c: TypedArray,
  cOff: number,
  ldc: number,
  rows: number,
  cols: number,
  first: boolean,
  ...tile: number[]
): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const o = cOff + r * ldc + q;
      c[o] = first ? tile[r * 4 + q] : c[o] + tile[r * 4 + q];
    }
  }
}

/** Below this many multiply-adds (m·n·k) the unpacked loop wins; above it, `packedGemm`. @example SMALL_GEMM_MADDS // 4096 */
export const SMALL_GEMM_MADDS = 4096;

/**
 * C[m,n] = op(A)[m,k] · op(B)[k,n], overwriting C (see Backend.gemm).
 * @example gemm(false, false, 2, 2, 2, a, 0, b, 0, c, 0)
 */
export function gemm(
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
  if (m === 0 || n === 0) return;
  if (k === 0) {
    c.fill(0, cOff, cOff + m * n);
    return;
  }
  const lda = ta ? m : k;
  const ldb = tb ? k : n;
  if (m * n * k < SMALL_GEMM_MADDS) {
    smallGemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff);
    return;
  }
  packedGemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, n);
}

/**
 * The packed path of `gemm` with explicit leading dimensions (row strides of A, B as stored
 * and of C), so a block of rows or columns of a larger product is itself a call. Each element
 * of C is summed in the same k order whatever block it is computed in, which is what keeps a
 * product split over threads bit-identical to the whole (m, n >= 1, k >= 1).
 * @example packedGemm(false, false, 64, 64, 64, a, 0, 64, b, 0, 64, c, 0, 64)
 */
export function packedGemm(
  ta: boolean,
  tb: boolean,
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOff: number,
  lda: number,
  b: TypedArray,
  bOff: number,
  ldb: number,
  c: TypedArray,
  cOff: number,
  ldc: number,
): void {
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      const need = kc * Math.ceil(nc / NR) * NR;
      if (packB.length < need) packB = new Float64Array(need);
      packBPanel(tb, b, bOff, ldb, p0, kc, j0, nc);
      const first = p0 === 0;
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packAPanel(ta, a, aOff, lda, i0, mc, p0, kc);
        for (let jp = 0; jp < nc; jp += NR) {
          const cols = Math.min(NR, nc - jp);
          const bBase = jp * kc;
          for (let ip = 0; ip < mc; ip += MR) {
            const rows = Math.min(MR, mc - ip);
            microKernel(kc, ip * kc, bBase, c, cOff + (i0 + ip) * ldc + j0 + jp, ldc, rows, cols, first);
          }
        }
      }
    }
  }
}

// Tiny products: packing costs more than it saves. i-k-j order keeps the inner loop contiguous.
function smallGemm(
  ta: boolean,
  tb: boolean,
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOff: number,
  lda: number,
  b: TypedArray,
  bOff: number,
  ldb: number,
  c: TypedArray,
  cOff: number,
): void {
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * n;
    for (let j = 0; j < n; j++) c[ci + j] = 0;
    for (let p = 0; p < k; p++) {
      const av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
      if (tb) for (let j = 0; j < n; j++) c[ci + j] += av * b[bOff + j * ldb + p];
      else {
        const bp = bOff + p * ldb;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
      }
    }
  }
}
