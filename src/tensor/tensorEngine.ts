// What a Tensor asks of the layers built on it. The tensor core cannot import autodiff or
// the ops (they import the tensor), so the few Tensor methods that need them call through
// this interface; src/engine.ts installs the implementation once, for the library entry
// and for any module that uses tensors on its own.
import type { DType, TypedArray } from "./dtype.js";
import type { BackwardOptions, Tensor } from "./tensor.js";

/** The services Tensor methods delegate to (implemented by autodiff and the ops). */
export interface TensorEngine {
  /** Tensor.backward: the reverse sweep from `root`. */
  backward(root: Tensor, cotangent: Tensor | undefined, opts: BackwardOptions): void;
  /** Tensor.assign: overwrite `t`'s values in place. */
  assign(t: Tensor, value: Tensor | ArrayLike<number> | number): void;
  /** Tensor.astype: convert to another dtype (recorded by autodiff). */
  astype(t: Tensor, dtype: DType): Tensor;
  /** Compute a deferred elementwise result into its storage. */
  materialise(t: Tensor): void;
  /** Compute every pending deferred result reading `buf`, before the caller may write into it. */
  beforeWrite(buf: TypedArray): void;
}

function notInstalled(): never {
  throw new Error(
    "gradlab's engine is not installed: import from gradlab's entry (src/index.ts), or call installEngine() from src/engine.ts, before using tensors",
  );
}

const missingEngine: TensorEngine = {
  backward: notInstalled,
  assign: notInstalled,
  astype: notInstalled,
  materialise: notInstalled,
  beforeWrite: notInstalled,
};

/** The installed engine (a live binding: replaced by installTensorEngine). @example tensorEngine.backward(y, undefined, {}) */
export let tensorEngine: TensorEngine = missingEngine;

/** Install the engine Tensor methods delegate to (done by src/engine.ts). @example installTensorEngine(engine) */
export function installTensorEngine(engine: TensorEngine): void {
  tensorEngine = engine;
}
