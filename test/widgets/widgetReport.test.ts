// Saved widget state: `gradlab run` asks the kernel for every widget's state as a front end
// does (the control comm), stores it in the notebook's metadata in the widget-state schema,
// and the HTML report draws the widgets offline with @jupyter-widgets/html-manager.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Ajv } from "ajv";
import type { Notebook } from "../../kernel/runner/notebookFormat.js";
import { runCli, tempDir, writeNotebook } from "../runner/runnerTestKit.js";
import { launchChromium, offlinePage } from "../plot/headlessChromium.js";

const require = createRequire(import.meta.url);
const run = promisify(execFile);

test("gradlab run saves widget state (schema v2) and the HTML report draws the widgets offline", async () => {
  const dir = tempDir();
  const input = writeNotebook(dir, "widgets.ipynb", [
    'import { widgets, interact } from "gradlab";',
    'const lr = widgets.logSlider({ min: 1e-4, max: 1, value: 0.01, description: "lr" });\nlr',
    'interact(({ n }) => `n squared is ${n * n}`, { n: widgets.intSlider({ min: 0, max: 10, value: 3, description: "n" }) });',
  ]);
  const out = join(dir, "out.ipynb");
  const html = join(dir, "report.html");
  const r = await runCli(["run", input, "-o", out, "--html", html]);
  assert.equal(r.code, 0, r.stderr);

  const nb = JSON.parse(readFileSync(out, "utf8")) as Notebook;
  const saved = (
    nb.metadata["widgets"] as Record<
      string,
      { state: Record<string, { model_name: string; state: Record<string, unknown> }> }
    >
  )["application/vnd.jupyter.widget-state+json"]!;
  const validate = new Ajv({ strict: false }).compile(
    require("@jupyter-widgets/schema/v2/state.schema.json"),
  );
  assert.ok(validate(saved), JSON.stringify(validate.errors));
  const models = Object.values(saved.state);
  const log = models.find((m) => m.model_name === "FloatLogSliderModel")!;
  assert.equal(log.state.value, 0.01);
  assert.equal(log.state.description, "lr");
  // The Output widget holds what interact's function showed (captured, as nbclient does),
  // and the cell holds only the widget view.
  const outputWidget = models.find((m) => m.model_name === "OutputModel")!;
  assert.deepEqual(
    (outputWidget.state.outputs as { data: Record<string, string> }[]).map((o) => o.data["text/plain"]),
    ["n squared is 9"],
  );
  const interactCell = nb.cells[2] as { outputs: { data: Record<string, unknown> }[] };
  assert.equal(interactCell.outputs.length, 1);
  assert.ok(interactCell.outputs[0]!.data["application/vnd.jupyter.widget-view+json"]);

  const browser = await launchChromium();
  try {
    const { page, errors, blocked } = await offlinePage(browser);
    await page.goto(`file://${html}`);
    await page.waitForFunction('document.querySelectorAll(".widget-slider").length === 2', null, {
      timeout: 30_000,
    });
    const readouts = await page.locator(".widget-readout").allTextContents();
    assert.deepEqual(
      readouts.map((t) => t.trim()),
      ["0.0100", "3"],
    );
    assert.equal(await page.locator(".widget-text").first().isVisible(), false, "text fallback hidden");
    await page.waitForFunction('document.body.innerText.includes("n squared is 9")', null, {
      timeout: 10_000,
    });
    assert.match((await page.locator(".widget-note").textContent()) ?? "", /does not recompute/);
    const shots = process.env.GRADLAB_SCREENSHOTS;
    if (shots) await page.screenshot({ path: join(shots, "widgets-report.png"), fullPage: true });
    assert.deepEqual(blocked, []);
    assert.deepEqual(errors, []);

    // nbconvert draws the same saved state offline once pointed at local renderer copies.
    const converted = join(dir, "nbconvert.html");
    await run("/usr/bin/jupyter", [
      "nbconvert",
      "--to",
      "html",
      out,
      "--output",
      converted,
      `--HTMLExporter.require_js_url=file://${require.resolve("requirejs/require.js")}`,
      `--HTMLExporter.widget_renderer_url=file://${require.resolve("@jupyter-widgets/html-manager/dist/embed-amd.js")}`,
    ]);
    const other = await offlinePage(browser);
    await other.page.goto(`file://${converted}`);
    await other.page.waitForFunction('document.querySelectorAll(".widget-slider").length === 2', null, {
      timeout: 30_000,
    });
    assert.deepEqual(other.blocked, []);
  } finally {
    await browser.close();
  }
});
