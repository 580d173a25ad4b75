// A self-contained HTML report of an executed notebook: markdown rendered, code with its
// execution count, every output in its richest displayable form. plotly.js travels inside the
// page once, in a loader output placed before the first figure (singlePlotlyLoader), so the
// page needs no network even when cells were cleared or run out of order.

import type { Cell, CellOutput, Notebook } from "../runner/notebookFormat.js";
import { joinSource } from "../runner/notebookFormat.js";
import { ansiToHtml } from "./ansiToHtml.js";
import { escapeHtml, renderMarkdown } from "./markdownRenderer.js";
import { singlePlotlyLoader, PLOTLY_MIME } from "./plotlyOutputs.js";
import { REPORT_CSS } from "./reportStyle.js";
import { figureHtml } from "../../src/plot/figureHtml.js";
import { savedState, WIDGET_NOTE, WIDGET_VIEW_MIME, widgetStateHtml, widgetViewHtml } from "./widgetEmbed.js";

/** Display preference, richest first (what Jupyter front ends pick too). */
const MIME_ORDER = [
  "text/html",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "text/markdown",
  "text/latex",
  "application/json",
  "text/plain",
];

/**
 * Renders an executed notebook as one HTML page.
 * @example writeFileSync("report.html", notebookToHtml(nb, { title: "MSE and its gradient" }));
 */
export function notebookToHtml(nb: Notebook, opts: { title?: string } = {}): string {
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  singlePlotlyLoader(copy);
  const title = opts.title ?? firstHeading(copy) ?? "gradlab notebook";
  const body = copy.cells.map(renderCell).join("\n");
  const widgets = savedState(copy) !== undefined;
  return [
    "<!DOCTYPE html>",
    `<html lang="en"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="gradlab run">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style></head>`,
    widgets ? `<body class="widgets-saved"><main>` : `<body><main>`,
    runHeader(copy),
    widgets ? WIDGET_NOTE : "",
    body,
    `</main>`,
    widgetStateHtml(copy),
    `</body></html>`,
    "",
  ].join("\n");
}

function firstHeading(nb: Notebook): string | undefined {
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const m = /^#{1,6}\s+(.+)$/m.exec(joinSource(cell.source));
    if (m) return m[1].replace(/[*_`]/g, "").trim();
  }
  return undefined;
}

function runHeader(nb: Notebook): string {
  const run = nb.metadata["gradlab"] as Record<string, unknown> | undefined;
  if (!run) return "";
  const params = run["parameters"] as Record<string, unknown> | undefined;
  const paramText =
    params && Object.keys(params).length > 0
      ? ` · parameters <code>${escapeHtml(JSON.stringify(params))}</code>`
      : "";
  return (
    `<header class="run">Executed by gradlab ${escapeHtml(String(run["gradlab_version"] ?? ""))} ` +
    `on Node ${escapeHtml(String(run["node_version"] ?? ""))} · seed ${escapeHtml(String(run["seed"] ?? ""))} · ` +
    `started ${escapeHtml(String(run["start_time"] ?? ""))}${paramText}</header>`
  );
}

function renderCell(cell: Cell): string {
  if (cell.cell_type === "markdown") {
    return `<section class="cell markdown" id="cell-${escapeHtml(cell.id)}">\n${renderMarkdown(joinSource(cell.source))}\n</section>`;
  }
  if (cell.cell_type === "raw") {
    return `<section class="cell raw"><pre>${escapeHtml(joinSource(cell.source))}</pre></section>`;
  }
  const count = cell.execution_count === null ? " " : String(cell.execution_count);
  const outputs = cell.outputs.map(renderOutput).join("\n");
  const duration = (cell.metadata["gradlab"] as { duration_ms?: number } | undefined)?.duration_ms;
  return (
    `<section class="cell code" id="cell-${escapeHtml(cell.id)}">` +
    `<div class="input"><div class="prompt">[${count}]:</div><pre><code class="language-typescript">${escapeHtml(joinSource(cell.source))}</code></pre></div>` +
    (outputs ? `\n<div class="outputs">\n${outputs}\n</div>` : "") +
    (duration !== undefined ? `\n<div class="duration">${(duration / 1000).toFixed(2)} s</div>` : "") +
    `</section>`
  );
}

/**
 * One output as HTML.
 * @example renderOutput({ output_type: "stream", name: "stdout", text: "hi\n" }) // '<div class="output stream stdout"><pre>hi\n</pre></div>'
 */
export function renderOutput(out: CellOutput): string {
  switch (out.output_type) {
    case "stream":
      return `<div class="output stream ${out.name}"><pre>${ansiToHtml(joinSource(out.text))}</pre></div>`;
    case "error":
      return `<div class="output error"><pre>${ansiToHtml(out.traceback.length ? out.traceback.join("\n") : `${out.ename}: ${out.evalue}`)}</pre></div>`;
    default:
      return `<div class="output ${out.output_type}">${renderBundle(out.data)}</div>`;
  }
}

function renderBundle(data: Record<string, unknown>): string {
  const text = (mime: string): string => {
    const v = data[mime];
    return typeof v === "string" || Array.isArray(v) ? joinSource(v as string[]) : JSON.stringify(v, null, 2);
  };
  if (WIDGET_VIEW_MIME in data) return widgetViewHtml(data[WIDGET_VIEW_MIME], text("text/plain"));
  if (!("text/html" in data) && PLOTLY_MIME in data) {
    const fig = data[PLOTLY_MIME] as {
      data?: unknown[];
      layout?: Record<string, unknown>;
      config?: Record<string, unknown>;
    };
    return figureHtml({
      data: fig.data ?? [],
      layout: fig.layout ?? {},
      config: fig.config ?? {},
      needsFull: false,
      summary: "plotly figure",
    });
  }
  const mime = MIME_ORDER.find((m) => m in data);
  switch (mime) {
    case "text/html":
      return text(mime);
    case "image/svg+xml":
      return text(mime);
    case "image/png":
    case "image/jpeg":
    case "image/gif":
      return `<img src="data:${mime};base64,${text(mime).replace(/\s/g, "")}" alt="figure">`;
    case "text/markdown":
      return renderMarkdown(text(mime));
    case "text/latex":
      return `<div class="math display">${escapeHtml(text(mime))}</div>`;
    case "application/json":
      return `<pre>${escapeHtml(text(mime))}</pre>`;
    case "text/plain":
      return `<pre>${ansiToHtml(text(mime))}</pre>`;
    default:
      return "";
  }
}
