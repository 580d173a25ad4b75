// Fresh pages cost far more than the arithmetic of most ops, so buffers of intermediate tensors are recycled. The rule that keeps this safe:
// a buffer goes back to the pool only when the engine knows no tensor can still read it —
// cotangent temporaries at the end of backward, and the intermediates of a graph released
// by a functional transform (grad/valueAndGrad), whose tensors are then marked released.
import { type DType, type TypedArray, newArray } from "../tensor/dtype.js";

/** Buffers shorter than this are cheap to allocate (V8 keeps them on the heap); not pooled. @example acquire("float64", POOL_MIN_LENGTH - 1) // never pooled */
export const POOL_MIN_LENGTH = 64;

const BYTES: Record<DType, number> = { float64: 8, float32: 4, int32: 4, bool: 1 };
const free = new Map<string, TypedArray[]>();
let pooledBytes = 0;
let maxPooledBytes = 1024 * 1024 * 1024;
let hits = 0;
let misses = 0;

function key(dtype: DType, n: number): string {
  return dtype + ":" + n;
}

/**
 * A buffer of `n` elements: recycled if one is pooled (contents are stale; callers overwrite
 * every element or pass `zero`), else freshly allocated.
 * @example const buf = acquire("float64", 1024, true);
 */
export function acquire(dtype: DType, n: number, zero = false): TypedArray {
  if (n >= POOL_MIN_LENGTH) {
    const list = free.get(key(dtype, n));
    if (list !== undefined && list.length > 0) {
      const buf = list.pop()!;
      pooledBytes -= n * BYTES[dtype];
      hits++;
      if (zero) buf.fill(0);
      return buf;
    }
    misses++;
  }
  return newArray(dtype, n);
}

/** Node's uninitialised allocation (absent in browsers; Deno has it only through node:buffer). */
const allocUnsafeSlow: ((bytes: number) => Uint8Array) | undefined = (
  globalThis as { Buffer?: { allocUnsafeSlow?: (bytes: number) => Uint8Array } }
).Buffer?.allocUnsafeSlow;

/**
 * A buffer of `n` elements that the caller overwrites completely (a fused loop's output): like
 * acquire, but a fresh one skips the zero fill where the platform allows (Node). Zeroing is a
 * memset of the whole array, 0.2 ms per 4 MB here, about a tenth of a fused gradient step over
 * 1e6 float32 elements, whose two results are new arrays every step.
 * @example const out = acquireForOverwrite("float32", 1 << 20); out.fill(1);
 */
export function acquireForOverwrite(dtype: DType, n: number): TypedArray {
  if (n < POOL_MIN_LENGTH || allocUnsafeSlow === undefined || (dtype !== "float32" && dtype !== "float64"))
    return acquire(dtype, n);
  const list = free.get(key(dtype, n));
  if (list !== undefined && list.length > 0) return acquire(dtype, n);
  misses++;
  const bytes = allocUnsafeSlow(n * BYTES[dtype]);
  return dtype === "float32"
    ? new Float32Array(bytes.buffer, bytes.byteOffset, n)
    : new Float64Array(bytes.buffer, bytes.byteOffset, n);
}

/**
 * Give a buffer back. Only the engine calls this, for buffers no live tensor reads.
 * @example release(acquire("float32", 4096));
 */
export function release(buf: TypedArray): void {
  const n = buf.length;
  if (n < POOL_MIN_LENGTH) return;
  const dtype: DType =
    buf instanceof Float64Array
      ? "float64"
      : buf instanceof Float32Array
        ? "float32"
        : buf instanceof Int32Array
          ? "int32"
          : "bool";
  const bytes = n * BYTES[dtype];
  if (pooledBytes + bytes > maxPooledBytes) return;
  const k = key(dtype, n);
  let list = free.get(k);
  if (list === undefined) {
    list = [];
    free.set(k, list);
  }
  list.push(buf);
  pooledBytes += bytes;
}

/**
 * Pool statistics (bytes held, hit/miss counts since start).
 * @example poolStats().pooledBytes
 */
export function poolStats(): { pooledBytes: number; hits: number; misses: number; maxPooledBytes: number } {
  return { pooledBytes, hits, misses, maxPooledBytes };
}

/**
 * Drop every pooled buffer (lets the GC return the memory) and optionally change the cap.
 * @example clearPool(); // or clearPool(64 * 1024 * 1024)
 */
export function clearPool(maxBytes?: number): void {
  free.clear();
  pooledBytes = 0;
  if (maxBytes !== undefined) maxPooledBytes = maxBytes;
}
