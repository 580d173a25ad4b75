// Metadata every loss carries: how differentiable it is and where not, whether it is convex,
// which smooth losses stand in for it, and the 1-D slice `analyze` examines to check all that
// numerically.
import type { Tensor } from "../tensor/tensor.js";
import type { Loose } from "../tensor/looseValue.js";

/** smooth: differentiable everywhere; piecewise-smooth: continuous with kinks; not-differentiable: jumps (or zero gradient almost everywhere). */
export type Differentiability = "smooth" | "piecewise-smooth" | "not-differentiable";

/** What we know about a loss, as data (shown by `analyze` and the kernel's inspection). */
export interface LossInfo {
  name: string;
  /** The formula per element, in plain text. */
  formula: string;
  differentiability: Differentiability;
  /** The variable the kink set and the 1-D slice are written in, e.g. "r = input − target". */
  variable: string;
  /** Points (in `variable`) where the first derivative jumps, for the given options (defaults when omitted). */
  kinks: (options?: Record<string, unknown>) => number[];
  /** Points where the value itself jumps. */
  jumps: (options?: Record<string, unknown>) => number[];
  /** Points where only the second derivative jumps (Huber's ±δ): the loss is still differentiable there. */
  curvatureJumps?: (options?: Record<string, unknown>) => number[];
  /** Convex in the input (the prediction), for a fixed target. */
  convex: boolean;
  /** Names of differentiable losses that approximate or replace this one. */
  surrogates: string[];
  /** Why you would (not) use it, one sentence. */
  note: string;
  /** Range of `variable` where the interesting behaviour is. */
  range: [number, number];
  /** The loss as a function of `variable` alone (the slice `analyze` samples), for scalar tensors. */
  curve: (z: Tensor, options?: Record<string, unknown>) => Tensor;
}

/**
 * A loss function with its metadata attached as `.info`.
 * @typeParam F the function's own signature, e.g. `(input, target, options?) => Tensor`
 */
export type LossFunction<F extends (...args: Loose[]) => Tensor> = F & { readonly info: LossInfo };

/**
 * Attach `info` to a loss function (and name the function after it).
 *
 * @example
 * const myL1 = withInfo((x, y) => loss.mae(x, y), { ...loss.mae.info, name: "myL1" });
 */
export function withInfo<F extends (...args: Loose[]) => Tensor>(fn: F, info: LossInfo): LossFunction<F> {
  Object.defineProperty(fn, "info", { value: Object.freeze(info), enumerable: true });
  Object.defineProperty(fn, "name", { value: info.name });
  return fn as LossFunction<F>;
}

/** No points (for losses without kinks or jumps). @example none() // [] */
export const none = (): number[] => [];
