// Shape ops: reshape-family views (share storage, never copied), transpose, slicing,
// concatenation, gathering. Each gradient is the adjoint data movement.
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { fmtShape, normAxis, sameShape, ShapeError, sizeOf, stridesOf } from "../tensor/shape.js";
import { getBackend } from "../backend/backend.js";
import { apply, defineOp, type OpDef } from "../autodiff/opRegistry.js";
import { asTensor, emptyTensor } from "./tensorLike.js";
import { RELEASED } from "../tensor/tensorFlags.js";

function asT(x: TensorLike, name: string): Tensor {
  return x instanceof Tensor ? x : asTensor(x, null, name);
}

const reshapeOp = defineOp<{ shape: number[] }>({
  name: "reshape",
  differentiable: true,
  forward(inputs, attrs) {
    const x = inputs[0];
    if (x._lazy !== null) x._buf();
    if (x._data === null && (x._flags & RELEASED) === 0) return new Tensor(attrs.shape, x.dtype, null, x._s);
    x._buf();
    return new Tensor(attrs.shape, x.dtype, x._sharedStorage());
  },
  backward: (g, c) => [reshape(g, c.inputs[0].shape)],
});

function resolveShape(shape: readonly number[], size: number, from: readonly number[]): number[] {
  let infer = -1,
    known = 1;
  const out = shape.slice();
  for (let i = 0; i < out.length; i++) {
    const d = out[i];
    if (d === -1) {
      if (infer >= 0) throw new ShapeError(`reshape: only one -1 is allowed, got ${fmtShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0)
      throw new ShapeError(`reshape: invalid target shape ${fmtShape(shape)}`);
    else known *= d;
  }
  if (infer >= 0) {
    if (known === 0 || size % known !== 0)
      throw new ShapeError(
        `reshape: cannot reshape ${fmtShape(from)} (${size} elements) into ${fmtShape(shape)}`,
      );
    out[infer] = size / known;
  }
  if (sizeOf(out) !== size)
    throw new ShapeError(
      `reshape: cannot reshape ${fmtShape(from)} (${size} elements) into ${fmtShape(shape)} (${sizeOf(out)} elements)`,
    );
  return out;
}

/**
 * Same data, new shape (one dim may be -1). A view: no copy.
 * @example reshape(arange(6), [2, -1]).shape // [2, 3]
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asT(x, "reshape");
  const s = resolveShape(shape, t.size, t.shape);
  return apply(reshapeOp, [t], { shape: s });
}

/**
 * Flatten to 1-D, or merge axes from `startAxis` to the end.
 * @example flatten(zeros([2, 3, 4]), 1).shape // [2, 12]
 */
export function flatten(x: TensorLike, startAxis = 0): Tensor {
  const t = asT(x, "flatten");
  if (t.shape.length === 0) return reshape(t, [1]);
  const a = normAxis(startAxis, t.shape.length, "flatten");
  return reshape(t, [...t.shape.slice(0, a), -1]);
}

/**
 * Insert a size-1 axis at `axis`.
 * @example expandDims(tensor([1, 2]), 0).shape // [1, 2]
 */
export function expandDims(x: TensorLike, axis: number): Tensor {
  const t = asT(x, "expandDims");
  const a = normAxis(axis, t.shape.length + 1, "expandDims");
  const s = t.shape.slice();
  s.splice(a, 0, 1);
  return reshape(t, s);
}

/**
 * Remove size-1 axes (all of them, or the given one(s)).
 * @example squeeze(zeros([1, 3, 1])).shape // [3]
 */
export function squeeze(x: TensorLike, axis?: number | number[]): Tensor {
  const t = asT(x, "squeeze");
  if (axis === undefined)
    return reshape(
      t,
      t.shape.filter((d) => d !== 1),
    );
  const axes = (typeof axis === "number" ? [axis] : axis).map((a) => normAxis(a, t.shape.length, "squeeze"));
  for (const a of axes)
    if (t.shape[a] !== 1)
      throw new ShapeError(`squeeze: axis ${a} of shape ${fmtShape(t.shape)} has size ${t.shape[a]}, not 1`);
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}

const transposeOp = defineOp<{ perm: number[] }>({
  name: "transpose",
  differentiable: true,
  forward(inputs, attrs) {
    const x = inputs[0];
    const outShape = attrs.perm.map((p) => x.shape[p]);
    const out = emptyTensor(outShape, x.dtype);
    getBackend().transpose(x._buf(), x.shape, attrs.perm, out._buf());
    return out;
  },
  backward(g, c) {
    const inv = new Array<number>(c.attrs.perm.length);
    c.attrs.perm.forEach((p, i) => (inv[p] = i));
    return [transpose(g, inv)];
  },
});

/**
 * Permute axes (reverse them by default, so a matrix is transposed).
 * @example transpose(zeros([2, 3])).shape // [3, 2]
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = asT(x, "transpose");
  const nd = t.shape.length;
  const p =
    perm === undefined
      ? Array.from({ length: nd }, (_, i) => nd - 1 - i)
      : perm.map((a) => normAxis(a, nd, "transpose"));
  if (p.length !== nd || new Set(p).size !== nd)
    throw new ShapeError(
      `transpose: perm ${JSON.stringify(perm)} is not a permutation of the ${nd} axes of shape ${fmtShape(t.shape)}`,
    );
  if (p.every((a, i) => a === i)) return reshape(t, t.shape);
  // Moving only size-1 axes keeps the memory order: a reshape suffices.
  const nonUnit = p.filter((a) => t.shape[a] !== 1);
  if (nonUnit.every((a, i) => i === 0 || a > nonUnit[i - 1]))
    return reshape(
      t,
      p.map((a) => t.shape[a]),
    );
  return apply(transposeOp, [t], { perm: p });
}

/**
 * Alias of transpose with an explicit permutation (PyTorch's name).
 * @example permute(zeros([2, 3, 4]), [2, 0, 1]).shape // [4, 2, 3]
 */
export function permute(x: TensorLike, perm: readonly number[]): Tensor {
  return transpose(x, perm);
}

/** One axis of a slice: start index, step, count. */
interface AxisRange {
  start: number;
  step: number;
  count: number;
}

/** A per-axis slice: null/undefined (whole axis), [start, end?, step?] (Python semantics, negatives count from the end). */
export type SliceSpec = (
  null | undefined | number | [number?, number?, number?] | readonly (number | undefined | null)[]
)[];

function rangesOf(shape: readonly number[], spec: SliceSpec, op: string): AxisRange[] {
  if (spec.length > shape.length)
    throw new ShapeError(`${op}: ${spec.length} slice entries for a tensor of shape ${fmtShape(shape)}`);
  return shape.map((dim, i) => {
    const s = spec[i];
    if (s === null || s === undefined) return { start: 0, step: 1, count: dim };
    if (typeof s === "number")
      throw new ShapeError(`${op}: entry ${i} is a number; use [start, end] (or index() to drop an axis)`);
    const step = s[2] ?? 1;
    if (!Number.isInteger(step) || step === 0)
      throw new ShapeError(`${op}: step must be a nonzero integer, got ${step} on axis ${i}`);
    const norm = (v: number | undefined | null, dflt: number): number => {
      if (v === undefined || v === null) return dflt;
      const w = v < 0 ? v + dim : v;
      return step > 0 ? Math.min(Math.max(w, 0), dim) : Math.min(Math.max(w, -1), dim - 1);
    };
    const start = norm(s[0], step > 0 ? 0 : dim - 1);
    const end = norm(s[1], step > 0 ? dim : -1);
    const count =
      step > 0 ? Math.max(0, Math.ceil((end - start) / step)) : Math.max(0, Math.ceil((start - end) / -step));
    return { start, step, count };
  });
}

/** Visit the strided sub-block: calls f(flatIndexInX, flatIndexInBlock). */
function forEachInRange(
  shape: readonly number[],
  ranges: readonly AxisRange[],
  f: (xi: number, bi: number) => void,
): void {
  const nd = shape.length;
  const st = stridesOf(shape);
  const total = ranges.reduce((n, r) => n * r.count, 1);
  if (total === 0) return;
  if (nd === 0) {
    f(0, 0);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let base = 0;
  for (let d = 0; d < nd; d++) base += ranges[d].start * st[d];
  const last = ranges[nd - 1];
  const lastStep = last.step * st[nd - 1];
  let xi = base,
    bi = 0;
  while (bi < total) {
    let p = xi;
    for (let j = 0; j < last.count; j++) {
      f(p, bi++);
      p += lastStep;
    }
    let d = nd - 2;
    while (d >= 0) {
      idx[d]++;
      xi += ranges[d].step * st[d];
      if (idx[d] < ranges[d].count) break;
      xi -= ranges[d].step * st[d] * ranges[d].count;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}

const sliceOp: OpDef<{ ranges: AxisRange[] }> = defineOp<{ ranges: AxisRange[] }>({
  name: "slice",
  differentiable: true,
  forward(inputs, attrs) {
    const x = inputs[0];
    const out = emptyTensor(
      attrs.ranges.map((r) => r.count),
      x.dtype,
    );
    const src = x._buf(),
      dst = out._buf();
    forEachInRange(x.shape, attrs.ranges, (xi, bi) => {
      dst[bi] = src[xi];
    });
    return out;
  },
  backward: (g, c) => [apply(sliceGradOp, [g], { ranges: c.attrs.ranges, shape: c.inputs[0].shape })],
});

// The adjoint of slice: zeros of the input shape with the cotangent written into the block.
const sliceGradOp: OpDef<{ ranges: AxisRange[]; shape: number[] }> = defineOp<{
  ranges: AxisRange[];
  shape: number[];
}>({
  name: "sliceGrad",
  differentiable: true,
  forward(inputs, attrs) {
    const g = inputs[0];
    const out = emptyTensor(attrs.shape, g.dtype);
    const dst = out._buf(),
      src = g._buf();
    dst.fill(0);
    forEachInRange(attrs.shape, attrs.ranges, (xi, bi) => {
      dst[xi] += src[bi];
    });
    return out;
  },
  backward: (g, c) => [apply(sliceOp, [g], { ranges: c.attrs.ranges })],
});

/**
 * Slice with Python semantics per axis: `[start, end, step]` (each optional, negatives from
 * the end) or null for the whole axis. Also `slice(x, starts, ends)` with two number arrays.
 * @example slice(arange(10), [[2, 8, 2]]).toArray() // [2, 4, 6]
 * @example slice(zeros([4, 5]), [1, 0], [3, 2]).shape // [2, 2]
 */
export function slice(x: TensorLike, spec: SliceSpec | readonly number[], ends?: readonly number[]): Tensor {
  const t = asT(x, "slice");
  let s: SliceSpec;
  if (ends !== undefined) {
    const starts = spec as readonly number[];
    if (starts.length !== ends.length)
      throw new ShapeError(`slice: starts has ${starts.length} entries but ends has ${ends.length}`);
    s = starts.map((b, i) => [b, ends[i]] as [number, number]);
  } else s = spec as SliceSpec;
  const ranges = rangesOf(t.shape, s, "slice");
  return apply(sliceOp, [t], { ranges });
}

/**
 * Select index `i` along `axis` (default 0), dropping that axis. Negative i counts from the end.
 * @example index(tensor([[1, 2], [3, 4]]), 1).toArray() // [3, 4]
 */
export function index(x: TensorLike, i: number, axis = 0): Tensor {
  const t = asT(x, "index");
  const a = normAxis(axis, t.shape.length, "index");
  const dim = t.shape[a];
  const j = i < 0 ? i + dim : i;
  if (!Number.isInteger(j) || j < 0 || j >= dim)
    throw new ShapeError(
      `index: index ${i} is out of range for axis ${a} of size ${dim} (shape ${fmtShape(t.shape)})`,
    );
  const spec: SliceSpec = t.shape.map((_, d) => (d === a ? [j, j + 1] : null));
  const s = apply(sliceOp, [t], { ranges: rangesOf(t.shape, spec, "index") });
  return reshape(
    s,
    t.shape.filter((_, d) => d !== a),
  );
}

const concatOp = defineOp<{ axis: number }>({
  name: "concat",
  differentiable: true,
  forward(inputs, attrs) {
    const a = attrs.axis;
    const first = inputs[0];
    const shape = first.shape.slice();
    let dt = first.dtype;
    shape[a] = 0;
    for (const t of inputs) {
      if (t.shape.length !== first.shape.length || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
        throw new ShapeError(
          `concat: shapes ${fmtShape(first.shape)} and ${fmtShape(t.shape)} differ outside axis ${a}`,
        );
      }
      if (t.dtype !== dt)
        dt =
          t.dtype === "float64" || dt === "float64"
            ? "float64"
            : t.dtype === "float32" || dt === "float32"
              ? "float32"
              : "int32";
      shape[a] += t.shape[a];
    }
    const out = emptyTensor(shape, dt);
    const dst = out._buf();
    let outer = 1;
    for (let d = 0; d < a; d++) outer *= shape[d];
    const rowOut = sizeOf(shape.slice(a));
    let offset = 0;
    for (const t of inputs) {
      const src = t._buf();
      const row = sizeOf(t.shape.slice(a));
      for (let o = 0; o < outer; o++) {
        const s0 = o * row,
          d0 = o * rowOut + offset;
        for (let k = 0; k < row; k++) dst[d0 + k] = src[s0 + k];
      }
      offset += row;
    }
    return out;
  },
  backward(g, c) {
    const a = c.attrs.axis;
    let start = 0;
    return c.inputs.map((t, i) => {
      const end = start + t.shape[a];
      const spec: SliceSpec = t.shape.map((_, d) => (d === a ? [start, end] : null));
      start = end;
      return c.needs[i] ? slice(g, spec) : null;
    });
  },
});

/**
 * Join tensors along an existing axis.
 * @example concat([ones([2, 1]), zeros([2, 2])], 1).shape // [2, 3]
 */
export function concat(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError("concat: needs at least one tensor");
  const ts = tensors.map((t) => asT(t, "concat"));
  const a = normAxis(axis, ts[0].shape.length, "concat");
  return apply(concatOp, ts, { axis: a });
}

/**
 * Join tensors of equal shape along a new axis.
 * @example stack([tensor([1, 2]), tensor([3, 4])], 0).toArray() // [[1, 2], [3, 4]]
 */
export function stack(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError("stack: needs at least one tensor");
  const ts = tensors.map((t) => asT(t, "stack"));
  for (const t of ts)
    if (!sameShape(t.shape, ts[0].shape))
      throw new ShapeError(`stack: shapes ${fmtShape(ts[0].shape)} and ${fmtShape(t.shape)} differ`);
  const a = normAxis(axis, ts[0].shape.length + 1, "stack");
  return concat(
    ts.map((t) => expandDims(t, a)),
    a,
  );
}

interface GatherAttrs {
  axis: number;
  xShape: number[];
}

function gatherLayout(
  xShape: readonly number[],
  idxSize: number,
  axis: number,
): { outer: number; dim: number; inner: number; n: number } {
  let outer = 1,
    inner = 1;
  for (let d = 0; d < axis; d++) outer *= xShape[d];
  for (let d = axis + 1; d < xShape.length; d++) inner *= xShape[d];
  return { outer, dim: xShape[axis], inner, n: idxSize };
}

function checkedIndices(idx: Tensor, dim: number, op: string): ArrayLike<number> {
  if (idx.dtype !== "int32")
    throw new TypeError(
      `${op}: indices must be an int32 tensor, got ${idx.dtype} (use randint/arange or .astype("int32"))`,
    );
  const d = idx._buf();
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v < -dim || v >= dim)
      throw new ShapeError(`${op}: index ${v} is out of range for an axis of size ${dim}`);
  }
  return d;
}

const gatherOp: OpDef<GatherAttrs> = defineOp<GatherAttrs>({
  name: "gather",
  differentiable: true,
  forward(inputs, attrs) {
    const [x, idx] = inputs;
    const { outer, dim, inner, n } = gatherLayout(x.shape, idx.size, attrs.axis);
    const ind = checkedIndices(idx, dim, "gather");
    const shape = [...x.shape.slice(0, attrs.axis), ...idx.shape, ...x.shape.slice(attrs.axis + 1)];
    const out = emptyTensor(shape, x.dtype);
    const src = x._buf(),
      dst = out._buf();
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < n; k++) {
        const j = ind[k] < 0 ? ind[k] + dim : ind[k];
        const s0 = (o * dim + j) * inner,
          d0 = (o * n + k) * inner;
        for (let i = 0; i < inner; i++) dst[d0 + i] = src[s0 + i];
      }
    }
    return out;
  },
  backward: (g, c) => [apply(scatterAddOp, [g, c.inputs[1]], c.attrs), null],
});

// The adjoint of gather: zeros of x's shape with cotangent rows added at the indices.
const scatterAddOp: OpDef<GatherAttrs> = defineOp<GatherAttrs>({
  name: "scatterAdd",
  differentiable: true,
  forward(inputs, attrs) {
    const [g, idx] = inputs;
    const { outer, dim, inner, n } = gatherLayout(attrs.xShape, idx.size, attrs.axis);
    const ind = idx._buf();
    const out = emptyTensor(attrs.xShape, g.dtype);
    const dst = out._buf(),
      src = g._buf();
    dst.fill(0);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < n; k++) {
        const j = ind[k] < 0 ? ind[k] + dim : ind[k];
        const d0 = (o * dim + j) * inner,
          s0 = (o * n + k) * inner;
        for (let i = 0; i < inner; i++) dst[d0 + i] += src[s0 + i];
      }
    }
    return out;
  },
  backward: (g, c) => [apply(gatherOp, [g, c.inputs[1]], c.attrs), null],
});

/**
 * Take entries of `x` along `axis` at int32 `indices` of any shape (NumPy's `take`):
 * result shape x.shape[:axis] + indices.shape + x.shape[axis+1:]. Differentiable in x
 * (repeated indices accumulate).
 * @example gather(tensor([[1, 2], [3, 4], [5, 6]]), tensor([2, 0], { dtype: "int32" }), 0).toArray() // [[5, 6], [1, 2]]
 */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = asT(x, "gather");
  const idx = indices instanceof Tensor ? indices : asTensor(indices, null, "gather").astype("int32");
  const a = normAxis(axis, t.shape.length, "gather");
  return apply(gatherOp, [t, idx], { axis: a, xShape: t.shape.slice() });
}

/**
 * Pick one entry per row along `axis` (torch.gather / NumPy take_along_axis): `indices` has
 * x's shape with `axis` of any length. Differentiable in x.
 * @example takeAlongAxis(tensor([[1, 2], [3, 4]]), tensor([[1], [0]], { dtype: "int32" }), 1).toArray() // [[2], [3]]
 */
export function takeAlongAxis(x: TensorLike, indices: TensorLike, axis = -1): Tensor {
  const t = asT(x, "takeAlongAxis");
  const idx = indices instanceof Tensor ? indices : asTensor(indices, null, "takeAlongAxis").astype("int32");
  const a = normAxis(axis, t.shape.length, "takeAlongAxis");
  if (idx.shape.length !== t.shape.length || idx.shape.some((d, i) => i !== a && d !== t.shape[i])) {
    throw new ShapeError(
      `takeAlongAxis: indices shape ${fmtShape(idx.shape)} must match x's shape ${fmtShape(t.shape)} except on axis ${a}`,
    );
  }
  // Flatten to a gather over axis 0 of a [outer*dim*inner] view.
  const dim = t.shape[a];
  let inner = 1;
  for (let d = a + 1; d < t.shape.length; d++) inner *= t.shape[d];
  const src = checkedIndices(idx, dim, "takeAlongAxis");
  const flat = new Int32Array(idx.size);
  const k = idx.shape[a];
  for (let p = 0; p < idx.size; p++) {
    const i = p % inner;
    const o = Math.floor(p / (inner * k));
    const j = src[p] < 0 ? src[p] + dim : src[p];
    flat[p] = (o * dim + j) * inner + i;
  }
  const g = gather(reshape(t, [-1]), new Tensor([idx.size], "int32", flat), 0);
  return reshape(g, idx.shape);
}

const oneHotOp = defineOp<{ n: number; dtype: "float64" | "float32" }>({
  name: "oneHot",
  differentiable: false,
  forward(inputs, attrs) {
    const idx = inputs[0];
    const ind = checkedIndices(idx, attrs.n, "oneHot");
    const out = emptyTensor([...idx.shape, attrs.n], attrs.dtype);
    const d = out._buf();
    d.fill(0);
    for (let i = 0; i < ind.length; i++) d[i * attrs.n + (ind[i] < 0 ? ind[i] + attrs.n : ind[i])] = 1;
    return out;
  },
});

/**
 * One-hot encode int32 class indices: shape [...indices.shape, numClasses] (float64 by default).
 * @example oneHot(tensor([0, 2], { dtype: "int32" }), 3).toArray() // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(
  indices: TensorLike,
  numClasses: number,
  opts?: { dtype?: "float64" | "float32" },
): Tensor {
  const idx = indices instanceof Tensor ? indices : asTensor(indices, null, "oneHot").astype("int32");
  if (!Number.isInteger(numClasses) || numClasses <= 0)
    throw new Error(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  return apply(oneHotOp, [idx], { n: numClasses, dtype: opts?.dtype ?? "float64" });
}
