// Loss curves of one or several training runs on one chart: training loss (optionally
// EMA-smoothed over a faint raw curve) and validation loss, linear or log scale.
import { Figure, baseLayout, type FigureOptions, type PlotlyTrace } from "./figure.js";
import { emaSmooth, toLossRuns, type HistoriesLike, type LossRun } from "./lossSeries.js";
import { significant } from "./compactNumbers.js";

export interface LossCurveOptions extends FigureOptions {
  /** Logarithmic y axis (default false). */
  logY?: boolean;
  /** EMA weight in [0, 1) for the training loss (default 0: none); the raw curve stays, faint. */
  smoothing?: number;
  /** Draw validation loss when present (default true). */
  validation?: boolean;
}

/** Colours of successive runs (plotly's defaults, so they match other plotly figures). */
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

/**
 * The loss-curve figure of already-normalized runs (shared with liveLossCurve).
 * @example
 * lossCurveFromRuns(toLossRuns({ sgd: [1, 0.5] }), { logY: true });
 */
export function lossCurveFromRuns(runs: LossRun[], opts: LossCurveOptions): Figure {
  const smoothing = opts.smoothing ?? 0;
  const single = runs.length === 1;
  const data: PlotlyTrace[] = [];
  const finals: string[] = [];
  const notes: string[] = [];
  runs.forEach((run, i) => {
    if (run.loss.length > MAX_CURVE_POINTS)
      notes.push(
        `${run.name}: ${run.loss.length} steps shown as ${Math.ceil(run.loss.length / Math.ceil(run.loss.length / MAX_CURVE_POINTS))} bucket means`,
      );
    const raw = bucketMeans(run.steps, run.loss, MAX_CURVE_POINTS);
    const smooth =
      smoothing > 0 ? bucketMeans(run.steps, emaSmooth(run.loss, smoothing), MAX_CURVE_POINTS) : raw;
    const val = bucketMeans(run.valSteps, run.valLoss, MAX_CURVE_POINTS);
    const color = RUN_COLORS[i % RUN_COLORS.length];
    const trainName = single ? "train" : `${run.name} (train)`;
    if (smoothing > 0) {
      data.push({
        type: "scatter",
        mode: "lines",
        name: `${trainName}, raw`,
        x: roundedSteps(raw.steps),
        y: rounded(raw.values),
        line: { color, width: 1 },
        opacity: 0.3,
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
    if ((opts.validation ?? true) && run.valLoss.length > 0) {
      data.push({
        type: "scatter",
        mode: run.valLoss.length <= 60 ? "lines+markers" : "lines",
        name: single ? "validation" : `${run.name} (val)`,
        x: roundedSteps(val.steps),
        y: rounded(val.values),
        line: { color, width: 2, dash: "dash" },
        marker: { size: 5 },
        legendgroup: run.name,
      });
    }
    const last = run.loss[run.loss.length - 1];
    if (last !== undefined) finals.push(`${single ? "final loss" : run.name} ${significant(last, 4)}`);
  });
  if (finals.length > 0) notes.push(single ? finals[0] : `final loss ${finals.join(", ")}`);
  if (opts.logY && runs.some((r) => r.loss.some((v) => v <= 0)))
    notes.push("values ≤ 0 are not shown on the log axis");
  const layout = baseLayout(opts, {
    xaxis: { title: { text: "step" } },
    yaxis: { title: { text: "loss" }, type: opts.logY ? "log" : "linear" },
    legend: { orientation: "h", y: -0.2 },
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
