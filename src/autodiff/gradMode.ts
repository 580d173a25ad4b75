// The autodiff engine's context: whether ops record, how deep we are inside functional
// transforms, what the reverse sweep is doing, and who observes ops. One object whose fields the
// hot paths read directly; they change only through its scoped methods, which restore them when
// the function returns or throws, so no caller can leave the engine in a changed state.
import type { Tensor } from "../tensor/tensor.js";
import type { OpDef } from "./opRegistry.js";

/** Observer of every op application (used by detectAnomaly-style tools and checkDifferentiable). */
export type OpTraceListener = (op: OpDef, inputs: readonly Tensor[], out: Tensor) => void;

/** The settings `AutodiffContext.scoped` may change for the length of a call. */
export interface AutodiffSettings {
  enabled: boolean;
  transformDepth: number;
  anomaly: number;
  temporaries: Tensor[] | null;
  backwardOf: string | null;
}

/**
 * The engine's context (read on every op).
 * @example gradState.scoped({ enabled: false }, () => w.mul(2)).requiresGrad // false
 */
export class AutodiffContext implements AutodiffSettings {
  /** Ops record a graph node when true and an input requires grad. */
  enabled = true;
  /** Number of functional transforms (grad/vjp/...) currently evaluating their function. */
  transformDepth = 0;
  /** detectAnomaly is active: every op output and every cotangent is checked for NaN/Inf. */
  anomaly = 0;
  /** Tensors created while backward runs without recording, so their buffers can be recycled. */
  temporaries: Tensor[] | null = null;
  /** Name of the op whose gradient rule is running (so anomalies inside it name that op). */
  backwardOf: string | null = null;
  /** Listeners notified after each op (empty in normal runs). */
  readonly tracers: OpTraceListener[] = [];

  /**
   * Run `fn` with some settings changed; all of them are restored afterwards.
   * @example gradState.scoped({ anomaly: gradState.anomaly + 1 }, fn)
   */
  scoped<T>(settings: Partial<AutodiffSettings>, fn: () => T): T {
    const { enabled, transformDepth, anomaly, temporaries, backwardOf } = this;
    Object.assign(this, settings);
    try {
      return fn();
    } finally {
      this.enabled = enabled;
      this.transformDepth = transformDepth;
      this.anomaly = anomaly;
      this.temporaries = temporaries;
      this.backwardOf = backwardOf;
    }
  }

  /**
   * Run `fn` with `listener` told of every op it applies.
   * @example gradState.observed((op) => names.push(op.name), () => x.mul(2))
   */
  observed<T>(listener: OpTraceListener, fn: () => T): T {
    this.tracers.push(listener);
    try {
      return fn();
    } finally {
      const i = this.tracers.indexOf(listener);
      if (i >= 0) this.tracers.splice(i, 1);
    }
  }
}

/** The process's autodiff context. @example gradState.enabled // false inside noGrad */
export const gradState = new AutodiffContext();

/**
 * Run `fn` without recording a graph (like torch.no_grad). Results do not require grad;
 * differentiating them later raises an error that says they came from noGrad.
 * @example const y = noGrad(() => w.mul(2)); // y.requiresGrad === false
 */
export function noGrad<T>(fn: () => T): T {
  return gradState.scoped({ enabled: false }, fn);
}

/**
 * Run `fn` with recording switched on (inside noGrad, for instance).
 * @example noGrad(() => enableGrad(() => x.mul(2))).requiresGrad // true when x requires grad
 */
export function enableGrad<T>(fn: () => T): T {
  return gradState.scoped({ enabled: true }, fn);
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
  return { value: gradState.observed(listener, fn), ops };
}
