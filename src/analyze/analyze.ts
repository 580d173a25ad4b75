// analyze(): "how would I know whether my loss is differentiable?" answered numerically.
// Sample f and f' (autodiff) on a grid, flag intervals where f or f' changes abruptly, bisect
// each down to a point, snap it to a short decimal, and let checkDifferentiable's one-sided
// difference quotients classify it (kink, jump, or smooth after all). For a gradlab loss the
// findings are compared with the kink set its metadata declares.
import type { Tensor } from "../tensor/tensor.js";
import { checkDifferentiable } from "../autodiff/checkDifferentiable.js";
import { sum } from "../ops/reductionOps.js";
import { tensor } from "../tensor/creation.js";
import { JUPYTER_DISPLAY } from "../displayHost.js";
import { derivative, type DerivativeFigure } from "../plot/derivative.js";
import type { LossInfo } from "../loss/lossInfo.js";
import type { Loose } from "../tensor/looseValue.js";

/** An elementwise function of one variable: maps a tensor of points to a tensor of values of the same shape. */
export type ElementwiseFn = (x: Tensor) => Tensor;

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /** Interval to scan (default: the loss's own range, or [−3, 3]). */
  range?: [number, number];
  /** Grid points (default 401). */
  samples?: number;
  /** Options forwarded to the loss (e.g. {delta: 0.5}) when analyzing a gradlab loss. */
  lossOptions?: Record<string, unknown>;
  /** Build the plot (default true; false skips the figure, e.g. in tests). */
  plot?: boolean;
}

/** A point where the function is not differentiable. */
export interface FoundPoint {
  x: number;
  kind: "kink" | "jump";
  /** One-sided derivatives (±Infinity across a jump). */
  left: number;
  right: number;
  /** The generalized gradient interval [min, max] of the one-sided derivatives. */
  subgradient: [number, number];
  /** What autodiff returns there (one conventional choice from the subgradient, or 0 for a jump). */
  autodiff: number;
  /** The non-differentiable op checkDifferentiable named (step, sign, round, ...), if any. */
  op?: string;
}

/** What {@link analyze} found, displayable in the kernel. */
export interface AnalysisReport {
  name: string;
  range: [number, number];
  found: FoundPoint[];
  /** Numerical verdict from what was found in the range. */
  differentiability: "smooth" | "piecewise-smooth" | "not-differentiable";
  /** The loss's declared metadata, when a gradlab loss was analyzed. */
  info?: LossInfo;
  /** Declared kinks/jumps inside the range. */
  expected?: number[];
  /** Whether the found points and the declared ones coincide (undefined for a plain function). */
  agrees?: boolean;
  figure?: DerivativeFigure;
  /** The report as a few lines of text (what a notebook shows as text/plain). */
  toString(): string;
}

const MAX_CANDIDATES = 40;

function isLoss(f: unknown): f is ((...a: unknown[]) => Tensor) & { info: LossInfo } {
  return (
    typeof f === "function" &&
    typeof (f as { info?: unknown }).info === "object" &&
    (f as { info?: unknown }).info !== null
  );
}

/** Values and autodiff derivatives of an elementwise f at many points, in one pass. */
function sample(f: ElementwiseFn, xs: Float64Array): { v: Float64Array; d: Float64Array } {
  const x = tensor(xs, { requiresGrad: true });
  const y = f(x);
  if (y.size !== x.size)
    throw new Error(
      `analyze: f must act elementwise; it mapped ${x.size} points to shape [${y.shape.join(", ")}]`,
    );
  const v = Float64Array.from(y.data as ArrayLike<number>);
  if (!y.requiresGrad) return { v, d: new Float64Array(xs.length) };
  sum(y).backward();
  return { v, d: x.grad ? Float64Array.from(x.grad.data as ArrayLike<number>) : new Float64Array(xs.length) };
}

/** Intervals where consecutive differences of `v` are far above their neighbours'. */
function abrupt(v: Float64Array): number[] {
  const n = v.length - 1;
  const d = new Float64Array(n);
  let scale = 0;
  for (let i = 0; i < n; i++) {
    d[i] = Math.abs(v[i + 1]! - v[i]!);
    if (Number.isFinite(v[i]!)) scale = Math.max(scale, Math.abs(v[i]!));
  }
  const tiny = 1e-9 * (1 + scale);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let local = 0;
    // Neighbours two and three away: a kink exactly on a grid point splits its jump over the
    // two intervals beside it, which must not mask each other.
    for (const j of [i - 3, i - 2, i + 2, i + 3])
      if (j >= 0 && j < n && Number.isFinite(d[j]!)) local = Math.max(local, d[j]!);
    if (!Number.isFinite(d[i]!) || (d[i]! > tiny && d[i]! > 4 * local)) out.push(i);
  }
  return out;
}

/** Bisect [lo, hi] for where probe switches from its value at lo to its value at hi. */
function bisect(probe: (x: number) => number, lo: number, hi: number, atLo: number, atHi: number): number {
  for (let k = 0; k < 64 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo)); k++) {
    const mid = (lo + hi) / 2;
    const v = probe(mid);
    if (Math.abs(v - atLo) <= Math.abs(v - atHi)) {
      lo = mid;
      atLo = v;
    } else {
      hi = mid;
      atHi = v;
    }
  }
  return (lo + hi) / 2;
}

/** The shortest decimal within a hair of x: bisection lands at 0.99999999997 for a kink at 1. */
function snap(x: number, span: number): number {
  if (Math.abs(x) < 1e-9 * span) return 0;
  for (let p = 1; p <= 12; p++) {
    const r = Number(x.toPrecision(p));
    if (Math.abs(r - x) <= 1e-8 * Math.max(1, span)) return r;
  }
  return x;
}

/**
 * Scan `f` (a gradlab loss, or any elementwise function of a tensor) over `range` for points
 * where it is not differentiable, classify each with `checkDifferentiable` (kink: continuous
 * corner with different one-sided derivatives; jump: discontinuous), and, for a loss, check
 * the findings against its metadata. In the kernel the report displays as a short table with
 * a plot of f, f′ and the kinks marked.
 *
 * @example
 * analyze(loss.hinge).found;                 // [{ x: 1, kind: "kink", left: -1, right: 0, ... }]
 * analyze(loss.huber, { range: [-3, 3] }).differentiability; // "smooth"
 * analyze((x: Tensor) => abs(x).add(step(x)), { range: [-1, 1] }); // a jump at 0
 */
export function analyze(
  f: ElementwiseFn | (((...args: Loose[]) => Tensor) & { info: LossInfo }),
  options: AnalyzeOptions = {},
): AnalysisReport {
  const info = isLoss(f) ? f.info : undefined;
  const lossOptions = options.lossOptions ?? {};
  const fn: ElementwiseFn = info ? (z) => info.curve(z, lossOptions) : (f as ElementwiseFn);
  if (typeof fn !== "function")
    throw new Error(`analyze: expected a loss or a function (x: Tensor) => Tensor, got ${typeof f}`);
  const range = options.range ?? info?.range ?? [-3, 3];
  const [a, b] = range;
  if (!(Number.isFinite(a) && Number.isFinite(b) && a < b))
    throw new Error(`analyze: range must be [lo, hi] with lo < hi, got [${range.join(", ")}]`);
  const n = Math.max(11, Math.min(4001, options.samples ?? 401));
  const span = b - a;
  const xs = Float64Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + (span * i) / (n - 1)));
  const { v, d } = sample(fn, xs);
  const value = (x: number): number => sample(fn, Float64Array.of(x)).v[0]!;
  const slope = (x: number): number => sample(fn, Float64Array.of(x)).d[0]!;

  const candidates: number[] = [];
  for (const i of abrupt(v)) candidates.push(bisect(value, xs[i]!, xs[i + 1]!, v[i]!, v[i + 1]!));
  for (const i of abrupt(d)) candidates.push(bisect(slope, xs[i]!, xs[i + 1]!, d[i]!, d[i + 1]!));
  const points = [...new Set(candidates.slice(0, MAX_CANDIDATES).map((x) => snap(x, span)))].sort(
    (p, q) => p - q,
  );

  const found: FoundPoint[] = [];
  for (const x of points) {
    if (found.some((p) => Math.abs(p.x - x) <= 1e-7 * Math.max(1, span))) continue;
    const r = checkDifferentiable((t: Tensor) => fn(t), x);
    if (r.kind === "smooth") continue;
    found.push({
      x,
      kind: r.kind,
      left: r.left,
      right: r.right,
      subgradient: r.subgradient,
      autodiff: r.autodiff,
      ...(r.op ? { op: r.op } : {}),
    });
  }
  const differentiability = found.some((p) => p.kind === "jump")
    ? "not-differentiable"
    : found.length > 0
      ? "piecewise-smooth"
      : "smooth";

  let expected: number[] | undefined;
  let agrees: boolean | undefined;
  if (info) {
    expected = [...info.kinks(lossOptions), ...info.jumps(lossOptions)]
      .filter((x) => x > a && x < b)
      .sort((p, q) => p - q);
    const close = (p: number, q: number): boolean => Math.abs(p - q) <= 1e-6 * Math.max(1, Math.abs(q));
    agrees = expected.length === found.length && expected.every((x) => found.some((p) => close(p.x, x)));
  }
  const name = info?.name ?? (f.name || "f");
  const figure =
    options.plot === false
      ? undefined
      : derivative(fn, {
          range: [a, b],
          kinks: found.map((p) => ({ x: p.x, kind: p.kind, left: p.left, right: p.right })),
          title: `${name}: f and f′`,
        });
  return makeReport({
    name,
    range: [a, b],
    found,
    differentiability,
    ...(info ? { info, expected, agrees } : {}),
    ...(figure ? { figure } : {}),
  });
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? "+∞" : v < 0 ? "−∞" : "NaN";
  return String(Number(v.toPrecision(6)));
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// table cells: padded, numbers and words left-aligned in their column
const CELL = "padding:2px 12px 2px 0;text-align:left";

function makeReport(r: Omit<AnalysisReport, "toString">): AnalysisReport {
  const lines = [`${r.name} on [${r.range.map(fmt).join(", ")}]: ${r.differentiability}`];
  if (r.info)
    lines.push(
      `  formula ${r.info.formula}, variable ${r.info.variable}; declared ${r.info.differentiability}, ${r.info.convex ? "convex" : "not convex"}`,
    );
  for (const p of r.found) {
    lines.push(
      `  ${p.kind} at ${fmt(p.x)}: f′(x⁻) = ${fmt(p.left)}, f′(x⁺) = ${fmt(p.right)}, subgradient [${p.subgradient.map(fmt).join(", ")}], autodiff gives ${fmt(p.autodiff)}${p.op ? ` (op ${p.op})` : ""}`,
    );
  }
  if (r.found.length === 0) lines.push("  no kinks or jumps found: differentiable on this range");
  if (r.info && r.agrees !== undefined) {
    lines.push(
      r.agrees
        ? "  agrees with the declared metadata"
        : `  DISAGREES with the declared kinks/jumps [${(r.expected ?? []).map(fmt).join(", ")}]`,
    );
    if (r.info.surrogates.length > 0 && r.differentiability !== "smooth")
      lines.push(`  smooth alternatives: ${r.info.surrogates.join(", ")}`);
  }
  const text = lines.join("\n");
  const report = {
    ...r,
    toString: () => text,
    [JUPYTER_DISPLAY]: (): Record<string, unknown> => {
      const rows = r.found
        .map(
          (p) =>
            `<tr>${[p.kind, fmt(p.x), fmt(p.left), fmt(p.right), fmt(p.autodiff), p.op ?? ""].map((c) => `<td style="${CELL}">${c}</td>`).join("")}</tr>`,
        )
        .join("");
      const table =
        r.found.length === 0
          ? "<p>No kinks or jumps found: differentiable on this range.</p>"
          : `<table style="border-collapse:collapse"><thead><tr>${["kind", "x", "f′(x⁻)", "f′(x⁺)", "autodiff", "op"].map((h) => `<th style="${CELL};border-bottom:1px solid #999">${h}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table>`;
      const head =
        `<p><b>${escapeHtml(r.name)}</b> on [${r.range.map(fmt).join(", ")}]: <b>${r.differentiability}</b>` +
        (r.info
          ? ` (declared ${r.info.differentiability}${r.agrees ? ", agrees" : r.agrees === false ? ", <b>disagrees</b>" : ""}); ${escapeHtml(r.info.note)}`
          : "") +
        "</p>";
      const surrogates =
        r.info && r.info.surrogates.length > 0 && r.differentiability !== "smooth"
          ? `<p>Smooth alternatives: ${escapeHtml(r.info.surrogates.join(", "))}</p>`
          : "";
      const bundle: Record<string, unknown> = { "text/plain": text };
      const figBundle = r.figure
        ? (r.figure as unknown as Record<symbol, () => Record<string, unknown>>)[JUPYTER_DISPLAY]?.()
        : undefined;
      bundle["text/html"] =
        `<div class="gradlab-analyze">${head}${table}${surrogates}${(figBundle?.["text/html"] as string | undefined) ?? ""}</div>`;
      for (const [k, val] of Object.entries(figBundle ?? {}))
        if (k !== "text/html" && k !== "text/plain") bundle[k] = val;
      return bundle;
    },
  };
  return report as AnalysisReport;
}
