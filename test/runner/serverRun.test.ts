// `gradlab run --server`: the notebook executes in a gradlab kernel that Debian's Jupyter
// Server starts by name, driven through @jupyterlab/services over ws.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CodeCell, Notebook } from "../../kernel/runner/notebookFormat.js";
import { joinSource } from "../../kernel/runner/notebookFormat.js";
import { installKernelspec, nbformatValidate, runCli, tempDir, writeNotebook } from "./runnerTestKit.js";
import { startJupyterServer, type JupyterServer } from "../helpers/jupyterServer.js";

describe("gradlab run --server", () => {
  let server: JupyterServer;
  before(async () => {
    const jupyterPath = await installKernelspec(tempDir("gradlab-prefix-"));
    server = await startJupyterServer({ jupyterPath });
  });
  after(async () => {
    await server?.stop();
  });

  test("executes on a remote gradlab kernel with parameters, display data and figures", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "remote.ipynb", [
      { source: "const n: number = 1;", tags: ["parameters"] },
      'import { plot } from "gradlab";\nconsole.log(`n = ${n}`);\nn * 2',
      "display({ 'text/html': '<b>remote</b>', 'text/plain': 'remote' });",
      'new plot.Figure([{ type: "scatter", y: [n, 1, n] }]);',
    ]);
    const out = join(dir, "remote.out.ipynb");
    const html = join(dir, "remote.html");
    const r = await runCli([
      "run",
      input,
      "-p",
      "n=21",
      "-o",
      out,
      "--html",
      html,
      "--server",
      server.url,
      "--token",
      server.token,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "", "no websocket chatter on stdout");
    const nb = JSON.parse(readFileSync(out, "utf8")) as Notebook;
    const cells = nb.cells as CodeCell[];
    assert.equal(
      (nb.metadata["gradlab"] as { kernel: { implementation: string } }).kernel.implementation,
      "gradlab",
    );
    assert.deepEqual(
      cells[2].outputs.map((o) => o.output_type),
      ["stream", "execute_result"],
    );
    assert.equal(joinSource((cells[2].outputs[0] as { text: string[] }).text), "n = 21\n");
    assert.equal((cells[2].outputs[1] as { data: Record<string, unknown> }).data["text/plain"], "42");
    assert.deepEqual((cells[3].outputs[0] as { data: Record<string, unknown> }).data, {
      "text/html": "<b>remote</b>",
      "text/plain": "remote",
    });
    assert.ok(
      cells[4].outputs.some(
        (o) =>
          o.output_type !== "stream" &&
          o.output_type !== "error" &&
          "application/vnd.plotly.v1+json" in o.data,
      ),
    );
    assert.equal(await nbformatValidate(out), "valid");
    assert.match(readFileSync(html, "utf8"), /gradlab-plotly-loader/);
  });

  test("a wrong token or kernel name fails with a clear message", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "x.ipynb", ["1"]);
    const r = await runCli([
      "run",
      input,
      "--server",
      server.url,
      "--token",
      "wrong",
      "-o",
      join(dir, "o.ipynb"),
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /could not start kernel "gradlab" on http:\/\/127\.0\.0\.1:\d+/);
    const r2 = await runCli([
      "run",
      input,
      "--server",
      server.url,
      "--token",
      server.token,
      "--kernel-name",
      "nosuchkernel",
      "-o",
      join(dir, "o.ipynb"),
    ]);
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /could not start kernel "nosuchkernel"/);
  });
});
