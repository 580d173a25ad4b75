// Recognizing gradlab's plotly outputs in an executed notebook and fixing what a saved
// notebook needs that a live session did not: the plotly.js loader output before the first
// figure, once (cells cleared or run out of order leave figures without it; a session that
// drew 3-D after 2-D figures sent both builds).

import type {
  CellOutput,
  DisplayDataOutput,
  ExecuteResultOutput,
  Notebook,
} from "../runner/notebookFormat.js";
import { joinSource } from "../runner/notebookFormat.js";
import { plotlyLoaderBundle, type PlotlyBundleKind } from "../../src/plot/plotlyLoader.js";

/** The MIME type plotly figures carry their JSON under. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

type RichOutput = DisplayDataOutput | ExecuteResultOutput;

function htmlOf(out: CellOutput): string {
  if (out.output_type !== "display_data" && out.output_type !== "execute_result") return "";
  const html = out.data["text/html"];
  return typeof html === "string" || Array.isArray(html) ? joinSource(html as string | string[]) : "";
}

/**
 * True for the output that loads plotly.js into the page (src/plot's plotlyLoaderBundle).
 * @example isPlotlyLoader({ output_type: "display_data", data: plotlyLoaderBundle("cartesian"), metadata: {} }) // true
 */
export function isPlotlyLoader(out: CellOutput): out is RichOutput {
  return htmlOf(out).includes('class="gradlab-plotly-loader"');
}

/**
 * Which plotly.js build a loader output carries.
 * @example loaderKind({ output_type: "display_data", data: plotlyLoaderBundle("full"), metadata: {} }) // "full"
 */
export function loaderKind(out: RichOutput): PlotlyBundleKind {
  return htmlOf(out).includes("(full build)") ? "full" : "cartesian";
}

/**
 * True for an output showing a plotly figure (gradlab's div + script, or bare plotly JSON).
 * @example isPlotlyFigure({ output_type: "display_data", data: { "application/vnd.plotly.v1+json": { data: [] } }, metadata: {} }) // true
 */
export function isPlotlyFigure(out: CellOutput): out is RichOutput {
  if (out.output_type !== "display_data" && out.output_type !== "execute_result") return false;
  return PLOTLY_MIME in out.data || htmlOf(out).includes('class="gradlab-figure"');
}

/**
 * Whether the figure needs the full plotly.js build (3-D traces).
 * @example figureNeedsFull(surfaceOutput) // true for a plot.lossSurface figure
 */
export function figureNeedsFull(out: RichOutput): boolean {
  return htmlOf(out).includes("needsFull=true");
}

/**
 * Inserts a plotly.js loader output right before the first figure when no loader covering
 * every figure precedes it. Returns true when the notebook changed.
 * @example ensurePlotlyLoader(nb); // after cells were cleared or re-run out of order
 */
export function ensurePlotlyLoader(nb: Notebook): boolean {
  const figures: RichOutput[] = [];
  let loaded: PlotlyBundleKind | null = null;
  let first: { outputs: CellOutput[]; index: number } | null = null;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs.forEach((out, index) => {
      if (isPlotlyLoader(out) && first === null) loaded = loaded === "full" ? "full" : loaderKind(out);
      if (isPlotlyFigure(out)) {
        figures.push(out);
        first ??= { outputs: cell.outputs, index };
      }
    });
  }
  if (first === null) return false;
  const needed: PlotlyBundleKind = figures.some(figureNeedsFull) ? "full" : "cartesian";
  if (loaded === "full" || loaded === needed) return false;
  const at = first as { outputs: CellOutput[]; index: number };
  at.outputs.splice(at.index, 0, {
    output_type: "display_data",
    data: plotlyLoaderBundle(needed),
    metadata: {},
  });
  return true;
}

/**
 * Leaves exactly one plotly.js loader, right before the first figure, of the build every figure
 * needs (a session that showed a 3-D figure after 2-D ones sent both builds; cells cleared or run
 * out of order left none before the first figure). For saved notebooks and reports, which are
 * read as a whole page.
 * @example singlePlotlyLoader(copyOfNotebook); // then render it
 */
export function singlePlotlyLoader(nb: Notebook): void {
  let kind: PlotlyBundleKind = "cartesian";
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    for (const out of cell.outputs) {
      if (
        (isPlotlyLoader(out) && loaderKind(out) === "full") ||
        (isPlotlyFigure(out) && figureNeedsFull(out))
      )
        kind = "full";
    }
    cell.outputs = cell.outputs.filter((out) => !isPlotlyLoader(out));
  }
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    const first = cell.outputs.findIndex(isPlotlyFigure);
    if (first < 0) continue;
    cell.outputs.splice(first, 0, {
      output_type: "display_data",
      data: plotlyLoaderBundle(kind),
      metadata: {},
    });
    return;
  }
}
