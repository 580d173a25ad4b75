// Where Jupyter looks for kernelspecs (jupyter_core.paths), computed without Python:
// the user data folder, a prefix's share/jupyter, or the active environment's prefix.
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { execFileSync } from "node:child_process";

export type InstallScope = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; dir: string };

/**
 * Jupyter's per-user data folder, as jupyter_core computes it.
 * @example
 * userDataDir(); // "/home/me/.local/share/jupyter" on Linux
 */
export function userDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (platform === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "jupyter");
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && xdg !== "" ? xdg : join(homedir(), ".local", "share"), "jupyter");
}

// --sys-prefix means Python's sys.prefix: the active virtualenv/conda env when there is one,
// else whatever the python3 on PATH reports.
function sysPrefix(env: NodeJS.ProcessEnv): string {
  if (env.VIRTUAL_ENV) return env.VIRTUAL_ENV;
  if (env.CONDA_PREFIX) return env.CONDA_PREFIX;
  try {
    return execFileSync("python3", ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      "--sys-prefix: no VIRTUAL_ENV or CONDA_PREFIX is set and python3 could not report sys.prefix; use --user or --prefix DIR",
    );
  }
}

/**
 * The `kernels` folder a scope installs into.
 * @example
 * kernelsDir({ kind: "prefix", dir: "/opt/env" }); // "/opt/env/share/jupyter/kernels"
 */
export function kernelsDir(scope: InstallScope, env: NodeJS.ProcessEnv = process.env): string {
  switch (scope.kind) {
    case "user":
      return join(userDataDir(env), "kernels");
    case "sys-prefix":
      return join(sysPrefix(env), "share", "jupyter", "kernels");
    case "prefix":
      return join(scope.dir, "share", "jupyter", "kernels");
  }
}

/**
 * What to tell a user who installed into `--prefix DIR`: Jupyter looks there only when
 * DIR/share/jupyter is on JUPYTER_PATH.
 * @example
 * jupyterPathHint("/opt/k"); // "Jupyter finds it when JUPYTER_PATH includes /opt/k/share/jupyter:\n  export JUPYTER_PATH=/opt/k/share/jupyter..."
 */
export function jupyterPathHint(prefix: string, env: NodeJS.ProcessEnv = process.env): string {
  const dataDir = join(resolve(prefix), "share", "jupyter");
  const current = env["JUPYTER_PATH"];
  const entries = current ? current.split(delimiter).filter((e) => e !== "") : [];
  if (entries.some((e) => resolve(e) === dataDir))
    return `JUPYTER_PATH already includes ${dataDir}: Jupyter will find the kernel.`;
  const value = [dataDir, ...entries].join(delimiter);
  return `Jupyter finds it when JUPYTER_PATH includes ${dataDir}:\n  export JUPYTER_PATH=${value}`;
}
