// Is f differentiable at x? Answered the way the definition asks it: a derivative is the limit
//     f'(a) = lim_{h -> 0} (f(a + h) - f(a)) / h
// (the denominator is h; the classroom answer this project grew from misprints it as f(h)).
// The limit exists only when h -> 0 from the right and from the left give the same number, so
// we measure the two one-sided quotients on a ladder of shrinking h and watch how they behave:
//   - both settle on the same value                      -> smooth (differentiable) at a;
//   - each settles, on different values (|x|, relu at 0) -> kink: continuous, not differentiable,
//     and every slope between the two bounds the function locally (the subgradient interval);
//   - f(a + h) - f(a) does not shrink with h (step, sign, round) -> jump: not even continuous,
//     the quotient blows up like 1/h and autodiff's zero gradient says nothing about the jump.
import { enableGrad, gradState, noGrad } from "./gradMode.js";
import { Tensor } from "../tensor/tensor.js";
import { scalar, tensor } from "../tensor/creation.js";
import { eq } from "../ops/binaryOps.js";
import { grad } from "./transforms.js";
import { unravelIndex as unravel } from "../tensor/shape.js";

/** Options of {@link checkDifferentiable}. */
export interface CheckDifferentiableOptions {
  /** Largest step of the ladder; the ladder goes down to h * 1e-5. Default 1e-3 * max(1, |x|). */
  h?: number;
  /** Relative gap between the one-sided derivatives that counts as a kink. Default 1e-6. */
  tol?: number;
}

/** The kind of point: differentiable, continuous with a corner, or discontinuous. */
export type PointKind = "smooth" | "kink" | "jump";

/** What {@link checkDifferentiable} found at one scalar coordinate. */
export interface PointReport {
  kind: PointKind;
  /**
   * Left derivative lim_{h->0+} (f(a) - f(a-h)) / h, given as the shortest decimal within its
   * estimated error (so 6, not 5.99999999997); ±Infinity on a side where f jumps or has a
   * vertical tangent, NaN where f is undefined.
   */
  left: number;
  /** Right derivative lim_{h->0+} (f(a+h) - f(a)) / h; same conventions as `left`. */
  right: number;
  /**
   * The generalized gradient interval [min(left, right), max(left, right)]: for a convex kink
   * it is the subdifferential (|x| at 0 -> [-1, 1]); for a smooth point it is [f'(a), f'(a)];
   * for a jump no finite slope bounds f, so it is [-Infinity, Infinity].
   */
  subgradient: [number, number];
  /** f just left of a, at a, and just right of a (estimates of the one-sided limits of f itself). */
  limits: { left: number; at: number; right: number };
  /** What reverse-mode autodiff returns at a (at a kink or jump, one conventional choice; NaN if it failed). */
  autodiff: number;
}

/** The report for a scalar x. */
export interface DifferentiabilityReport extends PointReport {
  /**
   * The op to blame. At a kink: the first op f applied exactly at its corner (abs, relu,
   * maximum...). Otherwise: the first op flagged `differentiable: false` (sign, step, round,
   * floor, comparisons) that f applied to x; those pass zero gradient, so autodiff cannot see
   * their jumps, and they are named even at a smooth point as a warning.
   */
  op?: string;
  /** Every op flagged `differentiable: false` f applied on the path from x, in order. */
  ops: string[];
  /** Every op with a corner (abs, relu, leakyRelu, maximum, minimum, max, min, norm, sqrt) f applied exactly at it. */
  kinkOps: string[];
  /** The finding in one or two plain sentences, for notebooks. */
  summary: string;
}

/** The report for a tensor x: per-coordinate numbers shaped like x, and the worst coordinate's kind. */
export interface TensorDifferentiabilityReport {
  /** "jump" if any coordinate jumps, else "kink" if any has a kink, else "smooth". */
  kind: PointKind;
  left: Tensor;
  right: Tensor;
  subgradient: [Tensor, Tensor];
  autodiff: Tensor;
  /** Per coordinate, row-major. */
  kinds: PointKind[];
  /** Multi-index of the first coordinate with the worst kind (null when x has no elements). */
  worstIndex: number[] | null;
  op?: string;
  ops: string[];
  kinkOps: string[];
  /** The finding in one or two plain sentences, naming the worst coordinate. */
  summary: string;
}

const KIND_RANK: Record<PointKind, number> = { smooth: 0, kink: 1, jump: 2 };
const LEVELS = 6; // h, h/10, ..., h/1e5
const EPS = 2.220446049250313e-16;

/**
 * Decide whether `f` is differentiable at `x` from one-sided difference quotients, and if not,
 * whether it has a kink (continuous corner) or a jump, with the left/right derivatives and the
 * subgradient interval. For a tensor `x` each coordinate is examined separately (partial
 * derivatives along the axes: a function can pass this and still fail to be differentiable along
 * a diagonal, e.g. `x*y/(x^2+y^2)` at 0, but every elementwise loss is caught).
 *
 * This answers "how would I know whether my loss is differentiable?" numerically; the
 * structural answer is the chain rule: a composition of differentiable ops is differentiable,
 * so the points to inspect are where an op with a kink (abs, relu, maximum, clip, hinge) sits
 * exactly at its corner, or where an op with `differentiable: false` (step, sign, round) is
 * used at all: the report names such ops in `op`.
 *
 * Why it matters: gradient descent steps against f'(x). At a kink autodiff still returns one
 * slope from the subgradient interval (relu'(0) = 0, |x|'(0) = 0), and for a convex loss any
 * such slope is a valid descent direction, so L1 and hinge losses train fine. At a jump the
 * derivative is 0 on both sides and undefined in between, so the gradient carries no signal
 * (the 0-1 loss, step activations): use a smooth surrogate (sigmoid for step, logistic loss
 * for 0-1) or a derivative-free optimizer.
 *
 * @example
 * checkDifferentiable((x) => x.square(), 3);
 * // { kind: "smooth", left: 6, right: 6, subgradient: [6, 6], ops: [] ... }
 * checkDifferentiable((x) => abs(x), 0);
 * // { kind: "kink", left: -1, right: 1, subgradient: [-1, 1], autodiff: 0 ... }
 * checkDifferentiable((x) => relu(tensor(1).sub(x)), 1);   // hinge at its margin
 * // { kind: "kink", left: -1, right: 0, subgradient: [-1, 0] ... }
 * checkDifferentiable((x) => step(x), 0);
 * // { kind: "jump", left: 0, right: Infinity, subgradient: [-Infinity, Infinity], op: "step" ... }
 * checkDifferentiable((p) => loss.mae(p, tensor([1, 2, 3])), tensor([1, 0, 3]));  // per coordinate
 * // { kind: "kink", kinds: ["kink", "smooth", "kink"], worstIndex: [0], op: "abs" ... }
 */
export function checkDifferentiable(
  f: (x: Tensor) => Tensor | number,
  x: number,
  options?: CheckDifferentiableOptions,
): DifferentiabilityReport;
export function checkDifferentiable(
  f: (x: Tensor) => Tensor | number,
  x: Tensor,
  options?: CheckDifferentiableOptions,
): TensorDifferentiabilityReport;
export function checkDifferentiable(
  f: (x: Tensor) => Tensor | number,
  x: number | Tensor,
  options: CheckDifferentiableOptions = {},
): DifferentiabilityReport | TensorDifferentiabilityReport {
  if (typeof f !== "function")
    throw new TypeError(`checkDifferentiable: f must be a function, got ${typeof f}`);
  const tol = options.tol ?? 1e-6;
  if (!(tol > 0) || !Number.isFinite(tol))
    throw new RangeError(`checkDifferentiable: tol must be a finite positive number, got ${options.tol}`);
  if (options.h !== undefined && (!(options.h > 0) || !Number.isFinite(options.h))) {
    throw new RangeError(`checkDifferentiable: h must be a finite positive number, got ${options.h}`);
  }

  if (typeof x === "number") {
    if (!Number.isFinite(x)) throw new RangeError(`checkDifferentiable: x must be a finite number, got ${x}`);
    const evalAt = (t: number): number => evaluate(f, scalar(t));
    const point = examinePoint(evalAt, x, options.h ?? 1e-3 * Math.max(1, Math.abs(x)), tol);
    point.autodiff = autodiffAt(f, scalar(x)).item();
    const { ops, kinkOps } = graphFindings(f, scalar(x));
    const blame = opField(point.kind, ops, kinkOps);
    return { ...point, ops, kinkOps, ...blame, summary: summarize(point, `x = ${fmt(x)}`, blame.op) };
  }

  if (!(x instanceof Tensor))
    throw new TypeError(`checkDifferentiable: x must be a number or a Tensor, got ${describe(x)}`);
  if (x.dtype !== "float64" && x.dtype !== "float32") {
    throw new TypeError(
      `checkDifferentiable: x has dtype ${x.dtype}; use a float64 tensor (x.astype("float64"))`,
    );
  }
  // float64 throughout: one-sided quotients at h = 1e-8 are meaningless in float32.
  const base = x.astype("float64").detach().clone();
  const values = base.data as Float64Array;
  for (let j = 0; j < values.length; j++) {
    if (!Number.isFinite(values[j]))
      throw new RangeError(`checkDifferentiable: x has a non-finite element ${values[j]} at flat index ${j}`);
  }
  const n = base.size;
  const left = new Float64Array(n);
  const right = new Float64Array(n);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  const kinds: PointKind[] = [];
  let worst = -1;
  let worstPoint: PointReport | null = null;
  const autodiff = autodiffAt(f, base);
  const autodiffData = autodiff.data;
  for (let j = 0; j < n; j++) {
    const probe = base.clone();
    const data = probe.data as Float64Array;
    const a = values[j];
    const evalAt = (t: number): number => {
      data[j] = t;
      return evaluate(f, probe);
    };
    const p = examinePoint(evalAt, a, options.h ?? 1e-3 * Math.max(1, Math.abs(a)), tol);
    p.autodiff = autodiffData[j];
    left[j] = p.left;
    right[j] = p.right;
    [lo[j], hi[j]] = p.subgradient;
    kinds.push(p.kind);
    if (worst < 0 || KIND_RANK[p.kind] > KIND_RANK[kinds[worst]]) {
      worst = j;
      worstPoint = p;
    }
  }
  const shaped = (d: Float64Array): Tensor => tensor(d).reshape(base.shape);
  const { ops, kinkOps } = graphFindings(f, base);
  const kind = worst < 0 ? "smooth" : kinds[worst];
  const blame = opField(kind, ops, kinkOps);
  const worstIndex = worst < 0 ? null : unravel(worst, base.shape);
  const nonSmooth = kinds.filter((k) => k !== "smooth").length;
  const summary =
    worstPoint === null
      ? "x has no elements: nothing to examine."
      : kind === "smooth"
        ? `differentiable along every coordinate of x (${n} checked): left and right partial derivatives agree.`
        : `${summarize(worstPoint, `coordinate [${worstIndex!.join(", ")}] of x`, blame.op)} ${nonSmooth} of ${n} coordinates are not smooth.`;
  return {
    kind,
    left: shaped(left),
    right: shaped(right),
    subgradient: [shaped(lo), shaped(hi)],
    autodiff,
    kinds,
    worstIndex,
    ops,
    kinkOps,
    ...blame,
    summary,
  };
}

/** One or two sentences on what was found at a point (`where` names it). */
function summarize(p: PointReport, where: string, op: string | undefined): string {
  const blame = op === undefined ? "" : ` (op: ${op})`;
  if (p.kind === "smooth") {
    return `differentiable at ${where}: the left and right difference quotients converge to the same derivative ${fmt((p.left + p.right) / 2)}.`;
  }
  if (p.kind === "jump") {
    return (
      `not differentiable at ${where}: f jumps (from ${fmt(p.limits.left)} through ${fmt(p.limits.at)} to ${fmt(p.limits.right)}), ` +
      `so it is not even continuous there${blame}; autodiff returns ${fmt(p.autodiff)} and cannot see the jump.`
    );
  }
  if (Number.isNaN(p.left) || Number.isNaN(p.right)) {
    return `not differentiable at ${where}: f is undefined on the ${Number.isNaN(p.left) ? "left" : "right"} (the edge of its domain)${blame}.`;
  }
  return (
    `not differentiable at ${where}: a kink${blame}. f is continuous, but its left derivative ${fmt(p.left)} differs from ` +
    `its right derivative ${fmt(p.right)}; every slope in [${fmt(p.subgradient[0])}, ${fmt(p.subgradient[1])}] is a subgradient, ` +
    `and autodiff returns ${fmt(p.autodiff)}.`
  );
}

/** A number rounded for reading (derivatives come from finite differences: 1e-9 noise is not news). */
function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const r = Number(v.toPrecision(6));
  return String(Math.abs(r) < 1e-9 ? 0 : r);
}

/**
 * The op to blame: at a kink, the op sitting on its corner; at a jump (or a smooth point), the
 * first zero-gradient op f used, since those are what hide jumps from autodiff.
 */
function opField(kind: PointKind, ops: string[], kinkOps: string[]): { op?: string } {
  const op =
    kind === "kink" ? (kinkOps[0] ?? ops[0]) : (ops[0] ?? (kind === "jump" ? kinkOps[0] : undefined));
  return op === undefined ? {} : { op };
}

/** How one side of a behaves as h shrinks. */
interface SideBehaviour {
  /** f(a ± h_k) for each rung of the ladder. */
  values: number[];
  /** One-sided difference quotients (f(a ± h) - f(a)) / (±h). */
  quotients: number[];
  jumps: boolean;
  undefinedHere: boolean;
  /** The one-sided derivative (Richardson-extrapolated), ±Infinity for a vertical tangent or a jump. */
  derivative: number;
}

/**
 * Classify the scalar function g at a. Exported for the loss analysis, which scans a whole range.
 *
 * @example
 * examinePoint((t) => Math.abs(t), 0, 1e-3, 1e-6).kind // "kink"
 */
export function examinePoint(g: (t: number) => number, a: number, h0: number, tol = 1e-6): PointReport {
  const f0 = g(a);
  if (!Number.isFinite(f0))
    throw new RangeError(`checkDifferentiable: f(${a}) = ${f0}; f must be finite at the point examined`);
  let rightSide = side(g, a, f0, h0, +1);
  let leftSide = side(g, a, f0, h0, -1);
  // Near the edge of f's domain (log at 1e-3) the first rungs may step outside it although f is
  // fine closer in; only the limit matters, so shrink the ladder until it stays inside.
  for (let tries = 0; tries < 4 && (steppedOut(leftSide) || steppedOut(rightSide)); tries++) {
    h0 /= 100;
    rightSide = side(g, a, f0, h0, +1);
    leftSide = side(g, a, f0, h0, -1);
  }
  const limits = { left: leftSide.values[LEVELS - 1], at: f0, right: rightSide.values[LEVELS - 1] };
  const L = leftSide.derivative;
  const R = rightSide.derivative;
  const report = (kind: PointKind, subgradient: [number, number]): PointReport => ({
    kind,
    left: L,
    right: R,
    subgradient,
    limits,
    autodiff: NaN,
  });

  if (leftSide.jumps || rightSide.jumps) return report("jump", [-Infinity, Infinity]);
  // At the edge of f's domain (sqrt at 0) the two-sided limit cannot exist: not differentiable, no slope bounds.
  if (leftSide.undefinedHere || rightSide.undefinedHere) return report("kink", [-Infinity, Infinity]);
  if (!Number.isFinite(L) || !Number.isFinite(R)) return report("kink", [Math.min(L, R), Math.max(L, R)]);
  if (isKink(leftSide, rightSide, f0, h0, tol)) return report("kink", [Math.min(L, R), Math.max(L, R)]);
  const d = (L + R) / 2;
  return report("smooth", [d, d]);
}

function side(g: (t: number) => number, a: number, f0: number, h0: number, sign: 1 | -1): SideBehaviour {
  const values: number[] = [];
  const quotients: number[] = [];
  for (let k = 0; k < LEVELS; k++) {
    const t = a + (sign * h0) / 10 ** k;
    const step = t - a; // the step actually taken after rounding
    const v = g(t);
    values.push(v);
    quotients.push((v - f0) / step);
  }
  if (values.some((v) => Number.isNaN(v))) {
    return { values, quotients, jumps: false, undefinedHere: true, derivative: NaN };
  }
  const noise = 64 * EPS * Math.max(1, Math.abs(f0), ...values.map(Math.abs));
  const last = LEVELS - 1;
  const delta = (k: number): number => Math.abs(values[k] - f0);
  // A continuous f has f(a ± h) - f(a) -> 0 at least as fast as h^(1/2) for anything a loss
  // uses; a jump keeps it at the jump's size. Over the last two decades of h, a continuous
  // side's change shrinks at least 10x; a jump's barely moves.
  const stalled = (k: number): boolean => delta(k) > 1e3 * noise && delta(k) >= 0.5 * delta(k - 1);
  const jumps = values.some((v) => !Number.isFinite(v)) || (stalled(last) && stalled(last - 1));
  if (jumps)
    return {
      values,
      quotients,
      jumps,
      undefinedHere: false,
      derivative: sign * Math.sign(values[last] - f0) * Infinity,
    };
  // A vertical tangent (sqrt(|x|) at 0): the quotient keeps growing as h shrinks.
  if (Math.abs(quotients[last]) > 5 * Math.abs(quotients[last - 2]) && delta(last) > 1e3 * noise) {
    return {
      values,
      quotients,
      jumps: false,
      undefinedHere: false,
      derivative: Math.sign(quotients[last]) * Infinity,
    };
  }
  // Report the derivative to the precision the ladder measured it: two successive extrapolations
  // disagree by about their error, and rounding adds ~eps*|f|/h. Finite-difference noise such
  // as 5.99999999997 or 2e-22 then reads as the 6 or 0 it is.
  const estimate = richardson(quotients, 2);
  const error =
    2 * Math.abs(estimate - richardson(quotients, 1)) + (4 * EPS * Math.max(1, Math.abs(f0))) / (h0 / 1000);
  return {
    values,
    quotients,
    jumps: false,
    undefinedHere: false,
    derivative: shortestWithin(estimate, error),
  };
}

/** The decimal with the fewest significant digits within `error` of v (0 when |v| <= error). */
function shortestWithin(v: number, error: number): number {
  if (!Number.isFinite(v) || !(error > 0)) return v;
  if (Math.abs(v) <= error) return 0;
  for (let digits = 1; digits <= 17; digits++) {
    const candidate = Number(v.toPrecision(digits));
    if (Math.abs(candidate - v) <= error) return candidate;
  }
  return v;
}

/** Some rung gave NaN or ±Infinity while the innermost rung is finite: the ladder started too wide. */
function steppedOut(side: SideBehaviour): boolean {
  return Number.isFinite(side.values[LEVELS - 1]) && side.values.some((v) => !Number.isFinite(v));
}

/** q(h) = f' + c*h + O(h^2): combining rungs k and k+1 (h and h/10) cancels the c*h term. */
function richardson(q: number[], k: number): number {
  return (10 * q[k + 1] - q[k]) / 9;
}

/**
 * A kink leaves a gap between the one-sided derivatives that does not close as h shrinks; at a
 * smooth point the gap is discretisation error and shrinks by ~100x per decade of h.
 */
function isKink(l: SideBehaviour, r: SideBehaviour, f0: number, h0: number, tol: number): boolean {
  const gapAt = (k: number): number => Math.abs(richardson(r.quotients, k) - richardson(l.quotients, k));
  const early = gapAt(1);
  const late = gapAt(2);
  const scale = 1 + Math.abs(l.derivative) + Math.abs(r.derivative);
  const rounding = (100 * EPS * Math.max(1, Math.abs(f0))) / (h0 / 1000);
  if (late <= tol * scale + rounding) return false;
  return late >= 0.5 * early;
}

/** One op application seen while f ran on x. */
interface TracedOp {
  name: string;
  differentiable: boolean;
  inputs: readonly Tensor[];
  out: Tensor;
}

/**
 * Ops with a corner, and how to tell that an application of one sits exactly on it. Plain
 * data comparisons: a kink is an exact tie, which is what the limit test cannot see apart
 * from "very close to one".
 */
const KINK_TESTS: Record<string, (op: TracedOp) => boolean> = {
  abs: (op) => anyElement(op.inputs[0], (v) => v === 0),
  relu: (op) => anyElement(op.inputs[0], (v) => v === 0),
  leakyRelu: (op) => anyElement(op.inputs[0], (v) => v === 0),
  sqrt: (op) => anyElement(op.inputs[0], (v) => v === 0),
  norm: (op) => anyElement(op.out, (v) => v === 0),
  maximum: (op) =>
    anyElement(
      noGrad(() => eq(op.inputs[0], op.inputs[1])),
      (v) => v !== 0,
    ),
  minimum: (op) =>
    anyElement(
      noGrad(() => eq(op.inputs[0], op.inputs[1])),
      (v) => v !== 0,
    ),
  max: (op) => reductionTie(op),
  min: (op) => reductionTie(op),
};

function anyElement(t: Tensor, test: (v: number) => boolean): boolean {
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (test(d[i])) return true;
  return false;
}

/** More input elements equal an extreme value than there are extremes: two share a maximum. */
function reductionTie(op: TracedOp): boolean {
  const extremes = new Set(Array.from(op.out.data));
  let hits = 0;
  const d = op.inputs[0].data;
  for (let i = 0; i < d.length; i++) if (extremes.has(d[i])) hits++;
  return hits > op.out.size;
}

/**
 * Run f on x once, recording, and report (1) every op flagged `differentiable: false`
 * (sign, step, round, comparisons...) applied on the path from x, and (2) every op with a
 * corner (abs, relu, maximum, max, norm...) that f applied exactly at its corner.
 */
function graphFindings(f: (x: Tensor) => Tensor | number, x: Tensor): { ops: string[]; kinkOps: string[] } {
  const leaf = x.detach().clone();
  leaf.requiresGrad = true;
  const seen: TracedOp[] = [];
  const listener = (
    op: { name: string; differentiable: boolean },
    inputs: readonly Tensor[],
    out: Tensor,
  ): void => {
    if (inputs.some((t) => t.requiresGrad))
      seen.push({ name: op.name, differentiable: op.differentiable, inputs, out });
  };
  try {
    gradState.observed(listener, () => enableGrad(() => f(leaf)));
  } catch {
    // f already ran fine without a graph; failing to record it only loses the op names.
    return { ops: [], kinkOps: [] };
  }
  const ops: string[] = [];
  const kinkOps: string[] = [];
  for (const op of seen) {
    if (!op.differentiable && !ops.includes(op.name)) ops.push(op.name);
    const test = KINK_TESTS[op.name];
    if (test !== undefined && !kinkOps.includes(op.name) && test(op)) kinkOps.push(op.name);
  }
  return { ops, kinkOps };
}

/** What autodiff says the gradient is at x (NaN-filled when f cannot be differentiated there). */
function autodiffAt(f: (x: Tensor) => Tensor | number, x: Tensor): Tensor {
  try {
    const g = grad((t: Tensor) => {
      const out = f(t);
      if (!(out instanceof Tensor)) return scalar(out);
      return out.size === 1 && out.ndim > 0 ? out.reshape([]) : out;
    })(x.detach().clone()) as Tensor;
    return g.astype("float64").reshape(x.shape);
  } catch {
    return tensor(new Float64Array(x.size).fill(NaN)).reshape(x.shape);
  }
}

function evaluate(f: (x: Tensor) => Tensor | number, x: Tensor): number {
  const out: unknown = noGrad(() => f(x)); // no graph is needed for the quotients
  if (typeof out === "number") return out;
  if (!(out instanceof Tensor))
    throw new TypeError(`checkDifferentiable: f must return a Tensor or a number, got ${describe(out)}`);
  if (out.size !== 1) {
    throw new Error(
      `checkDifferentiable: f must return a scalar, got shape [${out.shape.join(", ")}]; reduce it (e.g. .sum() or .mean()) first`,
    );
  }
  return out.item();
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `a ${(v as object).constructor?.name ?? "object"}`;
  return typeof v;
}
