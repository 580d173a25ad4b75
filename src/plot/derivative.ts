// f and f' on an interval: f' from autodiff (one call of f on all points, one backward),
// beside the central finite-difference estimate, with kinks and jumps located and marked.
// The picture behind analyze(): where the two derivative curves disagree is where f is
// not differentiable, and autodiff's value there is one conventional choice.
import { checkDifferentiable, type PointKind } from "../autodiff/checkDifferentiable.js";
import { Figure, baseLayout, type FigureOptions, type PlotlyTrace } from "./figure.js";
import { evaluate1D, type Function1D } from "./gridEvaluation.js";
import { evenlySpaced, quantizer, significant } from "./compactNumbers.js";
import { checkCount, checkRange } from "./optionChecks.js";
import { parameterNames } from "./parameterNames.js";

/** A point where f is not differentiable. */
export interface KinkMark {
  x: number;
  kind: Exclude<PointKind, "smooth">;
  /** One-sided derivatives (±Infinity across a jump). */
  left: number;
  right: number;
}

export interface DerivativeOptions extends FigureOptions {
  /** Interval (default [-3, 3]). */
  range?: [number, number];
  /** Sample points (default 401, at most 2001). */
  n?: number;
  /**
   * Kinks to mark: "auto" (default) finds them where f' or f changes abruptly between
   * samples and refines each by bisection; an array marks the given points (numbers, or
   * reports from checkDifferentiable/analyze with x, kind, left, right); false marks none.
   */
  kinks?: "auto" | false | Array<number | ({ x: number } & Partial<Omit<KinkMark, "x">>)>;
}

/** A derivative figure also says what it found. */
export interface DerivativeFigure extends Figure {
  readonly kinks: KinkMark[];
}

const MAX_SAMPLES = 2001;
const MAX_KINKS = 20;

// Abrupt change: the step between neighbours is far above the steps around it.
function abruptIntervals(v: Float64Array): number[] {
  const d = new Float64Array(v.length - 1);
  let scale = 0;
  for (let i = 0; i < d.length; i++) {
    d[i] = Math.abs(v[i + 1] - v[i]);
    if (Number.isFinite(v[i])) scale = Math.max(scale, Math.abs(v[i]));
  }
  const tiny = 1e-9 * (1 + scale);
  const found: number[] = [];
  for (let i = 0; i < d.length; i++) {
    let local = 0;
    for (let j = i - 2; j <= i + 2; j++)
      if (j !== i && j >= 0 && j < d.length && Number.isFinite(d[j])) local = Math.max(local, d[j]);
    if (Number.isFinite(d[i]) && d[i] > tiny && d[i] > 4 * local) found.push(i);
  }
  return found;
}

// Bisection on [lo, hi] for where `probe` switches from its left value to its right value.
function locate(probe: (x: number) => number, lo: number, hi: number, atLo: number, atHi: number): number {
  for (let k = 0; k < 60 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo)); k++) {
    const mid = (lo + hi) / 2;
    const v = probe(mid);
    if (Math.abs(v - atLo) <= Math.abs(v - atHi)) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function snap(x: number, span: number): number {
  return Math.abs(x) < 1e-9 * span ? 0 : Number(x.toPrecision(9));
}

function findKinks(
  f: Function1D,
  xs: Float64Array,
  values: Float64Array,
  grads: Float64Array,
  span: number,
): KinkMark[] {
  const where = "plot.derivative";
  const probeValue = (x: number): number => evaluate1D(where, f, Float64Array.of(x), false).values[0];
  const probeGrad = (x: number): number => evaluate1D(where, f, Float64Array.of(x)).gradX[0];
  const candidates = new Map<number, number>();
  for (const i of abruptIntervals(values))
    candidates.set(i, locate(probeValue, xs[i], xs[i + 1], values[i], values[i + 1]));
  for (const i of abruptIntervals(grads))
    if (!candidates.has(i)) candidates.set(i, locate(probeGrad, xs[i], xs[i + 1], grads[i], grads[i + 1]));
  const marks: KinkMark[] = [];
  for (const x of [...candidates.values()].sort((a, b) => a - b).slice(0, MAX_KINKS)) {
    const at = snap(x, span);
    const report = checkDifferentiable((t) => f(t), at);
    if (report.kind === "smooth") continue;
    marks.push({ x: at, kind: report.kind, left: report.left, right: report.right });
  }
  return marks;
}

type GivenKink = number | ({ x: number } & Partial<Omit<KinkMark, "x">>);

function givenKinks(f: Function1D, list: GivenKink[]): KinkMark[] {
  return list.map((k) => {
    const x = typeof k === "number" ? k : k.x;
    if (typeof k !== "number" && k.kind !== undefined && k.left !== undefined && k.right !== undefined)
      return { x, kind: k.kind, left: k.left, right: k.right };
    const report = checkDifferentiable((t) => f(t), x);
    return { x, kind: report.kind === "jump" ? "jump" : "kink", left: report.left, right: report.right };
  });
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? "+∞" : v < 0 ? "−∞" : "undefined";
  return String(significant(v, 4));
}

// x and y with a gap (null) inserted in every sample interval holding one of `breaks`, so a
// line is not drawn across a jump of f or of f′.
function brokenAt(
  xs: Float64Array,
  ys: Float64Array,
  breaks: number[],
  qx: (v: number) => number | null,
  round: (v: number) => number | null,
): { x: (number | null)[]; y: (number | null)[] } {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  for (let i = 0; i < xs.length; i++) {
    x.push(qx(xs[i]));
    y.push(round(ys[i]));
    const next = xs[i + 1];
    if (next !== undefined && breaks.some((b) => b >= xs[i] && b <= next)) {
      x.push(qx((xs[i] + next) / 2));
      y.push(null);
    }
  }
  return { x, y };
}

// The f′ panel's range covers autodiff's values and the finite differences away from the marks,
// so a spike of the finite difference cannot flatten the curve.
function paddedRange(...series: Float64Array[]): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series)
    for (const v of s)
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  if (!(lo <= hi)) return undefined;
  const pad = 0.1 * (hi - lo || Math.max(1, Math.abs(hi)));
  return [significant(lo - pad, 4) ?? lo - pad, significant(hi + pad, 4) ?? hi + pad];
}

// "kink", "jumps", "kink and jump": what the marker trace's legend entry says.
function markName(kinks: KinkMark[]): string {
  const count = (kind: string): number => kinks.filter((k) => k.kind === kind).length;
  const word = (kind: string): string | null => {
    const n = count(kind);
    return n === 0 ? null : n === 1 ? kind : `${kind}s`;
  };
  return [word("kink"), word("jump")].filter((w) => w !== null).join(" and ") || "marks";
}

/**
 * f, its autodiff derivative and the central finite-difference estimate on an interval, with
 * kinks and jumps marked. f receives a 1-D tensor of all sample points and must work
 * elementwise. The figure's `kinks` lists what was marked.
 * @example
 * const fig = plot.derivative((x) => x.abs().add(x.relu().mul(2)), { range: [-2, 2] });
 * fig.kinks; // [{ x: 0, kind: "kink", left: -1, right: 3 }]
 */
export function derivative(f: Function1D, opts: DerivativeOptions = {}): DerivativeFigure {
  const where = "plot.derivative";
  const [a, b] = checkRange(where, "range", opts.range, [-3, 3]);
  const asked = checkCount(where, "n", opts.n ?? 401);
  const n = Math.min(asked, MAX_SAMPLES);
  const notes: string[] = [];
  if (n !== asked) notes.push(`downsampled from ${asked} to ${n} samples`);
  const span = b - a;
  const xs = evenlySpaced(a, b, n);
  const h = 1e-5 * Math.max(1, span);
  // one call: the samples, then the samples shifted by +h and −h for the finite difference
  const all = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    all[i] = xs[i];
    all[n + i] = xs[i] + h;
    all[2 * n + i] = xs[i] - h;
  }
  const { values: allValues, gradX } = evaluate1D(where, f, all);
  const values = allValues.slice(0, n);
  const grads = gradX.slice(0, n);
  const fd = new Float64Array(n);
  for (let i = 0; i < n; i++) fd[i] = (allValues[n + i] - allValues[2 * n + i]) / (2 * h);

  const kinks =
    opts.kinks === false
      ? []
      : Array.isArray(opts.kinks)
        ? givenKinks(f, opts.kinks)
        : findKinks(f, xs, values, grads, span);
  // agreement away from the marked points, as a number the reader can check
  let worst = 0;
  for (let i = 0; i < n; i++) {
    if (kinks.some((k) => Math.abs(xs[i] - k.x) <= 2 * h + span / (n - 1))) continue;
    const e = Math.abs(grads[i] - fd[i]) / Math.max(1, Math.abs(fd[i]));
    if (Number.isFinite(e)) worst = Math.max(worst, e);
  }
  notes.push(`max relative |f′ − finite difference| ${significant(worst, 2)} away from kinks`);
  if (kinks.length > 0)
    notes.push(
      `${kinks.map((k) => `${k.kind} at x=${fmt(k.x)} (f′ ${fmt(k.left)} | ${fmt(k.right)})`).join(", ")}`,
    );

  // the finite difference straddling a kink or jump measures the break, not a derivative
  const nearMark = (xi: number): boolean => kinks.some((k) => Math.abs(xi - k.x) <= 2 * h);
  const fdShown = fd.map((v, i) => (nearMark(xs[i]) ? NaN : v));
  const qx = quantizer(span);
  const round = (v: number): number | null => significant(v, 6, 1e-12);
  const jumps = kinks.filter((k) => k.kind === "jump").map((k) => k.x);
  const allMarks = kinks.map((k) => k.x);
  const xTitle = opts.xLabel ?? parameterNames(f)[0] ?? "x";
  const data: PlotlyTrace[] = [
    {
      type: "scatter",
      mode: "lines",
      name: "f(x)",
      ...brokenAt(xs, values, jumps, qx, round),
      line: { color: "#1f77b4", width: 2 },
      yaxis: "y",
    },
    {
      type: "scatter",
      mode: "lines",
      name: "f′(x) autodiff",
      ...brokenAt(xs, grads, allMarks, qx, round),
      line: { color: "#d62728", width: 2 },
      yaxis: "y2",
    },
    {
      type: "scatter",
      mode: "lines",
      name: "finite difference",
      ...brokenAt(xs, fdShown, allMarks, qx, round),
      line: { color: "#ff7f0e", width: 2, dash: "dot" },
      yaxis: "y2",
    },
  ];
  const shapes: Record<string, unknown>[] = [];
  if (kinks.length > 0) {
    const fAt = evaluate1D(
      where,
      f,
      Float64Array.from(kinks, (k) => k.x),
      false,
    ).values;
    const text = kinks.map(
      (k) => `${k.kind} at x=${fmt(k.x)}<br>f′(x⁻)=${fmt(k.left)}, f′(x⁺)=${fmt(k.right)}`,
    );
    data.push({
      type: "scatter",
      mode: "markers",
      name: markName(kinks),
      x: kinks.map((k) => k.x),
      y: Array.from(fAt, (v) => significant(v, 6)),
      marker: { symbol: "x", size: 11, color: "#111" },
      text,
      hoverinfo: "text",
      yaxis: "y",
    });
    const sideX: number[] = [];
    const sideY: (number | null)[] = [];
    const sideText: string[] = [];
    for (const k of kinks) {
      for (const [side, v] of [
        ["left", k.left],
        ["right", k.right],
      ] as const) {
        if (!Number.isFinite(v)) continue;
        sideX.push(k.x);
        sideY.push(significant(v, 6));
        sideText.push(`${side} derivative at x=${fmt(k.x)}: ${fmt(v)}`);
      }
      shapes.push({
        type: "line",
        xref: "x",
        yref: "paper",
        x0: k.x,
        x1: k.x,
        y0: 0,
        y1: 1,
        line: { color: "#888", width: 1, dash: "dash" },
      });
    }
    if (sideX.length > 0) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: "one-sided f′",
        x: sideX,
        y: sideY,
        text: sideText,
        hoverinfo: "text",
        marker: { symbol: "circle-open", size: 10, color: "#9467bd", line: { width: 2 } },
        yaxis: "y2",
      });
    }
  }
  const layout = baseLayout(opts, {
    xaxis: { title: { text: xTitle }, anchor: "y2", range: [a, b] },
    yaxis: { title: { text: opts.yLabel ?? "f" }, domain: [0.55, 1] },
    yaxis2: { title: { text: "f′" }, domain: [0, 0.45], range: paddedRange(grads, fdShown) },
    shapes,
    legend: { orientation: "h", y: -0.15 },
    height: opts.height ?? 520,
  });
  const fig = new Figure(data, layout, { kind: "derivative", notes }) as Figure & { kinks: KinkMark[] };
  fig.kinks = kinks;
  return fig;
}
