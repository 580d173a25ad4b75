// A tensor's memory, kept apart from the tensor (the view: shape, dtype, autodiff state).
// Several tensors may view one Storage (reshape, detach, a transform's copies of its
// arguments) and user code may hold its array (Tensor.data), so whether the array may go
// back to the buffer pool is decided here, once for every viewer.
import type { TypedArray } from "./dtype.js";

/**
 * A typed array and whether anything beyond one tensor may reference it.
 * @example const s = new Storage(new Float64Array(4)); s.shared // false
 */
export class Storage {
  /** Viewed by several tensors or handed out to user code: never recycled into the pool. */
  shared = false;

  constructor(readonly array: TypedArray) {}
}
