// A notebook with every figure kind, executed by Debian's `jupyter nbconvert --to html
// --execute` with the gradlab kernel; the HTML export, opened offline in chromium, must draw
// every figure (plotly.js comes from the kernel's once-per-session loader outputs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { installKernelspec, nbconvertExecute, tempDir, writeNotebook } from "../runner/runnerTestKit.js";
import { FIGURE_CELLS, FIGURE_COUNT } from "./figureNotebook.js";
import { drawnFigures, launchChromium, offlinePage, outputDir } from "./headlessChromium.js";

test(
  "every figure kind draws in the nbconvert HTML export of an executed notebook",
  { timeout: 180_000 },
  async () => {
    const jupyterPath = await installKernelspec(tempDir("gradlab-plot-prefix-"));
    const work = tempDir("gradlab-plot-nb-");
    const notebook = writeNotebook(
      work,
      "figures.ipynb",
      FIGURE_CELLS.map((c) => c.source),
    );
    const out = outputDir("plot");
    const r = await nbconvertExecute(notebook, {
      jupyterPath,
      to: "html",
      outputDir: out,
      timeoutSeconds: 120,
    });
    assert.equal(r.code, 0, `nbconvert failed:\n${r.stderr.slice(-3000)}`);
    const html = readFileSync(join(out, "figures.html"), "utf8");
    assert.equal(
      (html.match(/class="gradlab-plotly-loader"/g) ?? []).length,
      2,
      "plotly.js loaded once (cartesian), then the full build for the 3-D figure",
    );
    const browser = await launchChromium();
    try {
      const { page, errors } = await offlinePage(browser);
      await page.goto(pathToFileURL(join(out, "figures.html")).href);
      const figures = await drawnFigures(page, FIGURE_COUNT, 40_000);
      await page.screenshot({ path: join(out, "nbconvert-export.png"), fullPage: true });
      assert.equal(figures.length, FIGURE_COUNT, `figure divs: ${JSON.stringify(figures)}`);
      const notDrawn = figures.filter((f) => !f.drawn);
      assert.deepEqual(notDrawn, [], "every figure drew");
      // the export's own CDN assets (require.js, MathJax) are blocked offline; nothing else may fail
      assert.deepEqual(
        errors.filter((e) => !/Failed to load resource/.test(e)),
        [],
      );
    } finally {
      await browser.close();
    }
  },
);
