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
  test("two tutorials, each run twice, save identical outputs", { timeout: 240_000 }, async () => {
    const dir = tempDir("gradlab-rerun-");
    const names = ["01-differentiable-loss.ipynb", "07-experiment-template.ipynb"];
    const jobs = names.flatMap((name) =>
      ["a", "b"].map((run) => ({ name, out: join(dir, `${run}-${name}`) })),
    );
    // all four runs side by side: each waits mostly on its own kernel
    const results = await Promise.all(
      jobs.map((j) => runCli(["run", join(folder, j.name), "-o", j.out, "--timeout", "200"])),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    for (const name of names) {
      const [a, b] = ["a", "b"].map((run) => join(dir, `${run}-${name}`));
      const [first, second] = [outputsOf(a), outputsOf(b)];
      first.forEach((cell, i) => assert.equal(second[i], cell, `${name}: cell ${i} differs between runs`));
      const text = readFileSync(a, "utf8");
      assert.doesNotMatch(text, /\d\.\d\d s\)/, "no wall time in outputs");
      assert.equal(text.split('class=\\"gradlab-plotly-loader\\"').length - 1, 1, "one plotly.js copy");
    }
  });

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
