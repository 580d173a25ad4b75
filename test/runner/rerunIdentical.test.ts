// Two tutorials run twice with `gradlab run` save byte-identical cell outputs (timings live in
// metadata only), and `--lean` keeps each figure as plotly JSON + PNG with no plotly.js.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../kernel/install/packageRoot.js";
import type { Notebook } from "../../kernel/runner/notebookFormat.js";
import { errorOutputs, runCli, tempDir } from "./runnerTestKit.js";

const folder = join(packageRoot(), "notebooks");

function outputsOf(path: string): string[] {
  const nb = JSON.parse(readFileSync(path, "utf8")) as Notebook;
  assert.deepEqual(errorOutputs(nb), []);
  return nb.cells.map((c) => (c.cell_type === "code" ? JSON.stringify(c.outputs) : ""));
}

describe("reruns and lean notebooks", () => {
  for (const name of ["01-differentiable-loss.ipynb", "05-training-a-classifier.ipynb"]) {
    test(`${name} run twice saves identical outputs`, { timeout: 240_000 }, async () => {
      const dir = tempDir("gradlab-rerun-");
      const [a, b] = [join(dir, "a.ipynb"), join(dir, "b.ipynb")];
      const runs = await Promise.all(
        [a, b].map((out) => runCli(["run", join(folder, name), "-o", out, "--timeout", "200"])),
      );
      for (const r of runs) assert.equal(r.code, 0, r.stderr);
      const [first, second] = [outputsOf(a), outputsOf(b)];
      first.forEach((cell, i) => assert.equal(second[i], cell, `cell ${i} differs between runs`));
      const text = readFileSync(a, "utf8");
      assert.doesNotMatch(text, /\d\.\d\d s\)/, "no wall time in outputs");
      assert.equal(text.split('class=\\"gradlab-plotly-loader\\"').length - 1, 1, "one plotly.js copy");
    });
  }

  test("--lean stores figures as plotly JSON + PNG and no plotly.js", { timeout: 240_000 }, async () => {
    const dir = tempDir("gradlab-lean-");
    const out = join(dir, "lean.ipynb");
    const r = await runCli(["run", join(folder, "07-experiment-template.ipynb"), "-o", out, "--lean"]);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(out, "utf8");
    assert.doesNotMatch(text, /gradlab-plotly-loader/);
    const nb = JSON.parse(text) as Notebook;
    const figures = nb.cells
      .flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
      .filter((o) => "data" in o && "application/vnd.plotly.v1+json" in o.data);
    assert.ok(figures.length >= 1);
    for (const f of figures) {
      const data = (f as { data: Record<string, unknown> }).data;
      assert.deepEqual(Object.keys(data).sort(), [
        "application/vnd.plotly.v1+json",
        "image/png",
        "text/plain",
      ]);
      assert.match(String(data["image/png"]), /^iVBORw0KGgo/);
    }
    assert.ok(text.length < 300_000, `lean notebook is ${text.length} bytes`);
  });
});
