// Static pictures of plotly figures for places that run no scripts (GitHub, nbviewer, classic
// Notebook with an untrusted notebook): each figure is drawn once in headless Chromium
// (playwright-core) and its PNG placed inside the figure's div, which the figure's own script
// empties before plotly draws — so live pages show the interactive plot, static ones the image.
// The lean form instead keeps only the plotly JSON and the PNG of each figure.

import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Notebook } from "../runner/notebookFormat.js";
import { joinSource } from "../runner/notebookFormat.js";
import { isPlotlyFigure, isPlotlyLoader, figureNeedsFull, PLOTLY_MIME } from "./plotlyOutputs.js";
import { plotlyScriptTag } from "../../src/plot/plotlyLoader.js";

// Runs in the page (written as text: the project compiles without DOM types).
const DRAW_TO_PNG = `async function (fig) {
  const el = document.createElement("div");
  document.getElementById("stage").appendChild(el);
  const layout = Object.assign({}, fig.layout || {});
  const width = typeof layout.width === "number" ? layout.width : 800;
  const height = typeof layout.height === "number" ? layout.height : 450;
  await Plotly.newPlot(el, fig.data || [], Object.assign(layout, { width, height }), { staticPlot: true });
  const url = await Plotly.toImage(el, { format: "png", width, height });
  Plotly.purge(el);
  el.remove();
  return url;
}`;

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/**
 * The Chromium to use: the given path, else /usr/bin/chromium, else the first on PATH.
 * Returns null when there is none.
 * @example findChromium() // "/usr/bin/chromium"
 */
export function findChromium(given?: string, pathVar: string = process.env["PATH"] ?? ""): string | null {
  const runnable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (given !== undefined) return runnable(given) ? given : null;
  if (runnable("/usr/bin/chromium")) return "/usr/bin/chromium";
  for (const dir of pathVar.split(delimiter).filter(Boolean)) {
    for (const name of CANDIDATES) if (runnable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/**
 * The message `--static` (or `--lean`) prints when no Chromium is available.
 * @example console.error(noChromiumMessage());
 */
export function noChromiumMessage(given?: string, flag = "--static"): string {
  return given !== undefined
    ? `${flag} is unavailable: ${given} is not an executable Chromium; figures stay interactive-only`
    : `${flag} is unavailable: no Chromium found (looked for /usr/bin/chromium and ${CANDIDATES.join(", ")} on PATH); ` +
        `install Debian's chromium or pass --chromium PATH. Figures stay interactive-only.`;
}

type FigureOutput = ReturnType<typeof figureOutputs>[number];

function figureOutputs(nb: Notebook) {
  return nb.cells
    .flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .filter(isPlotlyFigure)
    .filter((out) => PLOTLY_MIME in out.data);
}

// Draws each figure's plotly JSON in one headless page and hands back its PNG as a data URL.
async function drawEach(
  figures: FigureOutput[],
  chromiumPath: string,
  use: (out: FigureOutput, pngDataUrl: string) => void,
): Promise<void> {
  if (figures.length === 0) return;
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
    const full = figures.some(figureNeedsFull);
    await page.setContent(
      `<!DOCTYPE html><html><body>${plotlyScriptTag(full ? "full" : "cartesian")}<div id="stage"></div></body></html>`,
    );
    for (const out of figures) {
      const spec = out.data[PLOTLY_MIME] as { data?: unknown[]; layout?: Record<string, unknown> };
      use(out, (await page.evaluate(`(${DRAW_TO_PNG})(${JSON.stringify(spec)})`)) as string);
    }
  } finally {
    await browser.close();
  }
}

/**
 * Renders every plotly figure of `nb` to PNG and embeds it in the figure's text/html.
 * Returns how many figures got a picture.
 * @example const n = await embedStaticFigures(nb, "/usr/bin/chromium");
 */
export async function embedStaticFigures(nb: Notebook, chromiumPath: string): Promise<number> {
  const figures = figureOutputs(nb).filter((out) => typeof out.data["text/html"] === "string");
  await drawEach(figures, chromiumPath, (out, png) => {
    out.data["text/html"] = withStaticImage(
      joinSource(out.data["text/html"] as string),
      png,
      summaryOf(out.data["text/plain"]),
    );
  });
  return figures.length;
}

/**
 * The lean form of a notebook, for committing to git: every figure keeps its plotly JSON (drawn
 * interactively by JupyterLab with jupyterlab-plotly, VS Code, nteract) and gains an image/png
 * (GitHub, nbviewer, classic Notebook); its script HTML and the plotly.js loader outputs go.
 * Returns how many figures got a picture.
 * @example const n = await leanStaticFigures(nb, "/usr/bin/chromium");
 */
export async function leanStaticFigures(nb: Notebook, chromiumPath: string): Promise<number> {
  const figures = figureOutputs(nb);
  await drawEach(figures, chromiumPath, (out, png) => {
    delete out.data["text/html"];
    out.data["image/png"] = png.replace(/^data:image\/png;base64,/, "");
  });
  for (const cell of nb.cells)
    if (cell.cell_type === "code") cell.outputs = cell.outputs.filter((out) => !isPlotlyLoader(out));
  return figures.length;
}

function summaryOf(plain: unknown): string {
  return typeof plain === "string" ? plain : "plotly figure";
}

/**
 * Puts `<img>` in place of the figure's waiting message (the figure's script empties the div
 * before drawing, which removes the picture).
 * @example withStaticImage(figureHtmlText, "data:image/png;base64,...", "Figure(line)")
 */
export function withStaticImage(html: string, dataUrl: string, alt: string): string {
  const img = `<img class="gradlab-static-figure" src="${dataUrl}" alt="${alt.replace(/[<>"&]/g, "")}" style="max-width:100%">`;
  const replaced = html.replace(/<div class="gradlab-msg"[^>]*>[\s\S]*?<\/div>/, img);
  return replaced !== html ? replaced : img + html;
}
