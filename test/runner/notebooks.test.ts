// CI's proof for the tutorials: every notebooks/*.ipynb runs cleanly with `gradlab run` and
// with Debian's `jupyter nbconvert --execute` (ExecutePreprocessor, kernel gradlab).
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../kernel/install/packageRoot.js";
import type { Notebook } from "../../kernel/runner/notebookFormat.js";
import { errorOutputs, installKernelspec, nbformatValidate, runCli, tempDir } from "./runnerTestKit.js";

const folder = join(packageRoot(), "notebooks");
const notebooks = readdirSync(folder)
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

function nbconvert(
  input: string,
  outDir: string,
  jupyterPath: string,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "/usr/bin/jupyter",
      [
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--ExecutePreprocessor.kernel_name=gradlab",
        // Tutorial cells take seconds. Under a loaded machine nbclient sometimes notices a cell's
        // execute_reply only when this timeout expires (pyzmq's last poll then finds it waiting
        // and the run succeeds), so a short timeout keeps that stall short.
        "--ExecutePreprocessor.timeout=30",
        "--output-dir",
        outDir,
        input,
      ],
      { env: { ...process.env, JUPYTER_PATH: jupyterPath }, maxBuffer: 64 * 1024 * 1024 },
      (err, _stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stderr }),
    );
  });
}

describe("tutorial notebooks", () => {
  let jupyterPath = "";
  before(async () => {
    jupyterPath = await installKernelspec(tempDir("gradlab-prefix-"));
  });

  test("there are the seven tutorials and the figure gallery", () => {
    assert.equal(notebooks.length, 8, notebooks.join(", "));
  });

  for (const name of notebooks) {
    test(`${name} runs with gradlab run and with jupyter nbconvert --execute, without error outputs`, async () => {
      const out = tempDir("gradlab-tutorial-");
      const executed = join(out, name);
      const viaNbconvert = join(out, "nbconvert");
      // The two clients run side by side: each waits mostly on its own kernel.
      const [r, c] = await Promise.all([
        runCli([
          "run",
          join(folder, name),
          "-o",
          executed,
          "--html",
          join(out, name.replace(/\.ipynb$/, ".html")),
          "--timeout",
          "120",
        ]),
        nbconvert(join(folder, name), viaNbconvert, jupyterPath),
      ]);
      assert.equal(r.code, 0, r.stderr);
      const nb = JSON.parse(readFileSync(executed, "utf8")) as Notebook;
      assert.deepEqual(errorOutputs(nb), []);
      assert.equal(await nbformatValidate(executed), "valid");
      assert.equal(c.code, 0, c.stderr.slice(-4000));
      assert.deepEqual(
        errorOutputs(JSON.parse(readFileSync(join(viaNbconvert, name), "utf8")) as Notebook),
        [],
      );
    });
  }
});
