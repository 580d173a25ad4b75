// Distributions of weights or gradients per layer. Bins are computed here (shared edges
// for every layer) so a million-weight layer is a few dozen numbers in the figure JSON.
import { Tensor } from "../tensor/tensor.js";
import { Figure, baseLayout, type FigureOptions, type PlotlyTrace } from "./figure.js";
import { RUN_COLORS } from "./lossCurve.js";
import { significant } from "./compactNumbers.js";
import { checkCount } from "./optionChecks.js";

/** Values to histogram: one tensor/array, a list, a record of layer names, or a model with parameters. */
export type HistogramInput =
  | Tensor
  | ArrayLike<number>
  | Array<Tensor | ArrayLike<number>>
  | Record<string, Tensor | ArrayLike<number>>
  | {
      /** A model's parameters with their names. */
      namedParameters(): Iterable<[string, Tensor]> | Record<string, Tensor>;
    }
  | {
      /** A model's parameters. */
      parameters(): Iterable<Tensor>;
    };

export interface HistogramOptions extends FigureOptions {
  /** "value" (default) or "grad": histogram each tensor's .grad (after backward). */
  of?: "value" | "grad";
  /** Number of bins (default 40). */
  bins?: number;
  /** Histogram log10|v| instead of v: layers whose gradients differ by orders of magnitude (default false). */
  logAbs?: boolean;
}

function layersOf(input: HistogramInput, where: string): [string, Tensor | ArrayLike<number>][] {
  if (input instanceof Tensor || ArrayBuffer.isView(input))
    return [["values", input as Tensor | ArrayLike<number>]];
  if (Array.isArray(input)) {
    if (input.every((v) => typeof v === "number")) return [["values", input as unknown as number[]]];
    return input.map((t, i) => [`param ${i}`, t as Tensor | ArrayLike<number>]);
  }
  if (typeof input === "object" && input !== null) {
    const o = input as Record<string, unknown>;
    if (typeof o.namedParameters === "function") {
      const named = (o.namedParameters as () => Iterable<[string, Tensor]> | Record<string, Tensor>)();
      return Symbol.iterator in Object(named)
        ? [...(named as Iterable<[string, Tensor]>)]
        : Object.entries(named as Record<string, Tensor>);
    }
    if (typeof o.parameters === "function") {
      return [...(o.parameters as () => Iterable<Tensor>)()].map((t, i) => [`param ${i}`, t]);
    }
    return Object.entries(o).map(([k, v]) => {
      if (!(v instanceof Tensor) && !Array.isArray(v) && !ArrayBuffer.isView(v))
        throw new Error(`${where}: layer "${k}" is not a Tensor or number[] (got ${typeof v})`);
      return [k, v as Tensor | ArrayLike<number>];
    });
  }
  throw new Error(
    `${where}: expected a Tensor, number[], a list or a record of them, or a model with parameters(); got ${typeof input}`,
  );
}

function valuesOf(
  name: string,
  v: Tensor | ArrayLike<number>,
  of: "value" | "grad",
  where: string,
): Float64Array {
  if (v instanceof Tensor) {
    if (of === "grad") {
      if (v.grad === null)
        throw new Error(
          `${where}: "${name}" (shape [${v.shape.join(", ")}]) has no gradient yet; call loss.backward() before plotting gradients`,
        );
      return Float64Array.from(v.grad.data);
    }
    return Float64Array.from(v.data);
  }
  if (of === "grad")
    throw new Error(
      `${where}: "${name}" is a plain array, it has no .grad; pass the parameter tensors to plot gradients`,
    );
  return Float64Array.from(v);
}

/**
 * Histograms of weights (or, with `of: "grad"`, gradients) per layer, overlaid on shared bins.
 * @example
 * const net = { w1: randn([2, 3]), w2: randn([3, 1]) };
 * net.w1.requiresGrad = true;
 * net.w2.requiresGrad = true;
 * net.w1.matmul(net.w2).sum().backward();
 * plot.histogram(net, { of: "grad", logAbs: true, title: "gradients per layer" });
 */
export function histogram(input: HistogramInput, opts: HistogramOptions = {}): Figure {
  const where = "plot.histogram";
  const of = opts.of ?? "value";
  const bins = checkCount(where, "bins", opts.bins ?? 40, 1);
  const layers = layersOf(input, where).map(([name, v]) => {
    let vals = valuesOf(name, v, of, where);
    if (opts.logAbs) vals = vals.filter((x) => x !== 0).map((x) => Math.log10(Math.abs(x)));
    return { name, vals: vals.filter((x) => Number.isFinite(x)) };
  });
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of layers)
    for (const v of l.vals) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (!(lo <= hi)) {
    lo = 0;
    hi = 1;
  }
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const centers = Array.from({ length: bins }, (_, i) => significant(lo + (i + 0.5) * width, 6));
  const notes: string[] = [];
  const data: PlotlyTrace[] = layers.map((l, k) => {
    const counts = new Array<number>(bins).fill(0);
    let sum = 0;
    let sq = 0;
    for (const v of l.vals) {
      counts[Math.min(bins - 1, Math.floor((v - lo) / width))] += 1;
      sum += v;
      sq += v * v;
    }
    const mean = l.vals.length > 0 ? sum / l.vals.length : NaN;
    const std = l.vals.length > 0 ? Math.sqrt(Math.max(0, sq / l.vals.length - mean * mean)) : NaN;
    notes.push(`${l.name}: n=${l.vals.length} mean ${significant(mean, 3)} std ${significant(std, 3)}`);
    return {
      type: "bar",
      name: l.name,
      x: centers,
      y: counts,
      width: significant(width, 6),
      opacity: layers.length > 1 ? 0.55 : 0.85,
      marker: { color: RUN_COLORS[k % RUN_COLORS.length] },
      hovertemplate: `${l.name}<br>${opts.logAbs ? "log₁₀|v|" : "v"} ≈ %{x:.3g}<br>count %{y}<extra></extra>`,
    };
  });
  const what = of === "grad" ? "gradient" : "value";
  const layout = baseLayout(opts, {
    barmode: "overlay",
    bargap: 0,
    // outside ticks move the x labels down, clear of the y axis's "0" at the corner
    xaxis: {
      title: { text: opts.xLabel ?? (opts.logAbs ? `log₁₀ |${what}|` : what) },
      ticks: "outside",
      ticklen: 5,
      tickcolor: "rgba(0,0,0,0)",
    },
    yaxis: { title: { text: opts.yLabel ?? "count" } },
  });
  return new Figure(data, layout, { kind: "histogram", notes });
}
