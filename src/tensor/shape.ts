// Shape arithmetic: broadcasting, strides, axis normalisation, and the ShapeError they raise.

/**
 * A shape mismatch, naming the op and the shapes involved.
 * @example try { add(ones([2, 3]), ones([4])) } catch (e) { e instanceof ShapeError } // true
 */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShapeError";
  }
}

/**
 * The shape of every scalar the engine creates, shared to save an allocation per scalar op.
 * Shapes are never mutated in place.
 * @example scalar(1).shape === SCALAR_SHAPE // true
 */
export const SCALAR_SHAPE: number[] = [];

/** Format a shape like NumPy: [2, 3]. @example fmtShape([2, 3]) // "[2, 3]" */
export function fmtShape(s: readonly number[]): string {
  return "[" + s.join(", ") + "]";
}

/** Product of the dims. @example sizeOf([2, 3]) // 6 */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides. @example stridesOf([2, 3]) // [3, 1] */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** Equal shapes. @example sameShape([2], [2]) // true */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * NumPy broadcast of two shapes; throws a ShapeError naming `op` and both shapes.
 * @example broadcastShapes([2, 1], [3], "add") // [2, 3]
 */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  if (sameShape(a, b)) return a.slice();
  const nd = Math.max(a.length, b.length);
  const out = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const da = i < nd - a.length ? 1 : a[i - (nd - a.length)];
    const db = i < nd - b.length ? 1 : b[i - (nd - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new ShapeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together (axis ${i - nd}: ${da} vs ${db})`,
      );
  }
  return out;
}

/**
 * Strides that read an array of `shape` as if it had `outShape` (0 on broadcast axes).
 * @example broadcastStrides([3], [2, 3]) // [0, 1]
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const nd = outShape.length;
  const off = nd - shape.length;
  const st = new Array<number>(nd).fill(0);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d + off] = shape[d] === 1 ? 0 : acc;
    acc *= shape[d];
  }
  return st;
}

/**
 * Normalise an axis (negative counts from the end), naming the op on error.
 * @example normAxis(-1, 3, "sum") // 2
 */
export function normAxis(axis: number, ndim: number, op: string): number {
  if (!Number.isInteger(axis)) throw new ShapeError(`${op}: axis must be an integer, got ${axis}`);
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim)
    throw new ShapeError(
      `${op}: axis ${axis} is out of range for a tensor with ${ndim} dimension${ndim === 1 ? "" : "s"}`,
    );
  return a;
}

/**
 * Sorted, de-duplicated axes; undefined means all axes.
 * @example normAxes([-1, 0], 3, "sum") // [0, 2]
 */
export function normAxes(
  axis: number | readonly number[] | undefined | null,
  ndim: number,
  op: string,
): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  const out = [...new Set(list.map((a) => normAxis(a, ndim, op)))];
  if (out.length !== list.length) throw new ShapeError(`${op}: repeated axis in ${JSON.stringify(list)}`);
  return out.sort((x, y) => x - y);
}

/** Check every dim is a non-negative integer. @example checkShape([2, 3], "zeros") */
export function checkShape(shape: readonly number[], op: string): number[] {
  if (!Array.isArray(shape))
    throw new ShapeError(`${op}: shape must be an array of non-negative integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0)
      throw new ShapeError(`${op}: shape must be an array of non-negative integers, got ${fmtShape(shape)}`);
  }
  return shape.slice();
}

/**
 * The multi-index of a row-major flat index in `shape`.
 * @example unravelIndex(5, [2, 3]) // [1, 2]
 */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}
