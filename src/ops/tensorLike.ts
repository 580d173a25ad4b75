// Turning user values (numbers, nested arrays, typed arrays) into tensors, and allocating
// op outputs from the buffer pool.
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { type DType, type TypedArray, dtypeOfArray, newArray } from "../tensor/dtype.js";
import { acquire } from "../backend/bufferPool.js";
import { ShapeError, fmtShape, SCALAR_SHAPE } from "../tensor/shape.js";

/**
 * A fresh output tensor with pooled (uninitialised) storage; the op fills every element.
 * @example const out = emptyTensor([2, 3], "float64");
 */
export function emptyTensor(shape: number[], dtype: DType): Tensor {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return new Tensor(shape, dtype, acquire(dtype, n));
}

/** A shape-[] tensor holding `v` (no storage until read). @example scalarTensor(2, "float64") */
export function scalarTensor(v: number, dtype: DType): Tensor {
  if (dtype === "float32") v = Math.fround(v);
  else if (dtype === "int32") v = v | 0;
  else if (dtype === "bool") v = v ? 1 : 0;
  return new Tensor(SCALAR_SHAPE, dtype, null, v);
}

/** The dtype a bare number takes when combined with a tensor of dtype `other`. @example numberDType(2, "int32") // "int32" */
export function numberDType(v: number, other: DType | null): DType {
  if (other === "float64" || other === "float32") return other;
  if (Number.isInteger(v) && other !== null) return "int32";
  return "float64";
}

function inferShape(data: unknown, op: string): number[] {
  const shape: number[] = [];
  let cur: unknown = data;
  while (Array.isArray(cur) || ArrayBuffer.isView(cur)) {
    const len = (cur as ArrayLike<unknown>).length;
    shape.push(len);
    if (len === 0) break;
    cur = (cur as ArrayLike<unknown>)[0];
  }
  if (
    !Array.isArray(cur) &&
    !ArrayBuffer.isView(cur) &&
    typeof cur !== "number" &&
    typeof cur !== "boolean" &&
    shape.length > 0 &&
    shape[shape.length - 1] !== 0
  ) {
    throw new TypeError(`${op}: expected numbers or booleans in nested arrays, found ${typeof cur}`);
  }
  return shape;
}

function flattenInto(
  data: unknown,
  shape: number[],
  dim: number,
  out: TypedArray,
  pos: { i: number },
  op: string,
): void {
  const arr = data as ArrayLike<unknown>;
  if (!Array.isArray(data) && !ArrayBuffer.isView(data)) {
    throw new ShapeError(
      `${op}: ragged nested array: expected a list of length ${shape[dim]} at depth ${dim}, found ${typeof data}`,
    );
  }
  if (arr.length !== shape[dim]) {
    throw new ShapeError(
      `${op}: ragged nested array: expected length ${shape[dim]} at depth ${dim}, found ${arr.length} (inferred shape ${fmtShape(shape)})`,
    );
  }
  if (dim === shape.length - 1) {
    for (let k = 0; k < arr.length; k++) {
      const v = arr[k];
      if (typeof v === "number") out[pos.i++] = v;
      else if (typeof v === "boolean") out[pos.i++] = v ? 1 : 0;
      else
        throw new ShapeError(
          `${op}: ragged nested array: expected numbers at depth ${dim}, found ${Array.isArray(v) ? "an array" : typeof v} (inferred shape ${fmtShape(shape)})`,
        );
    }
    return;
  }
  for (let k = 0; k < arr.length; k++) flattenInto(arr[k], shape, dim + 1, out, pos, op);
}

function hasBoolLeaf(data: unknown): boolean {
  let cur: unknown = data;
  while (Array.isArray(cur) && cur.length > 0) cur = cur[0];
  return typeof cur === "boolean";
}

/**
 * Build a tensor from user data, copying it (so later edits of `data` do not leak in).
 * @example fromData([[1, 2], [3, 4]], undefined, "tensor").shape // [2, 2]
 */
export function fromData(data: unknown, dtype: DType | undefined, op: string): Tensor {
  if (data instanceof Tensor) {
    if (dtype === undefined || dtype === data.dtype) return data.clone();
    return data.detach().astype(dtype);
  }
  if (typeof data === "number" || typeof data === "boolean") {
    const d = dtype ?? (typeof data === "boolean" ? "bool" : "float64");
    return scalarTensor(typeof data === "boolean" ? (data ? 1 : 0) : data, d);
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const src = data as unknown as ArrayLike<number>;
    const d = dtype ?? dtypeOfArray(src) ?? "float64";
    const out = newArray(d, src.length);
    for (let i = 0; i < src.length; i++) out[i] = src[i];
    return new Tensor([src.length], d, out);
  }
  if (!Array.isArray(data))
    throw new TypeError(
      `${op}: cannot make a tensor from ${data === null ? "null" : typeof data}; pass a number, nested arrays of numbers, or a typed array`,
    );
  const shape = inferShape(data, op);
  const d = dtype ?? (hasBoolLeaf(data) ? "bool" : "float64");
  let n = 1;
  for (const s of shape) n *= s;
  const out = newArray(d, n);
  if (n > 0) flattenInto(data, shape, 0, out, { i: 0 }, op);
  return new Tensor(shape, d, out);
}

/**
 * Accept a tensor or anything `tensor()` accepts; numbers adopt `like`'s dtype when it is float.
 * @example asTensor(2, x) // a scalar tensor of x's dtype
 */
export function asTensor(x: TensorLike, like: Tensor | null, op: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number") return scalarTensor(x, numberDType(x, like === null ? null : like.dtype));
  if (typeof x === "boolean") return scalarTensor(x ? 1 : 0, "bool");
  return fromData(x, undefined, op);
}
