// Element types and the promotion rule shared by every op.

/** The element type of a tensor. `float64` is the default (exact enough for finite differences). */
export type DType = "float64" | "float32" | "int32" | "bool";

/** The typed array behind a tensor of each dtype (bool is stored as 0/1 bytes). */
export type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/**
 * Allocate a zero-filled typed array for a dtype (bypasses the pool).
 * @example newArray("float32", 4) // Float32Array [0, 0, 0, 0]
 */
export function newArray(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case "float64":
      return new Float64Array(n);
    case "float32":
      return new Float32Array(n);
    case "int32":
      return new Int32Array(n);
    case "bool":
      return new Uint8Array(n);
  }
}

/** True for float32/float64. @example isFloat("int32") // false */
export function isFloat(dtype: DType): boolean {
  return dtype === "float64" || dtype === "float32";
}

/**
 * The dtype two operands combine to (NumPy-like: bool < int32 < float32 < float64).
 * @example promote("int32", "float32") // "float32"
 */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The float dtype an op on `d` computes in: floats keep theirs, ints and bools become float64. @example floatOf("int32") // "float64" */
export function floatOf(d: DType): DType {
  return d === "float32" ? "float32" : "float64";
}

/** The dtype of a typed array. @example dtypeOfArray(new Float32Array(2)) // "float32" */
export function dtypeOfArray(a: ArrayLike<number>): DType | null {
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint8Array) return "bool";
  return null;
}

/** Validate a user-supplied dtype string, naming the bad value. @example checkDType("float32") */
export function checkDType(d: unknown, where: string): DType {
  if (d === "float64" || d === "float32" || d === "int32" || d === "bool") return d;
  throw new TypeError(
    `${where}: unknown dtype ${JSON.stringify(d)}; expected "float64", "float32", "int32" or "bool"`,
  );
}
