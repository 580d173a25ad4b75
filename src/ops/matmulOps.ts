// Matrix products. One internal op (optionally transposed operands, batched with NumPy
// broadcasting) whose gradient is two more products of the same op, so no transpose is
// ever materialised; the public matmul adds NumPy's 1-D rules.
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { promote } from "../tensor/dtype.js";
import { broadcastShapes, broadcastStrides, fmtShape, ShapeError, sizeOf } from "../tensor/shape.js";
import { getBackend } from "../backend/backend.js";
import { apply, defineOp } from "../autodiff/opRegistry.js";
import { asTensor, emptyTensor } from "./tensorLike.js";
import { castTo } from "./castOps.js";
import { sumTo } from "./reductionOps.js";
import { mul } from "./binaryOps.js";
import { reshape } from "./shapeOps.js";

interface MatmulAttrs {
  ta: boolean;
  tb: boolean;
}

function dims(t: Tensor, trans: boolean): [number, number] {
  const r = t.shape[t.shape.length - 2],
    c = t.shape[t.shape.length - 1];
  return trans ? [c, r] : [r, c];
}

const matmulOp = defineOp<MatmulAttrs>({
  name: "matmul",
  differentiable: true,
  forward(inputs, attrs) {
    let [a, b] = inputs;
    const dt = promote(a.dtype, b.dtype);
    const fdt = dt === "float32" ? "float32" : "float64";
    if (a.dtype !== fdt) a = castTo(a, fdt);
    if (b.dtype !== fdt) b = castTo(b, fdt);
    const [m, k] = dims(a, attrs.ta);
    const [k2, n] = dims(b, attrs.tb);
    if (k !== k2) {
      throw new ShapeError(
        `matmul: inner dimensions differ: ${fmtShape(a.shape)}${attrs.ta ? "ᵀ" : ""} @ ${fmtShape(b.shape)}${attrs.tb ? "ᵀ" : ""} (${k} vs ${k2})`,
      );
    }
    const ba = a.shape.slice(0, -2),
      bb = b.shape.slice(0, -2);
    const batch = broadcastShapes(ba, bb, "matmul");
    const out = emptyTensor([...batch, m, n], fdt);
    const be = getBackend();
    const ad = a._buf(),
      bd = b._buf(),
      od = out._buf();
    const nb = sizeOf(batch);
    if (bb.length === 0 && !attrs.ta && ba.length > 0) {
      // Fold a's batch into its rows: one big product.
      be.gemm(false, attrs.tb, nb * m, n, k, ad, 0, bd, 0, od, 0);
      return out;
    }
    const sa = broadcastStrides(ba, batch),
      sb = broadcastStrides(bb, batch);
    const nd = batch.length;
    const idx = new Array<number>(nd).fill(0);
    for (let p = 0; p < nb; p++) {
      let ia = 0,
        ib = 0;
      for (let d = 0; d < nd; d++) {
        ia += idx[d] * sa[d];
        ib += idx[d] * sb[d];
      }
      be.gemm(attrs.ta, attrs.tb, m, n, k, ad, ia * m * k, bd, ib * k * n, od, p * m * n);
      for (let d = nd - 1; d >= 0; d--) {
        if (++idx[d] < batch[d]) break;
        idx[d] = 0;
      }
    }
    return out;
  },
  backward(g, c) {
    const [a, b] = c.inputs;
    const { ta, tb } = c.attrs;
    let ga: Tensor | null = null,
      gb: Tensor | null = null;
    if (c.needs[0]) {
      ga = !ta ? mm(g, b, false, !tb) : tb ? mm(b, g, true, true) : mm(b, g, false, true);
      ga = castTo(sumTo(ga, a.shape), a.dtype);
    }
    if (c.needs[1]) {
      gb = !tb
        ? ta
          ? mm(a, g, false, false)
          : mm(a, g, true, false)
        : ta
          ? mm(g, a, true, true)
          : mm(g, a, true, false);
      gb = castTo(sumTo(gb, b.shape), b.dtype);
    }
    return [ga, gb];
  },
});

function mm(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Tensor {
  return apply(matmulOp, [a, b], { ta, tb });
}

function asT(x: TensorLike, name: string): Tensor {
  return x instanceof Tensor ? x : asTensor(x, null, name);
}

/**
 * Matrix product with NumPy's rules: 2-D @ 2-D, batched over leading axes (broadcast), and a
 * 1-D operand treated as a row (left) or column (right) vector whose axis is then dropped.
 * @example matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1])).toArray() // [3, 7]
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  const ta = asT(a, "matmul"),
    tb = asT(b, "matmul");
  if (ta.shape.length === 0 || tb.shape.length === 0) {
    throw new ShapeError(
      `matmul: operands must have at least one dimension, got ${fmtShape(ta.shape)} and ${fmtShape(tb.shape)} (use mul for scalars)`,
    );
  }
  const a1 = ta.shape.length === 1,
    b1 = tb.shape.length === 1;
  const A = a1 ? reshape(ta, [1, ta.shape[0]]) : ta;
  const B = b1 ? reshape(tb, [tb.shape[0], 1]) : tb;
  const ka = A.shape[A.shape.length - 1],
    kb = B.shape[B.shape.length - 2];
  if (ka !== kb)
    throw new ShapeError(
      `matmul: shapes ${fmtShape(ta.shape)} and ${fmtShape(tb.shape)} are not aligned (${ka} vs ${kb})`,
    );
  let out = mm(A, B, false, false);
  if (a1 || b1) {
    const s = out.shape.slice();
    if (b1) s.splice(s.length - 1, 1);
    if (a1) s.splice(s.length - 1 - (b1 ? 0 : 1), 1);
    out = reshape(out, s);
  }
  return out;
}

/**
 * C = op(A) · op(B) where op transposes the last two axes when asked, without copying.
 * @example matmulT(x, w, false, true) // x @ wᵀ
 */
export function matmulT(a: TensorLike, b: TensorLike, transA: boolean, transB: boolean): Tensor {
  const ta = asT(a, "matmul"),
    tb = asT(b, "matmul");
  if (ta.shape.length < 2 || tb.shape.length < 2)
    throw new ShapeError(
      `matmulT: operands need at least 2 dimensions, got ${fmtShape(ta.shape)} and ${fmtShape(tb.shape)}`,
    );
  return mm(ta, tb, transA, transB);
}

/**
 * Inner product of two vectors (shape []); for higher ranks, the same as matmul.
 * @example dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item() // 32
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  return matmul(a, b);
}

/**
 * Outer product of two vectors: [m] x [n] -> [m, n].
 * @example outer(tensor([1, 2]), tensor([1, 10])).toArray() // [[1, 10], [2, 20]]
 */
export function outer(a: TensorLike, b: TensorLike): Tensor {
  const ta = asT(a, "outer"),
    tb = asT(b, "outer");
  return mul(reshape(ta, [ta.size, 1]), reshape(tb, [1, tb.size]));
}
