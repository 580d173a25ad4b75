// Debian's Jupyter Server, started on loopback for a test: a free port, a token, the given
// JUPYTER_PATH (where the test installed its kernelspec), and runtime and config folders of
// its own so no user settings leak in.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "./kernelProcess.js";

export interface JupyterServer {
  /** http://127.0.0.1:<port> (no trailing slash). */
  url: string;
  token: string;
  process: ChildProcess;
  /** Everything the server printed so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export interface JupyterServerOptions {
  /** Where Jupyter finds kernelspecs. */
  jupyterPath: string;
  /** The server's root folder (a new temporary one by default). */
  rootDir?: string;
  /** More ServerApp options, e.g. allowing a test page on another origin. */
  extraArgs?: readonly string[];
}

/**
 * Starts the server and waits until its REST API answers (60 s at most).
 * @example const server = await startJupyterServer({ jupyterPath }); ...; await server.stop();
 */
export async function startJupyterServer(opts: JupyterServerOptions): Promise<JupyterServer> {
  const [port] = await freePorts(1);
  const token = `t${Math.random().toString(36).slice(2)}`;
  const home = mkdtempSync(join(tmpdir(), "gradlab-jupyter-server-"));
  const rootDir = opts.rootDir ?? join(home, "root");
  mkdirSync(rootDir, { recursive: true });
  const child = spawn(
    "/usr/bin/python3",
    [
      "-m",
      "jupyter_server",
      `--ServerApp.token=${token}`,
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--no-browser",
      `--ServerApp.root_dir=${rootDir}`,
      "--ServerApp.port_retries=0",
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
      ...(opts.extraArgs ?? []),
    ],
    {
      env: {
        ...process.env,
        JUPYTER_PATH: opts.jupyterPath,
        JUPYTER_DATA_DIR: join(home, "data"),
        JUPYTER_RUNTIME_DIR: join(home, "runtime"),
        JUPYTER_CONFIG_DIR: join(home, "config"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  child.stdout!.setEncoding("utf8").on("data", (t: string) => (log += t));
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (log += t));
  const url = `http://127.0.0.1:${port}`;
  const stop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jupyter_server exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/api/status?token=${token}`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter_server did not start within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, token, process: child, log: () => log, stop };
}
