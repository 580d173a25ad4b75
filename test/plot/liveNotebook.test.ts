// The figure notebook run live in Debian's classic Notebook 6 (loopback, token): Run All
// from the page's Cell menu, then count the figures that drew. plotly.js reaches the page
// only through the kernel's once-per-session loader outputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { freePort, installKernelspec, tempDir, writeNotebook } from "../runner/runnerTestKit.js";
import { FIGURE_CELLS, FIGURE_COUNT } from "./figureNotebook.js";
import { drawnFigures, launchChromium, offlinePage, outputDir } from "./headlessChromium.js";

async function waitForHttp(url: string, deadlineMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`classic Notebook did not answer at ${url}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test("every figure draws live in classic Notebook 6 after Run All", { timeout: 180_000 }, async () => {
  const jupyterPath = await installKernelspec(tempDir("gradlab-plot-prefix-"));
  const root = tempDir("gradlab-plot-notebook-");
  writeNotebook(
    root,
    "figures.ipynb",
    FIGURE_CELLS.map((c) => c.source),
  );
  const port = await freePort();
  const token = "plottesttoken";
  const server = spawn(
    "/usr/bin/python3",
    [
      "-m",
      "notebook",
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${root}`,
      "--allow-root",
      "--NotebookApp.port_retries=0",
    ],
    {
      env: {
        ...process.env,
        JUPYTER_PATH: jupyterPath,
        JUPYTER_RUNTIME_DIR: join(root, ".runtime"),
        JUPYTER_CONFIG_DIR: join(root, ".config"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  server.stdout.setEncoding("utf8").on("data", (t: string) => {
    log += t;
  });
  server.stderr.setEncoding("utf8").on("data", (t: string) => {
    log += t;
  });
  const browser = await launchChromium();
  try {
    await waitForHttp(`http://127.0.0.1:${port}/api?token=${token}`, 60_000, () => log);
    const { page, errors } = await offlinePage(browser);
    await page.goto(`http://127.0.0.1:${port}/notebooks/figures.ipynb?token=${token}`);
    await page.waitForFunction(
      "window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()",
      undefined,
      { timeout: 60_000 },
    );
    await page.click("#celllink");
    await page.click("#run_all_cells");
    await page.waitForFunction(
      "Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code').every((c) => typeof c.input_prompt_number === 'number')",
      undefined,
      { timeout: 120_000, polling: 250 },
    );
    const figures = await drawnFigures(page, FIGURE_COUNT, 40_000);
    await page.screenshot({ path: join(outputDir("plot"), "live-notebook.png"), fullPage: true });
    const cellErrors = (await page.evaluate(
      "Array.from(document.querySelectorAll('.output_error')).map((e) => e.textContent)",
    )) as string[];
    assert.deepEqual(cellErrors, [], "no cell errors");
    const drawn = figures.filter((f) => f.drawn).length;
    assert.equal(
      drawn,
      FIGURE_COUNT,
      `drawn ${drawn} of ${FIGURE_COUNT}: ${JSON.stringify(figures.filter((f) => !f.drawn))}`,
    );
    const loaders = (await page.evaluate(
      "document.querySelectorAll('.gradlab-plotly-loader').length",
    )) as number;
    assert.equal(loaders, 2, "plotly.js sent once (cartesian), then the full build for the 3-D figure");
    assert.deepEqual(
      errors.filter((e) => /gradlab|Plotly|pageerror/i.test(e)),
      [],
      "no figure errors in the console",
    );
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
});
