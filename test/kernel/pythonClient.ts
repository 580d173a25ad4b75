// Runs one of the jupyter_client scripts in test/kernel/clients with Debian's Python and
// returns the JSON object it printed last.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../../kernel/install/packageRoot.js";

export const PYTHON = "/usr/bin/python3";

/**
 * The JSON object a client script printed: replies and outputs keyed by step name, read
 * field by field by each test (their shapes are the Jupyter protocol's, checked by the asserts).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, see above
export type ClientResult = Record<string, any>;

/**
 * @example
 * const r = await runPythonClient("big_print.py", [kernel.connectionFile, code, "1000"]);
 */
export function runPythonClient(
  script: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ClientResult> {
  const file = join(packageRoot(import.meta.url), "test", "kernel", "clients", script);
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [file, ...args],
      // No __pycache__ folders in the source tree.
      {
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", ...opts.env },
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const last = stdout.trim().split("\n").pop() ?? "";
        if (err)
          return reject(new Error(`${script} failed: ${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
        try {
          resolve(JSON.parse(last));
        } catch {
          reject(new Error(`${script} printed no JSON result.\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      },
    );
  });
}
