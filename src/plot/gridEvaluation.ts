// Functions of one or two variables are evaluated on every point at once: the points go
// in as one tensor per variable, the function runs once (its ops broadcast elementwise),
// and one backward pass of the sum gives every point's gradient, because each output
// element depends only on its own inputs.
// The figure functions install the engine (tensor methods, backward(), the compute backends)
// so they also work when their module is imported on its own.
import { installEngine } from "../engine.js";
import { tensor } from "../tensor/creation.js";
import { Tensor } from "../tensor/tensor.js";

/** A scalar field of two variables, applied elementwise to tensors of points. */
export type Function2D = (x: Tensor, y: Tensor) => Tensor;
/** A scalar function of one variable, applied elementwise to a tensor of points. */
export type Function1D = (x: Tensor) => Tensor;

export interface PointValues {
  values: Float64Array;
  /** ∂f/∂x at each point (zeros when f does not depend on x). */
  gradX: Float64Array;
  /** ∂f/∂y at each point (empty for a function of one variable). */
  gradY: Float64Array;
}

function toFloat64(data: ArrayLike<number>): Float64Array {
  return data instanceof Float64Array ? data.slice() : Float64Array.from(data);
}

function checkOutput(where: string, out: unknown, n: number, signature: string): Tensor {
  if (!(out instanceof Tensor)) {
    const got =
      out === null
        ? "null"
        : typeof out === "object"
          ? ((out as object).constructor?.name ?? "object")
          : typeof out;
    throw new TypeError(
      `${where}: ${signature} must return a Tensor (built from its arguments with tensor ops), got ${got}`,
    );
  }
  if (out.size !== n) {
    throw new Error(
      `${where}: ${signature} must be elementwise: called with 1-D tensors of shape [${n}] (one entry a point), ` +
        `it returned shape [${out.shape.join(", ")}]; avoid reductions over the points (e.g. a sum without an axis)`,
    );
  }
  return out;
}

function gradientOf(t: Tensor, n: number): Float64Array {
  return t.grad === null ? new Float64Array(n) : toFloat64(t.grad.data);
}

/**
 * Evaluates f(x, y) at every (xs[i], ys[i]) in one call and returns values and both partial
 * derivatives from one backward pass.
 * @example
 * const { values, gradX, gradY } = evaluate2D("demo", (x, y) => x.mul(x).add(y), Float64Array.of(1, 2), Float64Array.of(0, 5));
 * // values [1, 9], gradX [2, 4], gradY [1, 1]
 */
export function evaluate2D(
  where: string,
  f: Function2D,
  xs: Float64Array,
  ys: Float64Array,
  wantGrad = true,
): PointValues {
  installEngine();
  if (typeof f !== "function")
    throw new TypeError(`${where}: expected f(x: Tensor, y: Tensor) => Tensor, got ${typeof f}`);
  const n = xs.length;
  const X = tensor(xs, { dtype: "float64", requiresGrad: wantGrad });
  const Y = tensor(ys, { dtype: "float64", requiresGrad: wantGrad });
  const out = checkOutput(where, f(X, Y), n, "f(x, y)");
  const values = toFloat64(out.data);
  if (wantGrad && out.requiresGrad) out.sum().backward();
  return {
    values,
    gradX: wantGrad ? gradientOf(X, n) : new Float64Array(0),
    gradY: wantGrad ? gradientOf(Y, n) : new Float64Array(0),
  };
}

/**
 * Evaluates f(x) at every xs[i] in one call and returns values and f'(x) from one backward pass.
 * @example
 * const { values, gradX } = evaluate1D("demo", (x) => x.relu(), Float64Array.of(-1, 2)); // values [0, 2], gradX [0, 1]
 */
export function evaluate1D(where: string, f: Function1D, xs: Float64Array, wantGrad = true): PointValues {
  installEngine();
  if (typeof f !== "function")
    throw new TypeError(`${where}: expected f(x: Tensor) => Tensor, got ${typeof f}`);
  const n = xs.length;
  const X = tensor(xs, { dtype: "float64", requiresGrad: wantGrad });
  const out = checkOutput(where, f(X), n, "f(x)");
  const values = toFloat64(out.data);
  if (wantGrad && out.requiresGrad) out.sum().backward();
  return { values, gradX: wantGrad ? gradientOf(X, n) : new Float64Array(0), gradY: new Float64Array(0) };
}
