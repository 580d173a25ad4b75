// Shared pieces of the runner's integration tests: running the built CLI, writing small
// notebooks, checking a notebook with Debian's nbformat, installing the kernelspec into a
// private Jupyter data folder, and starting Debian's Jupyter Server.

import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Notebook } from "../../kernel/runner/notebookFormat.js";

/** The built CLI (dist/kernel/cli.js or .build/<name>/kernel/cli.js). */
export const CLI = fileURLToPath(new URL("../../kernel/cli.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node cli.js ...args` and collects its output.
 * @example const r = await runCli(["run", "nb.ipynb", "-o", "out.ipynb"]);
 */
export function runCli(
  args: string[],
  opts: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    timeoutMs?: number;
    onStderr?: (text: string, child: ChildProcess) => void;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "",
      stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => {
      stdout += t;
    });
    child.stderr.setEncoding("utf8").on("data", (t: string) => {
      stderr += t;
      opts.onStderr?.(t, child);
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gradlab ${args.join(" ")} timed out; stderr:\n${stderr}`));
    }, opts.timeoutMs ?? 180_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A fresh temporary folder. */
export function tempDir(prefix = "gradlab-runner-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export type CellSpec = string | { source: string; tags?: string[]; markdown?: boolean };

/**
 * Writes a notebook with the given cells (code unless `markdown`) and returns its path.
 * @example const nb = writeNotebook(dir, "t.ipynb", ["# Title", "1 + 1"].map(...));
 */
export function writeNotebook(dir: string, name: string, cells: CellSpec[]): string {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "gradlab", display_name: "TypeScript (gradlab)", language: "typescript" },
    },
    cells: cells.map((c, i) => {
      const spec = typeof c === "string" ? { source: c } : c;
      return spec.markdown
        ? { id: `m${i}`, cell_type: "markdown", metadata: {}, source: spec.source }
        : {
            id: `c${i}`,
            cell_type: "code",
            metadata: spec.tags ? { tags: spec.tags } : {},
            source: spec.source,
            execution_count: null,
            outputs: [],
          };
    }),
  };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(nb, null, 1));
  return path;
}

/**
 * Validates a notebook file with Debian's nbformat; resolves to "valid" or the error text.
 * @example assert.equal(await nbformatValidate("out.ipynb"), "valid");
 */
export function nbformatValidate(path: string): Promise<string> {
  const script =
    "import sys, nbformat\ntry:\n nbformat.validate(nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)); print('valid')\nexcept Exception as e: print(e)";
  return new Promise((resolve, reject) => {
    execFile("/usr/bin/python3", ["-c", script, path], (err, stdout) =>
      err ? reject(err) : resolve(stdout.trim()),
    );
  });
}

/** Every error output of an executed notebook, as "ename: evalue". */
export function errorOutputs(nb: Notebook): string[] {
  return nb.cells
    .flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .flatMap((o) => (o.output_type === "error" ? [`${o.ename}: ${o.evalue}`] : []));
}

/** Drops what legitimately differs between two runs: start time and durations. */
export function withoutTimings(nb: Notebook): Notebook {
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  const run = copy.metadata["gradlab"] as Record<string, unknown>;
  delete run["start_time"];
  delete run["duration_ms"];
  for (const cell of copy.cells) delete cell.metadata["gradlab"];
  return copy;
}

/**
 * Installs the gradlab kernelspec under `<dir>/share/jupyter` with the built CLI.
 * @example const jupyterPath = await installKernelspec(dir); // for JUPYTER_PATH
 */
export async function installKernelspec(dir: string): Promise<string> {
  const r = await runCli(["install", "--prefix", dir]);
  if (r.code !== 0) throw new Error(`gradlab install --prefix ${dir} failed:\n${r.stderr}`);
  return join(dir, "share", "jupyter");
}

/** A free TCP port on 127.0.0.1. */
/**
 * Debian's `jupyter nbconvert --execute` on the gradlab kernel found on `jupyterPath`. Never
 * rejects: the exit code and stderr come back for the test's asserts.
 * @example const r = await nbconvertExecute(nb, { jupyterPath, to: "notebook", outputDir: dir, timeoutSeconds: 30 });
 */
export function nbconvertExecute(
  notebook: string,
  opts: {
    jupyterPath: string;
    to: "notebook" | "html";
    timeoutSeconds: number;
    /** Where the result goes: a folder (named like the input) or a file. */
    outputDir?: string;
    output?: string;
  },
): Promise<{ code: number; stderr: string }> {
  const where = opts.output !== undefined ? ["--output", opts.output] : ["--output-dir", opts.outputDir!];
  return new Promise((resolve) => {
    execFile(
      "/usr/bin/jupyter",
      [
        "nbconvert",
        "--to",
        opts.to,
        "--execute",
        "--ExecutePreprocessor.kernel_name=gradlab",
        `--ExecutePreprocessor.timeout=${opts.timeoutSeconds}`,
        ...where,
        notebook,
      ],
      { env: { ...process.env, JUPYTER_PATH: opts.jupyterPath }, maxBuffer: 64 * 1024 * 1024 },
      (err, _stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stderr }),
    );
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as import("node:net").AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}
