// Reductions and argument handling shared by every loss: PyTorch's "mean" | "sum" | "none",
// targets given as tensors or plain arrays, and shape checks that name the loss.
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { mean, sum } from "../ops/reductionOps.js";
import { tensor } from "../tensor/creation.js";

/** How per-element losses are combined (PyTorch's `reduction`). */
export type Reduction = "mean" | "sum" | "none";

/** Options every loss takes. */
export interface ReductionOptions {
  reduction?: Reduction;
}

/** Combine per-element losses. @example reduce(tensor([1, 3]), "mean", "myLoss").item() // 2 */
export function reduce(x: Tensor, reduction: string | undefined, who: string): Tensor {
  switch (reduction ?? "mean") {
    case "mean":
      return mean(x);
    case "sum":
      return sum(x);
    case "none":
      return x;
    default:
      throw new Error(
        `loss.${who}: reduction must be "mean", "sum" or "none", got ${JSON.stringify(reduction)}`,
      );
  }
}

/** A tensor from a tensor, number or (nested) array. @example toTensor([1, 2], "mse", "target").shape // [2] */
export function toTensor(x: TensorLike | readonly number[], who: string, what: string): Tensor {
  if (x instanceof Tensor) return x;
  if (x === null || x === undefined) throw new Error(`loss.${who}: ${what} is missing`);
  return tensor(x as TensorLike);
}

/**
 * Check that input and target have the same shape. PyTorch broadcasts with only a warning,
 * which silently compares every prediction with every target for [n, 1] vs [n]; we refuse.
 *
 * @example
 * sameShape(tensor([[1], [2]]), tensor([1, 2]), "mse"); // throws, naming both shapes
 */
export function sameShape(input: Tensor, target: Tensor, who: string): void {
  if (target.ndim === 0) return;
  const a = input.shape,
    b = target.shape;
  if (a.length !== b.length || a.some((v, i) => v !== b[i])) {
    throw new Error(
      `loss.${who}: input shape [${a.join(", ")}] and target shape [${b.join(", ")}] differ; ` +
        "broadcasting them would compare every prediction with every target. Reshape one (e.g. y.reshape([-1, 1])).",
    );
  }
}

/** Read a numeric option with a default, checking its range. @example numberOption({ delta: 2 }, "delta", 1, "huber") // 2 */
export function numberOption(
  options: object | undefined,
  key: string,
  dflt: number,
  who: string,
  check?: (v: number) => boolean,
  requirement?: string,
): number {
  const v = (options as Record<string, unknown> | undefined)?.[key] ?? dflt;
  if (typeof v !== "number" || Number.isNaN(v) || (check && !check(v))) {
    throw new Error(
      `loss.${who}: option ${key} must be ${requirement ?? "a number"}, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}
