// Global switches of the autodiff engine: whether ops record, how deep we are inside
// functional transforms, and the anomaly/trace hooks. Kept in one object so the hot
// path reads a single property.
import type { Tensor } from "../tensor/tensor.js";
import type { OpDef } from "./opRegistry.js";

/** Observer of every op application (used by detectAnomaly-style tools and checkDifferentiable). */
export type OpTraceListener = (op: OpDef, inputs: readonly Tensor[], out: Tensor) => void;

/** The engine's global switches (read on every op). @example gradState.enabled // false inside noGrad */
export const gradState = {
  /** Ops record a graph node when true and an input requires grad. */
  enabled: true,
  /** Number of functional transforms (grad/vjp/...) currently evaluating their function. */
  transformDepth: 0,
  /** detectAnomaly is active: every op output and every cotangent is checked for NaN/Inf. */
  anomaly: 0,
  /** Listeners notified after each op (empty in normal runs). */
  tracers: [] as OpTraceListener[],
  /** Tensors created while backward runs without recording, so their buffers can be recycled. */
  temporaries: null as Tensor[] | null,
  /** Name of the op whose gradient rule is running (so anomalies inside it name that op). */
  backwardOf: null as string | null,
};

/**
 * Run `fn` without recording a graph (like torch.no_grad). Results do not require grad;
 * differentiating them later raises an error that says they came from noGrad.
 * @example const y = noGrad(() => w.mul(2)); // y.requiresGrad === false
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradState.enabled;
  gradState.enabled = false;
  try {
    return fn();
  } finally {
    gradState.enabled = prev;
  }
}

/**
 * Run `fn` with recording switched on (inside noGrad, for instance).
 * @example noGrad(() => enableGrad(() => x.mul(2))).requiresGrad // true when x requires grad
 */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradState.enabled;
  gradState.enabled = true;
  try {
    return fn();
  } finally {
    gradState.enabled = prev;
  }
}

/**
 * Whether ops currently record a graph.
 * @example isGradEnabled() // true outside noGrad
 */
export function isGradEnabled(): boolean {
  return gradState.enabled;
}

/**
 * Call `fn` and report every op it applies (name, whether it is differentiable).
 * @example traceOps(() => sign(x).sum()).ops // [{name: "sign", differentiable: false}, {name: "sum", ...}]
 */
export function traceOps<T>(fn: () => T): {
  value: T;
  ops: { name: string; differentiable: boolean; inputsRequireGrad: boolean }[];
} {
  const ops: { name: string; differentiable: boolean; inputsRequireGrad: boolean }[] = [];
  const listener: OpTraceListener = (op, inputs) => {
    ops.push({
      name: op.name,
      differentiable: op.differentiable,
      inputsRequireGrad: inputs.some((t) => t.requiresGrad),
    });
  };
  gradState.tracers.push(listener);
  try {
    return { value: fn(), ops };
  } finally {
    const i = gradState.tracers.indexOf(listener);
    if (i >= 0) gradState.tracers.splice(i, 1);
  }
}
