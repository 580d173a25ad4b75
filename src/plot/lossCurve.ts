// Loss curves of one or several training runs on one chart: training loss (EMA-smoothed over
// a faint raw curve when it is noisy) and validation loss, linear or log scale.
import { Figure, baseLayout, type FigureOptions, type PlotlyTrace } from "./figure.js";
import { emaSmooth, toLossRuns, type HistoriesLike, type LossRun } from "./lossSeries.js";
import { significant } from "./compactNumbers.js";
import { logAxisLayout } from "./axisTicks.js";

export interface LossCurveOptions extends FigureOptions {
  /** Logarithmic y axis (default false). */
  logY?: boolean;
  /**
   * EMA weight in [0, 1) for the training loss, drawn over the faint raw curve; 0 draws the raw
   * curve alone. Default "auto": a noisy curve (minibatch losses) is smoothed, a smooth one is not.
   */
  smoothing?: number | "auto";
  /** Draw validation loss when present (default true). */
  validation?: boolean;
}

/** Colours of successive series (plotly's defaults, so they match other plotly figures). */
export const RUN_COLORS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

// Several runs with validation: each run keeps its hue, validation takes the hue's light
// partner (d3's category20 pairs), so train and validation differ in colour and not only in dash.
const PAIRED_COLORS: Array<[string, string]> = [
  ["#1f77b4", "#7fb2dc"],
  ["#ff7f0e", "#ffb26b"],
  ["#2ca02c", "#84d17a"],
  ["#d62728", "#ff8f8c"],
  ["#9467bd", "#c5b0d5"],
  ["#8c564b", "#c49c94"],
  ["#e377c2", "#f7b6d2"],
  ["#7f7f7f", "#c7c7c7"],
  ["#bcbd22", "#dbdb8d"],
  ["#17becf", "#9edae5"],
];

/**
 * How rough a curve is: the share of steps where its direction flips. A smooth descent scores
 * near 0, minibatch noise near 0.5 or more.
 * @example
 * roughness([3, 2, 1, 0.5]); // 0
 */
export function roughness(values: readonly number[]): number {
  let flips = 0;
  let prev = 0;
  for (let i = 1; i < values.length; i++) {
    const d = Math.sign(values[i] - values[i - 1]);
    if (d !== 0 && prev !== 0 && d !== prev) flips += 1;
    if (d !== 0) prev = d;
  }
  return values.length > 2 ? flips / (values.length - 2) : 0;
}

/**
 * The EMA weight "auto" smoothing picks: none for short or smooth curves, more for longer noisy ones.
 * @example
 * autoSmoothing(noisyMinibatchLosses); // 0.8
 */
export function autoSmoothing(values: readonly number[]): number {
  if (values.length < 20 || roughness(values) < 0.2) return 0;
  return values.length < 100 ? 0.6 : values.length < 1000 ? 0.8 : 0.9;
}

function rounded(values: readonly number[]): (number | null)[] {
  return values.map((v) => significant(v, 5));
}

// steps stay exact integers unless bucket means made them fractional
function roundedSteps(steps: readonly number[]): (number | null)[] {
  return steps.map((v) => significant(v, 9));
}

/** Most points a curve sends; longer runs are averaged in buckets (the figure JSON stays small, live updates cheap). */
export const MAX_CURVE_POINTS = 2000;

/**
 * Averages consecutive points in equal buckets so at most `max` remain (steps averaged too).
 * @example
 * bucketMeans([1, 2, 3, 4], [4, 3, 2, 1], 2); // { steps: [1.5, 3.5], values: [3.5, 1.5] }
 */
export function bucketMeans(
  steps: readonly number[],
  values: readonly number[],
  max: number,
): { steps: number[]; values: number[] } {
  if (values.length <= max) return { steps: steps.slice(), values: values.slice() };
  const k = Math.ceil(values.length / max);
  const out = { steps: [] as number[], values: [] as number[] };
  for (let i = 0; i < values.length; i += k) {
    const end = Math.min(values.length, i + k);
    let s = 0;
    let v = 0;
    for (let j = i; j < end; j++) {
      s += steps[j];
      v += values[j];
    }
    out.steps.push(s / (end - i));
    out.values.push(v / (end - i));
  }
  return out;
}

function legendOffset(opts: LossCurveOptions): number {
  const plotHeight = (opts.height ?? 450) - (opts.title !== undefined ? 50 : 30) - 50;
  return Math.min(0.6, 62 / Math.max(plotHeight, 100));
}

/**
 * The loss-curve figure of already-normalized runs (shared with liveLossCurve).
 * @example
 * lossCurveFromRuns(toLossRuns({ sgd: [1, 0.5] }), { logY: true });
 */
export function lossCurveFromRuns(runs: LossRun[], opts: LossCurveOptions): Figure {
  const single = runs.length === 1;
  const paired = !single && runs.some((r) => r.valLoss.length > 0);
  const data: PlotlyTrace[] = [];
  const finals: string[] = [];
  const notes: string[] = [];
  runs.forEach((run, i) => {
    if (run.loss.length > MAX_CURVE_POINTS)
      notes.push(
        `${run.name}: ${run.loss.length} steps shown as ${Math.ceil(run.loss.length / Math.ceil(run.loss.length / MAX_CURVE_POINTS))} bucket means`,
      );
    const smoothing =
      opts.smoothing === undefined || opts.smoothing === "auto" ? autoSmoothing(run.loss) : opts.smoothing;
    const raw = bucketMeans(run.steps, run.loss, MAX_CURVE_POINTS);
    const smooth =
      smoothing > 0 ? bucketMeans(run.steps, emaSmooth(run.loss, smoothing), MAX_CURVE_POINTS) : raw;
    const val = bucketMeans(run.valSteps, run.valLoss, MAX_CURVE_POINTS);
    const color = paired ? PAIRED_COLORS[i % PAIRED_COLORS.length][0] : RUN_COLORS[i % RUN_COLORS.length];
    const valColor = single ? RUN_COLORS[1] : PAIRED_COLORS[i % PAIRED_COLORS.length][1];
    const hasVal = (opts.validation ?? true) && run.valLoss.length > 0;
    const trainName = single ? "train" : hasVal ? `${run.name} (train)` : run.name;
    if (smoothing > 0) {
      data.push({
        type: "scatter",
        mode: "lines",
        name: `${trainName}, raw`,
        x: roundedSteps(raw.steps),
        y: rounded(raw.values),
        line: { color, width: 1 },
        opacity: 0.25,
        legendgroup: run.name,
        showlegend: false,
        hoverinfo: "skip",
      });
    }
    data.push({
      type: "scatter",
      mode: "lines",
      name: trainName,
      x: roundedSteps(smooth.steps),
      y: rounded(smooth.values),
      line: { color, width: 2 },
      legendgroup: run.name,
    });
    if (hasVal) {
      data.push({
        type: "scatter",
        mode: run.valLoss.length <= 60 ? "lines+markers" : "lines",
        name: single ? "validation" : `${run.name} (val)`,
        x: roundedSteps(val.steps),
        y: rounded(val.values),
        line: { color: valColor, width: 2, dash: "dash" },
        marker: { size: 5, color: valColor },
        legendgroup: run.name,
      });
    }
    const last = run.loss[run.loss.length - 1];
    if (last !== undefined) finals.push(`${single ? "final loss" : run.name} ${significant(last, 4)}`);
  });
  if (finals.length > 0) notes.push(single ? finals[0] : `final loss ${finals.join(", ")}`);
  if (opts.logY && runs.some((r) => r.loss.some((v) => v <= 0)))
    notes.push("values ≤ 0 are not shown on the log axis");
  const positive = runs.flatMap((r) => [...r.loss, ...r.valLoss]).filter((v) => v > 0);
  const logTicks =
    opts.logY && positive.length > 0
      ? logAxisLayout(
          positive.reduce((a, b) => Math.min(a, b)),
          positive.reduce((a, b) => Math.max(a, b)),
        )
      : {};
  const layout = baseLayout(opts, {
    xaxis: { title: { text: opts.xLabel ?? "step" } },
    yaxis: { title: { text: opts.yLabel ?? "loss" }, type: opts.logY ? "log" : "linear", ...logTicks },
    // the legend sits a fixed distance below the x axis title, whatever the figure's height
    legend: { orientation: "h", yanchor: "top", y: -legendOffset(opts) },
    hovermode: "x unified",
  });
  return new Figure(data, layout, { kind: "lossCurve", notes });
}

/**
 * Loss curves of one or several runs. `histories` is a History (or `{loss, valLoss}`), a
 * `number[]`, an array of those, or a record of run names to those.
 * @example
 * plot.lossCurve({ sgd: sgdHistory, adam: adamHistory }, { logY: true, smoothing: 0.9, title: "SGD vs Adam" });
 */
export function lossCurve(histories: HistoriesLike, opts: LossCurveOptions = {}): Figure {
  return lossCurveFromRuns(toLossRuns(histories), opts);
}
