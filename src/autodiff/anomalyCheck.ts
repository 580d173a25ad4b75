// detectAnomaly: with it active, every op output (forward) and every cotangent an op's
// gradient rule produces (backward) is scanned for NaN/Inf, and the first one names its op.
import type { Tensor } from "../tensor/tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { gradState } from "./gradMode.js";
import { RELEASED } from "../tensor/tensorFlags.js";

/**
 * The first NaN/Inf found while detectAnomaly is active.
 * @example try { detectAnomaly(() => log(tensor([-1]))) } catch (e) { (e as AnomalyError).op } // "log"
 */
export class AnomalyError extends Error {
  constructor(
    readonly op: string,
    readonly phase: "forward" | "backward",
    tensor: Tensor,
    readonly index: number,
    inputs?: readonly Tensor[],
    innerOp?: string,
  ) {
    const v = tensor._buf()[index];
    const where =
      phase === "forward"
        ? `the output of ${op}`
        : `the gradient computed by ${op}'s backward rule${innerOp ? ` (in its ${innerOp})` : ""}`;
    let detail = "";
    if (phase === "forward" && inputs !== undefined && inputs.length > 0) {
      detail = "; input shapes " + inputs.map((t) => fmtShape(t.shape)).join(", ");
    }
    super(
      `detectAnomaly: ${Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity"} first appeared in ${where} (${phase} pass), flat index ${index} of shape ${fmtShape(tensor.shape)}${detail}`,
    );
    this.name = "AnomalyError";
  }
}

/** Flat index of the first NaN/Inf, or -1 (ints and bools are always finite). @example firstNonFinite(tensor([1, NaN])) // 1 */
export function firstNonFinite(t: Tensor): number {
  if (t.dtype === "int32" || t.dtype === "bool") return -1;
  if (t._data === null && t._lazy === null && (t._flags & RELEASED) === 0)
    return Number.isFinite(t._s) ? -1 : 0;
  const d = t._buf();
  for (let i = 0; i < d.length; i++) if (d[i] - d[i] !== 0) return i;
  return -1;
}

/**
 * Run `fn` with NaN/Inf detection in every op's forward and backward; throws AnomalyError
 * naming the first op that produced one. Returns fn's result otherwise.
 * @example detectAnomaly(() => { const y = sqrt(x).sum(); y.backward(); return y; })
 */
export function detectAnomaly<T>(fn: () => T): T {
  return gradState.scoped({ anomaly: gradState.anomaly + 1 }, fn);
}
