// tslab's example notebooks run unchanged: `getting_started` executes without an error under
// nbconvert, and every cell of `tensorflow` passes the type check (tslab's settings: not
// strict, extensionless relative imports), although its data needs the network.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../kernel/install/packageRoot.js";
import { installKernelspec, nbconvertExecute, tempDir } from "../runner/runnerTestKit.js";
import { startKernelProcess } from "../helpers/kernelProcess.js";
import { runPythonClient } from "./pythonClient.js";

const FIXTURE = join(packageRoot(), "test", "fixtures", "tslab-examples");

interface Notebook {
  cells: { cell_type: string; source: string | string[]; outputs?: Record<string, unknown>[] }[];
}

function copyFixture(): string {
  const dir = tempDir("gradlab-tslab-examples-");
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

test("tslab's getting_started notebook runs clean under nbconvert", { timeout: 240_000 }, async () => {
  const jupyterPath = await installKernelspec(tempDir("gradlab-tslab-prefix-"));
  const dir = copyFixture();
  const notebook = join(dir, "notebooks", "getting_started.ipynb");
  const out = join(dir, "executed.ipynb");
  const r = await nbconvertExecute(notebook, {
    jupyterPath,
    to: "notebook",
    output: out,
    timeoutSeconds: 180,
  });
  assert.equal(r.code, 0, `nbconvert failed:\n${r.stderr.slice(-3000)}`);
  const executed = JSON.parse(readFileSync(out, "utf8")) as Notebook;
  const outputs = executed.cells.flatMap((c) => c.outputs ?? []);
  assert.deepEqual(
    outputs.filter((o) => o["output_type"] === "error" || o["name"] === "stderr"),
    [],
  );
  const text = JSON.stringify(outputs);
  assert.match(text, /Hello, tslab!/);
  assert.match(text, /obj\?\.x\?\.z == undefined/);
  assert.ok(outputs.some((o) => (o["data"] as Record<string, unknown> | undefined)?.["image/jpeg"]));
});

test("tslab's tensorflow notebook passes its type checks", { timeout: 240_000 }, async (t) => {
  const dir = copyFixture();
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "@tensorflow", "tfjs-node"), { recursive: true });
  const repoModules = join(packageRoot(), "node_modules");
  symlinkSync(join(repoModules, "@tensorflow", "tfjs"), join(modules, "@tensorflow", "tfjs"));
  symlinkSync(join(repoModules, "jimp"), join(modules, "jimp"));
  writeFileSync(
    join(modules, "@tensorflow", "tfjs-node", "package.json"),
    JSON.stringify({ name: "@tensorflow/tfjs-node", version: "0.0.0-types", types: "index.d.ts" }),
  );
  writeFileSync(
    join(modules, "@tensorflow", "tfjs-node", "index.d.ts"),
    'export * from "@tensorflow/tfjs";\n',
  );
  const notebook = JSON.parse(readFileSync(join(dir, "notebooks", "tensorflow.ipynb"), "utf8")) as Notebook;
  const cells = notebook.cells
    .filter((c) => c.cell_type === "code")
    .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
  const kernel = await startKernelProcess({ cwd: join(dir, "notebooks") });
  try {
    const results = (await runPythonClient(
      "cell_steps.py",
      [kernel.connectionFile, JSON.stringify(cells.map((code) => ({ code })))],
      { timeoutMs: 200_000 },
    )) as unknown as { ename?: string; evalue?: string; traceback?: string }[];
    assert.equal(results.length, cells.length);
    // Running it stops at the first cell (no native @tensorflow/tfjs-node); the rest fail at run time.
    t.diagnostic(`cells' errors: ${results.map((r) => r.ename ?? "none").join(", ")}`);
    const typeErrors = results
      .map((r, i) => ({ cell: i + 1, ...r }))
      .filter((r) => r.ename === "TSError" || r.ename === "SyntaxError" || r.ename === "TsconfigError");
    assert.deepEqual(typeErrors, []);
  } finally {
    await kernel.stop();
  }
});
