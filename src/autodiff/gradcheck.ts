// Checks a gradient computed by autodiff against finite differences of the function itself.
//
// The derivative is the limit of a difference quotient,
//     f'(a) = lim_{h -> 0} (f(a + h) - f(a)) / h
// (some texts, like the classroom answer this project grew from, misprint the denominator as
// f(h); it is h). gradcheck evaluates the symmetric form of that quotient at a small fixed h,
//     (f(a + h) - f(a - h)) / 2h,
// whose error shrinks like h^2 instead of h, for every element of every input, and compares it
// with the gradient the reverse-mode tape produced. Agreement is evidence the gradient rule of
// every op f used is right; disagreement points at the input element where it is most wrong.
import { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/creation.js";
import { grad } from "./transforms.js";
import { noGrad } from "./gradMode.js";
import { type PyTree, treeFlatten, treeUnflatten } from "./pytree.js";
import { unravelIndex as unravel } from "../tensor/shape.js";
import type { Loose } from "../tensor/looseValue.js";

/** Tolerances for {@link gradcheck}; an element passes when |analytic - numeric| <= atol + rtol*|numeric|. */
export interface GradcheckOptions {
  /** Finite-difference step h. Default 1e-6 for float64 inputs, 1e-3 for float32. */
  eps?: number;
  /** Absolute tolerance. Default 1e-5 for float64, 1e-2 for float32. */
  atol?: number;
  /** Relative tolerance. Default 1e-3 for float64, 1e-2 for float32. */
  rtol?: number;
}

/**
 * Where the worst disagreement was: which input tensor, which element (flat and as a
 * multi-index). `path` is the location; `argument` and `leaf` are the same tensor as numbers.
 */
export interface GradcheckWorst {
  /** The tensor as a path into the arguments, e.g. "inputs[1]" or "inputs[0].w1". */
  path: string;
  /** Which argument holds it: the k of "inputs[k]" in `path`. */
  argument: number;
  /** Its position among all input tensors (the leaves of `inputs`, depth-first): the index into `analytic` and `numeric`. */
  leaf: number;
  /** Row-major flat index into that tensor. */
  flat: number;
  /** The same element as a multi-index, e.g. [1, 2] for row 1, column 2. */
  index: number[];
  /** The gradient autodiff computed there. */
  analytic: number;
  /** The central-difference estimate there. */
  numeric: number;
}

/** What {@link gradcheck} found. */
export interface GradcheckResult {
  /** True when every element of every input is within tolerance. */
  ok: boolean;
  /** Largest |analytic - numeric| over all elements. */
  maxAbsError: number;
  /** Largest |analytic - numeric| / max(|analytic|, |numeric|) over all elements (0 when both are 0). */
  maxRelError: number;
  /** The element that violates the tolerance most (or comes closest to it); null when the inputs hold no elements. */
  worstIndex: GradcheckWorst | null;
  /** f at the unperturbed inputs. */
  value: number;
  /** Autodiff gradients, one per input tensor (leaf order), shaped like them, float64. */
  analytic: Tensor[];
  /** Central-difference gradients, one per input tensor (leaf order), shaped like them. */
  numeric: Tensor[];
  /** How many times f was evaluated (2 per input element, plus the plain value and the autodiff pass). */
  evaluations: number;
  /** The verdict in one sentence, naming the worst element when the check fails. */
  summary: string;
}

const FLOAT_DTYPES = new Set(["float64", "float32"]);

/**
 * Compare autodiff gradients of a scalar function with central finite differences
 * `(f(x+h) - f(x-h)) / 2h`, element by element, for every input.
 *
 * `inputs` is a tensor (f gets it as its only argument) or an array of arguments (f gets them
 * spread, in order); an argument may also be a pytree such as a parameter object
 * `{w1, b1, w2, b2}`. `f` must return a scalar tensor (shape `[]` or one element). Use float64
 * inputs: in float32 the rounding error of the difference quotient, about 1e-7 * |f| / h,
 * swamps small gradients.
 *
 * Why central differences: the derivative is lim (f(a+h) - f(a)) / h, and at a fixed h that
 * one-sided quotient is off by about h * f''(a) / 2; the symmetric quotient cancels that term
 * and is off by about h^2 * f'''(a) / 6 instead.
 *
 * @example
 * const x = tensor([0.5, -1.2, 2.0]);
 * const w = tensor([[1, 2, 3]]);
 * const r = gradcheck((x, w) => tanh(w.mul(x)).sum(), [x, w]);
 * r.ok;           // true
 * r.maxAbsError;  // ~1e-10: the tape agrees with the limit definition of the derivative
 *
 * @example
 * // A parameter object, and a wrong gradient caught and located:
 * gradcheck((p) => p.w.mul(stopGradient(p.w)).sum().add(p.b.sum()), [{ w: tensor([1, 2]), b: tensor([3]) }]).worstIndex;
 * // { path: "inputs[0].w", argument: 0, leaf: 0, flat: 1, index: [1], analytic: 2, numeric: 4 }
 */
export function gradcheck(
  f: (...inputs: Loose[]) => Tensor,
  inputs: PyTree | PyTree[],
  options: GradcheckOptions = {},
): GradcheckResult {
  if (typeof f !== "function") throw new TypeError(`gradcheck: f must be a function, got ${describe(f)}`);
  const args: unknown[] = Array.isArray(inputs) ? inputs : [inputs];
  if (args.length === 0) throw new Error("gradcheck: inputs is an empty array; pass at least one tensor");
  const [leaves, def] = treeFlatten<unknown>(args);
  const paths = leafPaths(args);
  const argumentOf = paths.map((p) => Number(/^inputs\[(\d+)\]/.exec(p)![1]));
  leaves.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw new TypeError(`gradcheck: ${paths[i]} must be a Tensor, got ${describe(t)}`);
    if (!FLOAT_DTYPES.has(t.dtype)) {
      throw new TypeError(
        `gradcheck: ${paths[i]} has dtype ${t.dtype}; only float64/float32 inputs can be differentiated`,
      );
    }
  });
  if (leaves.length === 0) throw new Error("gradcheck: inputs hold no tensors");
  const tensors = leaves as Tensor[];
  const allDouble = tensors.every((t) => t.dtype === "float64");
  const eps = options.eps ?? (allDouble ? 1e-6 : 1e-3);
  const atol = options.atol ?? (allDouble ? 1e-5 : 1e-2);
  const rtol = options.rtol ?? (allDouble ? 1e-3 : 1e-2);
  for (const [name, v] of [
    ["eps", eps],
    ["atol", atol],
    ["rtol", rtol],
  ] as const) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (name === "eps" && v === 0)) {
      throw new RangeError(
        `gradcheck: ${name} must be a finite ${name === "eps" ? "positive" : "non-negative"} number, got ${v}`,
      );
    }
  }

  // Work on private copies so f cannot see (or keep) the perturbed values in the caller's tensors.
  const base = tensors.map((t) => t.detach().clone());
  const call = (ls: Tensor[]): unknown[] => treeUnflatten<Tensor>(def, ls) as unknown[];
  const value = evaluate(f, call(base), "at the inputs");
  const analytic = analyticGradients(f, call(base), base, paths);

  const numeric: Tensor[] = [];
  let maxAbsError = 0;
  let maxRelError = 0;
  let worst: GradcheckWorst | null = null;
  let worstRatio = -1;
  let ok = true;
  let evaluations = 2; // the plain value and the autodiff pass
  for (let i = 0; i < base.length; i++) {
    const perturbed = base.map((t) => t.clone());
    const perturbedArgs = call(perturbed);
    const x = perturbed[i];
    const data = x.data as Float64Array | Float32Array;
    const num = new Float64Array(x.size);
    const an = analytic[i].data;
    for (let j = 0; j < x.size; j++) {
      const original = data[j];
      data[j] = original + eps;
      const plusStep = data[j] - original; // the step actually taken after rounding to the dtype
      const fPlus = evaluate(f, perturbedArgs, `with ${paths[i]} element ${j} + eps`);
      data[j] = original - eps;
      const minusStep = original - data[j];
      const fMinus = evaluate(f, perturbedArgs, `with ${paths[i]} element ${j} - eps`);
      data[j] = original;
      evaluations += 2;
      const g = (fPlus - fMinus) / (plusStep + minusStep);
      num[j] = g;
      const a = Number(an[j]);
      const absErr = Math.abs(a - g);
      const scale = Math.max(Math.abs(a), Math.abs(g));
      const relErr = scale === 0 ? absErr : absErr / scale;
      const bound = atol + rtol * Math.abs(g);
      // NaN compares false everywhere, so it is caught explicitly and always ranks worst.
      const ratio = Number.isNaN(absErr)
        ? Infinity
        : bound === 0
          ? absErr === 0
            ? 0
            : Infinity
          : absErr / bound;
      if (!(absErr <= bound)) ok = false;
      // Math.max propagates NaN, so one NaN gradient makes the maxima NaN, as it should.
      maxAbsError = Math.max(maxAbsError, absErr);
      maxRelError = Math.max(maxRelError, relErr);
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = {
          path: paths[i],
          argument: argumentOf[i],
          leaf: i,
          flat: j,
          index: unravel(j, x.shape),
          analytic: a,
          numeric: g,
        };
      }
    }
    numeric.push(tensor(num).reshape(x.shape));
  }
  const elements = base.reduce((n, t) => n + t.size, 0);
  const summary = ok
    ? `gradcheck passed: autodiff matches the central differences (f(x+h) - f(x-h))/2h, h = ${eps}, at all ${elements} elements ` +
      `of ${base.length} input tensor${base.length === 1 ? "" : "s"} (max abs error ${maxAbsError.toExponential(2)}, tolerance ${atol} + ${rtol}*|numeric|).`
    : `gradcheck failed at ${worst!.path}[${worst!.index.join(", ")}]: autodiff says ${worst!.analytic}, central differences say ${worst!.numeric} ` +
      `(max abs error ${maxAbsError}, max rel error ${maxRelError}).`;
  return { ok, maxAbsError, maxRelError, worstIndex: worst, value, analytic, numeric, evaluations, summary };
}

/** "inputs[0]", "inputs[1].w1", "inputs[2][0]": where each leaf sits, in treeFlatten's order. */
function leafPaths(args: unknown[]): string[] {
  const paths: string[] = [];
  const walk = (t: unknown, path: string): void => {
    if (Array.isArray(t)) {
      t.forEach((c, i) => walk(c, `${path}[${i}]`));
    } else if (isPlainObject(t)) {
      for (const k of Object.keys(t))
        walk(t[k], /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`);
    } else {
      paths.push(path);
    }
  };
  args.forEach((a, i) => walk(a, `inputs[${i}]`));
  return paths;
}

/** The same test treeFlatten uses to descend into an object. */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object" || x instanceof Tensor) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** The autodiff gradient of f with respect to every input tensor, as float64 tensors shaped like them. */
function analyticGradients(
  f: (...inputs: Loose[]) => Tensor,
  args: unknown[],
  leaves: Tensor[],
  paths: string[],
): Tensor[] {
  const argnums = args.map((_, i) => i);
  let grads: unknown;
  try {
    grads = grad((...a: unknown[]) => f(...a), { argnums })(...args);
  } catch (err) {
    throw new Error(`gradcheck: autodiff of f failed: ${(err as Error).message}`, { cause: err });
  }
  const [gradLeaves] = treeFlatten<unknown>(Array.isArray(grads) ? grads : [grads]);
  if (gradLeaves.length !== leaves.length) {
    throw new Error(
      `gradcheck: autodiff returned ${gradLeaves.length} gradient tensors for ${leaves.length} input tensors`,
    );
  }
  return leaves.map((x, i) => {
    const g = gradLeaves[i];
    if (!(g instanceof Tensor)) return tensor(new Float64Array(x.size)).reshape(x.shape);
    if (g.size !== x.size)
      throw new Error(
        `gradcheck: the gradient of ${paths[i]} has shape [${g.shape}] but the input has [${x.shape}]`,
      );
    return g.astype("float64").reshape(x.shape);
  });
}

/** f at the given inputs as a number, without recording a graph; rejects non-scalar outputs. */
function evaluate(f: (...inputs: Loose[]) => Tensor, inputs: unknown[], where: string): number {
  const out = noGrad(() => f(...inputs)) as unknown;
  if (typeof out === "number") return out;
  if (!(out instanceof Tensor))
    throw new TypeError(`gradcheck: f must return a Tensor, got ${describe(out)} ${where}`);
  if (out.size !== 1) {
    throw new Error(
      `gradcheck: f must return a scalar (shape []), got shape [${out.shape.join(", ")}] ${where}; ` +
        "reduce it first, e.g. (x) => f(x).sum(), or multiply by a fixed random tensor and sum to check a vector-Jacobian product",
    );
  }
  return out.item();
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `a ${(v as object).constructor?.name ?? "object"}`;
  return `${typeof v} ${String(v).slice(0, 40)}`;
}
