// CI's proof for the tutorials: every notebooks/*.ipynb runs cleanly with `gradlab run` and
// with Debian's `jupyter nbconvert --execute` (ExecutePreprocessor, kernel gradlab).
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../kernel/install/packageRoot.js";
import type { Notebook } from "../../kernel/runner/notebookFormat.js";
import {
  errorOutputs,
  installKernelspec,
  nbconvertExecute,
  nbformatValidate,
  runCli,
  tempDir,
} from "./runnerTestKit.js";

const folder = join(packageRoot(), "notebooks");
const notebooks = readdirSync(folder)
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

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
        // Tutorial cells take seconds. Under a loaded machine nbclient sometimes notices a cell's
        // execute_reply only when its cell timeout expires (pyzmq's last poll then finds it
        // waiting and the run succeeds), so a short timeout keeps that stall short.
        nbconvertExecute(join(folder, name), {
          jupyterPath,
          to: "notebook",
          outputDir: viaNbconvert,
          timeoutSeconds: 30,
        }),
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
