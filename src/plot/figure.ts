// A Figure is plain plotly.js JSON (data + layout) that knows how to show itself: in the
// gradlab kernel through Symbol.for("Jupyter.display"), and anywhere else as a
// self-contained HTML page.
import { writeFile } from "node:fs/promises";
import { JUPYTER_DISPLAY, displayHost, type MimeBundle } from "../displayHost.js";
import { figureHtml } from "./figureHtml.js";
import { ensurePlotlyLoaded, plotlyScriptTag, type PlotlyBundleKind } from "./plotlyLoader.js";

/** One plotly.js trace, as plain JSON (`{type: "scatter", x: [...], y: [...]}`). */
export type PlotlyTrace = { type: string; [key: string]: unknown };
/** A plotly.js layout, as plain JSON. */
export type PlotlyLayout = Record<string, unknown>;

/** Options every figure function takes. */
export interface FigureOptions {
  title?: string;
  /** Pixels; without it the figure fills the output's width. */
  width?: number;
  /** Pixels (default 450 in plotly). */
  height?: number;
  /** x axis title (each figure has a default: the function's parameter name, "step", ...). */
  xLabel?: string;
  /** y axis title (each figure has a default). */
  yLabel?: string;
}

// Trace types the cartesian build of plotly.js registers; anything else needs the full build.
const CARTESIAN_TYPES = new Set([
  "scatter",
  "bar",
  "box",
  "heatmap",
  "histogram",
  "histogram2d",
  "histogram2dcontour",
  "contour",
  "image",
  "pie",
  "violin",
]);

/** The mime type JupyterLab (jupyterlab-plotly), VS Code and nteract draw natively. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

function rangeOf(values: unknown): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  const visit = (v: unknown): void => {
    if (typeof v === "number") {
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    } else if (Array.isArray(v)) for (const item of v) visit(item);
  };
  visit(values);
  return lo <= hi ? [lo, hi] : undefined;
}

function formatNumber(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

/**
 * A deep copy where typed arrays and tensors (anything with shape + toArray) became plain
 * arrays and non-finite numbers null: JSON.stringify would turn a Float64Array into an
 * object with numbered keys, which plotly cannot draw.
 * @example
 * plainJson({ y: Float64Array.of(1, NaN) }); // { y: [1, null] }
 */
export function plainJson(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== "object") return value;
  if (ArrayBuffer.isView(value))
    return Array.from(value as unknown as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : null));
  if (Array.isArray(value)) return value.map(plainJson);
  const o = value as Record<string, unknown>;
  if (Array.isArray(o.shape) && typeof o.toArray === "function")
    return plainJson((o.toArray as () => unknown)());
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = plainJson(v);
  return out;
}

/**
 * A plotly.js figure. `fig.data` and `fig.layout` are the plain JSON plotly.js draws;
 * edit them freely before displaying or saving.
 * @example
 * const fig = new Figure([{ type: "scatter", x: [0, 1, 2], y: [1, 0, 4] }], { title: { text: "demo" } });
 * fig.layout.yaxis = { type: "log" };
 * await fig.save("demo.html");
 */
export class Figure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  /** plotly.js config (displaylogo, responsive, ...). */
  config: Record<string, unknown>;
  /** Which figure function made it ("lossCurve", "gradientField", ...); "figure" for hand-made ones. */
  readonly kind: string;
  /** Things the reader should know (e.g. "downsampled from 80×80 to 30×30 arrows"). */
  readonly notes: string[];

  constructor(
    data: PlotlyTrace[],
    layout: PlotlyLayout = {},
    opts: { kind?: string; notes?: string[]; config?: Record<string, unknown> } = {},
  ) {
    this.data = data;
    this.layout = layout;
    this.config = opts.config ?? { responsive: true, displaylogo: false };
    this.kind = opts.kind ?? "figure";
    this.notes = opts.notes ?? [];
  }

  /** The plotly.js build this figure needs: "full" when any trace is 3-D (or otherwise non-cartesian). */
  requiredBundle(): PlotlyBundleKind {
    return this.data.every((t) => CARTESIAN_TYPES.has(t.type ?? "scatter")) ? "cartesian" : "full";
  }

  /**
   * The JSON plotly.js and the plotly MIME type take: `{data, layout, config}`, with typed
   * arrays and tensors in the traces turned into plain arrays.
   * @example
   * JSON.stringify(fig.toJSON());
   */
  toJSON(): { data: PlotlyTrace[]; layout: PlotlyLayout; config: Record<string, unknown> } {
    return plainJson({ data: this.data, layout: this.layout, config: this.config }) as {
      data: PlotlyTrace[];
      layout: PlotlyLayout;
      config: Record<string, unknown>;
    };
  }

  /**
   * One line: kind, traces, axis ranges, notes.
   * @example
   * fig.summary(); // 'gradientField "Himmelblau": 2 traces (contour, scatter), x ∈ [-5, 5], y ∈ [-5, 5]'
   */
  summary(): string {
    const titleValue = this.layout.title;
    const title =
      typeof titleValue === "string" ? titleValue : (titleValue as { text?: string } | undefined)?.text;
    const types = this.data.map((t) => t.type ?? "scatter");
    const plain = plainJson(this.data) as PlotlyTrace[];
    const parts = [
      `${this.kind}${title ? ` "${title}"` : ""}: ${this.data.length} trace${this.data.length === 1 ? "" : "s"} (${[...new Set(types)].join(", ")})`,
    ];
    for (const axis of ["x", "y", "z"] as const) {
      const fixed = (this.layout[`${axis}axis`] as { range?: unknown } | undefined)?.range;
      const range =
        Array.isArray(fixed) && fixed.length === 2 && fixed.every((v) => typeof v === "number")
          ? (fixed as [number, number])
          : rangeOf(
              plain
                .filter((t) => !(axis === "z" && (t.type === "contour" || t.type === "heatmap")))
                .map((t) => t[axis]),
            );
      if (range) parts.push(`${axis} ∈ [${formatNumber(range[0])}, ${formatNumber(range[1])}]`);
    }
    return [parts.join(", "), ...this.notes].join("; ");
  }

  /**
   * The MIME bundle with no side effects: plotly JSON, the div + script HTML, a text summary.
   * @example
   * const bundle = fig.mimeBundle(); // {"application/vnd.plotly.v1+json": ..., "text/html": ..., "text/plain": ...}
   */
  mimeBundle(parts: { json?: boolean } = {}): MimeBundle {
    const summary = this.summary();
    const bundle: MimeBundle = {};
    const json = this.toJSON();
    if (parts.json !== false) bundle[PLOTLY_MIME] = json;
    bundle["text/html"] = figureHtml({
      data: json.data,
      layout: json.layout,
      config: json.config,
      needsFull: this.requiredBundle() === "full",
      summary,
    });
    bundle["text/plain"] = `Figure(${summary})`;
    return bundle;
  }

  /**
   * Called by the gradlab kernel to show the figure. Sends plotly.js first (once per
   * kernel session, through the display host), then returns the figure's bundle.
   * @example
   * fig; // as a cell's last expression, the kernel calls this
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    ensurePlotlyLoaded(this.requiredBundle(), displayHost());
    return this.mimeBundle();
  }

  /**
   * A complete, offline HTML page: plotly.js inlined (the cartesian build, or the full
   * one when a 3-D trace is present) and the figure.
   * @example
   * import { writeFileSync } from "node:fs";
   * writeFileSync("fig.html", fig.toHTML());
   */
  toHTML(): string {
    const titleValue = this.layout.title;
    const title =
      typeof titleValue === "string"
        ? titleValue
        : ((titleValue as { text?: string } | undefined)?.text ?? `gradlab ${this.kind}`);
    const safeTitle = title.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    return (
      `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${safeTitle}</title></head>\n<body>\n` +
      `${plotlyScriptTag(this.requiredBundle())}\n${this.mimeBundle({ json: false })["text/html"] as string}\n</body></html>\n`
    );
  }

  /**
   * Writes the figure to a file: `.json` gets the plotly JSON, anything else the HTML page.
   * Resolves to the path written.
   * @example
   * await fig.save("loss.html");
   */
  async save(path: string): Promise<string> {
    const text = path.toLowerCase().endsWith(".json") ? JSON.stringify(this.toJSON()) : this.toHTML();
    await writeFile(path, text, "utf8");
    return path;
  }

  /** The text summary, e.g. when printed with console.log. */
  toString(): string {
    return `Figure(${this.summary()})`;
  }
}

/**
 * Title/size options as plotly layout keys, merged with a figure's own layout.
 * @example
 * baseLayout({ title: "loss", height: 300 }, { yaxis: { type: "log" } });
 */
export function baseLayout(opts: FigureOptions, extra: PlotlyLayout = {}): PlotlyLayout {
  const layout: PlotlyLayout = { ...extra };
  if (opts.title !== undefined && layout.title === undefined) layout.title = { text: opts.title };
  if (opts.width !== undefined) layout.width = opts.width;
  if (opts.height !== undefined) layout.height = opts.height;
  if (layout.margin === undefined)
    layout.margin = { t: opts.title !== undefined ? 50 : 30, r: 20, b: 50, l: 60 };
  return layout;
}

/**
 * Figures with locked axis scales (scaleanchor) waste the output's width when stretched, so
 * without a size they get a near-square one that leaves room for two colour bars.
 * @example
 * baseLayout(squareDefaults(opts), {...});
 */
export function squareDefaults(opts: FigureOptions): FigureOptions {
  if (opts.width !== undefined || opts.height !== undefined) return opts;
  return { ...opts, width: 760, height: 600 };
}
