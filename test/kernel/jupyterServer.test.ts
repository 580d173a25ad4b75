// Integration: the kernelspec installed by `gradlab install`, found by Debian's
// `jupyter kernelspec list` and started by name by Debian's Jupyter Server, driven
// with @jupyterlab/services over ws as JupyterLab would.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import WebSocket from "ws";
import { KernelManager, KernelSpecAPI, ServerConnection } from "@jupyterlab/services";
import { buildRoot } from "../helpers/kernelProcess.js";
import { startJupyterServer } from "../helpers/jupyterServer.js";
import { PYTHON } from "./pythonClient.js";

const run = promisify(execFile);
const cli = join(buildRoot(), "kernel", "cli.js");

describe("gradlab install + jupyter kernelspec list + Jupyter Server + @jupyterlab/services", () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "gradlab-server-"));
    for (const d of ["runtime", "config", "notebooks"]) mkdirSync(join(root, d));
    env = {
      ...process.env,
      JUPYTER_PATH: join(root, "share", "jupyter"),
      JUPYTER_DATA_DIR: join(root, "user-data"),
      JUPYTER_RUNTIME_DIR: join(root, "runtime"),
      JUPYTER_CONFIG_DIR: join(root, "config"),
    };
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test("install writes kernel.json and logos that `jupyter kernelspec list` shows; uninstall removes them", async () => {
    const installed = await run(
      process.execPath,
      [cli, "install", "--prefix", root, "--name", "gradlab-extra"],
      { env },
    );
    assert.match(installed.stdout, /Installed kernelspec gradlab-extra/);
    const dir = join(root, "share", "jupyter", "kernels", "gradlab-extra");
    for (const f of ["kernel.json", "logo-32x32.png", "logo-64x64.png"])
      assert.ok(existsSync(join(dir, f)), f);
    const listed = JSON.parse(
      (await run(PYTHON, ["-m", "jupyter_client.kernelspecapp", "list", "--json"], { env })).stdout,
    );
    const spec = listed.kernelspecs["gradlab-extra"];
    assert.ok(spec, `kernelspec list: ${JSON.stringify(Object.keys(listed.kernelspecs))}`);
    assert.equal(spec.spec.language, "typescript");
    assert.equal(spec.spec.interrupt_mode, "message");
    assert.equal(spec.spec.argv[0], process.execPath);
    // Node options (if any) come between node and cli.js.
    const cliAt = spec.spec.argv.findIndex((a: string) => a.endsWith("cli.js"));
    assert.ok(cliAt > 0, spec.spec.argv.join(" "));
    assert.deepEqual(spec.spec.argv.slice(cliAt + 1), ["kernel", "--connection-file", "{connection_file}"]);
    const plain = (await run("/usr/bin/jupyter", ["kernelspec", "list"], { env })).stdout;
    assert.match(plain, /gradlab-extra/);
    await run(process.execPath, [cli, "uninstall", "--prefix", root, "--name", "gradlab-extra"], { env });
    assert.equal(existsSync(dir), false);
  });

  test("Jupyter Server starts a gradlab kernel by name; it executes and sends display data", async () => {
    await run(process.execPath, [cli, "install", "--prefix", root], { env });
    const server = await startJupyterServer({
      jupyterPath: join(root, "share", "jupyter"),
      rootDir: join(root, "notebooks"),
    });
    try {
      const serverSettings = ServerConnection.makeSettings({
        baseUrl: `${server.url}/`,
        wsUrl: `${server.url.replace("http", "ws")}/`,
        token: server.token,
        appendToken: true,
        WebSocket: WebSocket as never,
      });
      const specs = await KernelSpecAPI.getSpecs(serverSettings);
      assert.ok(specs.kernelspecs.gradlab, `server kernelspecs: ${Object.keys(specs.kernelspecs)}`);
      assert.equal(specs.kernelspecs.gradlab?.language, "typescript");

      const kernels = new KernelManager({ serverSettings });
      const kernel = await kernels.startNew({ name: "gradlab" });
      try {
        const info = await kernel.info;
        assert.equal(info.language_info.name, "typescript");
        const types: string[] = [];
        const displays: Record<string, unknown>[] = [];
        const results: Record<string, unknown>[] = [];
        const future = kernel.requestExecute({
          code: `display({ "text/html": "<b>from gradlab</b>", "text/plain": "from gradlab" }); const answer: number = 6 * 7; answer`,
        });
        future.onIOPub = (msg) => {
          types.push(msg.header.msg_type);
          if (msg.header.msg_type === "display_data")
            displays.push((msg.content as { data: Record<string, unknown> }).data);
          if (msg.header.msg_type === "execute_result")
            results.push((msg.content as { data: Record<string, unknown> }).data);
        };
        const reply = await future.done;
        assert.equal(reply.content.status, "ok");
        assert.deepEqual(displays, [{ "text/html": "<b>from gradlab</b>", "text/plain": "from gradlab" }]);
        assert.equal(results[0]["text/plain"], "42");
        assert.equal(types.at(-1), "status");
      } finally {
        await kernel.shutdown();
        kernels.dispose();
      }
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- jupyter_server log ---\n${server.log()}`);
    } finally {
      await server.stop();
    }
  });
});
