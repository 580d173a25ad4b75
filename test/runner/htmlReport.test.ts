// The report's handling of plotly outputs, on notebooks built from src/plot's real bundles.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { Figure } from "../../src/plot/figure.js";
import { plotlyLoaderBundle } from "../../src/plot/plotlyLoader.js";
import type { CodeCell, Notebook } from "../../kernel/runner/notebookFormat.js";
import {
  ensurePlotlyLoader,
  isPlotlyFigure,
  isPlotlyLoader,
  loaderKind,
  singlePlotlyLoader,
} from "../../kernel/report/plotlyOutputs.js";
import { notebookToHtml } from "../../kernel/report/htmlReport.js";
import {
  findChromium,
  noChromiumMessage,
  embedStaticFigures,
  withStaticImage,
} from "../../kernel/report/staticFigures.js";
import { validateNotebook } from "../../kernel/runner/notebookValidator.js";

const figureOutput = (y: number[]) => ({
  output_type: "display_data" as const,
  data: new Figure([{ type: "scatter", y }]).mimeBundle(),
  metadata: {},
});
const loaderOutput = () => ({
  output_type: "display_data" as const,
  data: plotlyLoaderBundle("cartesian"),
  metadata: {},
});
const code = (id: string, outputs: CodeCell["outputs"]): CodeCell => ({
  id,
  cell_type: "code",
  metadata: {},
  source: "x",
  execution_count: 1,
  outputs,
});
const notebook = (cells: CodeCell[]): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

describe("plotly outputs in saved notebooks", () => {
  test("the loader is inserted before the first figure when cells were cleared or run out of order", () => {
    // The cell that sent plotly.js was cleared; a later figure comes first in the document.
    const nb = notebook([
      code("a", []),
      code("b", [{ output_type: "stream", name: "stdout", text: "hi" }, figureOutput([1, 2])]),
      code("c", [figureOutput([3])]),
    ]);
    assert.equal(ensurePlotlyLoader(nb), true);
    const outs = (nb.cells[1] as CodeCell).outputs;
    assert.equal(isPlotlyLoader(outs[1]), true);
    assert.equal(isPlotlyFigure(outs[2]), true);
    assert.equal(ensurePlotlyLoader(nb), false, "a second pass changes nothing");
    assert.deepEqual(validateNotebook(nb), []);
  });

  test("a loader after the first figure does not count; a loader before it does", () => {
    const late = notebook([code("a", [figureOutput([1])]), code("b", [loaderOutput()])]);
    assert.equal(ensurePlotlyLoader(late), true);
    assert.equal(isPlotlyLoader((late.cells[0] as CodeCell).outputs[0]), true);
    const fine = notebook([code("a", [loaderOutput(), figureOutput([1])])]);
    assert.equal(ensurePlotlyLoader(fine), false);
  });

  test("the HTML report inlines plotly.js exactly once even when the notebook lost its loader", () => {
    const nb = notebook([code("a", [figureOutput([1])]), code("b", [figureOutput([2])])]);
    const html = notebookToHtml(nb);
    assert.equal(html.split('class="gradlab-plotly-loader"').length - 1, 1);
    assert.ok(html.indexOf("gradlab-plotly-loader") < html.indexOf('class="gradlab-figure"'));
    assert.equal((nb.cells[0] as CodeCell).outputs.length, 1, "the report does not modify its input");
  });

  test("a report of a session that sent both builds inlines only the full one, once, before the first figure", () => {
    const full = { output_type: "display_data" as const, data: plotlyLoaderBundle("full"), metadata: {} };
    const nb = notebook([
      code("a", [loaderOutput(), figureOutput([1])]),
      code("b", [full, figureOutput([2])]),
    ]);
    const html = notebookToHtml(nb);
    assert.equal(html.split('class="gradlab-plotly-loader"').length - 1, 1);
    assert.match(html, /plotly\.js \(full build\) loaded by gradlab/);
    assert.ok(html.indexOf("gradlab-plotly-loader") < html.indexOf('class="gradlab-figure"'));
  });

  test("figure element ids depend on the figure only: equal figures share one, others differ", () => {
    const idsOf = (out: ReturnType<typeof figureOutput>): string[] =>
      [...String(out.data["text/html"]).matchAll(/<div id="(gradlab-fig-[^"]+)"/g)].map((m) => m[1]);
    const [a] = idsOf(figureOutput([1, 2]));
    assert.deepEqual(idsOf(figureOutput([1, 2])), [a]);
    assert.notEqual(idsOf(figureOutput([1, 3]))[0], a);
    assert.match(a, /^gradlab-fig-[0-9a-f]{16}$/);
  });

  test("a saved notebook whose session sent the cartesian and then the full build keeps one full copy", () => {
    const full = { output_type: "display_data" as const, data: plotlyLoaderBundle("full"), metadata: {} };
    const nb = notebook([
      code("a", [loaderOutput(), figureOutput([1])]),
      code("b", [full, figureOutput([2])]),
    ]);
    singlePlotlyLoader(nb);
    const loaders = nb.cells.flatMap((c) => (c as CodeCell).outputs).filter(isPlotlyLoader);
    assert.equal(loaders.length, 1);
    assert.equal(loaderKind(loaders[0]), "full");
    assert.ok(isPlotlyLoader((nb.cells[0] as CodeCell).outputs[0]));
  });

  test("a static image replaces the waiting message inside the figure's div", () => {
    const html = String(figureOutput([1]).data["text/html"]);
    const withImg = withStaticImage(html, "data:image/png;base64,AAAA", "Figure(line)");
    assert.match(
      withImg,
      /<div id="gradlab-fig-[^"]+" class="gradlab-figure"[^>]*><img class="gradlab-static-figure" src="data:image\/png;base64,AAAA"/,
    );
    assert.doesNotMatch(withImg, /<div class="gradlab-msg"/);
  });

  test("--static without Chromium says so clearly", () => {
    assert.equal(findChromium("/nonexistent/chromium"), null);
    assert.match(
      noChromiumMessage("/nonexistent/chromium"),
      /--static is unavailable: \/nonexistent\/chromium is not an executable Chromium/,
    );
    assert.match(
      noChromiumMessage(),
      /no Chromium found .*install Debian's chromium or pass --chromium PATH/,
    );
  });

  test("with Chromium, every figure gets an embedded PNG", async () => {
    const chromium = findChromium();
    assert.ok(chromium, "CI installs Debian's chromium");
    const nb = notebook([code("a", [loaderOutput(), figureOutput([1, 3, 2])])]);
    assert.equal(await embedStaticFigures(nb, chromium), 1);
    const html = String(
      (nb.cells[0] as CodeCell).outputs[1].output_type === "display_data" &&
        ((nb.cells[0] as CodeCell).outputs[1] as { data: Record<string, unknown> }).data["text/html"],
    );
    const png = /src="data:image\/png;base64,([^"]+)"/.exec(html);
    assert.ok(png, "an <img> with a PNG data URL");
    assert.equal(Buffer.from(png[1], "base64").subarray(1, 4).toString("latin1"), "PNG");
  });
});
