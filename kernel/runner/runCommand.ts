// The `gradlab run` and `gradlab tutorials` subcommands, registered on the CLI's commander
// program by kernel/cli.ts. Heavy modules load only when a command runs.

import { readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { parseParameter } from "./parameterInjection.js";
import type { JobResult, NotebookJob } from "./notebookJob.js";
import { UsageError } from "./usageError.js";

interface RunFlags {
  param: string[];
  output?: string;
  html?: string;
  timeout?: string;
  allowErrors?: boolean;
  allowUnknownParams?: boolean;
  seed: string;
  static?: boolean;
  lean?: boolean;
  chromium?: string;
  server?: string;
  token?: string;
  kernelName: string;
  kernelArgv?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `gradlab run`'s exit codes (documented in docs/runner.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/**
 * Adds `run` and `tutorials` to the gradlab program.
 * @example registerRunnerCommands(program); // in kernel/cli.ts, before parseAsync
 */
export function registerRunnerCommands(program: Command): void {
  program
    .command("run")
    .description("execute every code cell of a notebook in a gradlab kernel and save the result")
    .argument("<notebook>", "the .ipynb to run")
    .option(
      "-p, --param <name=value>",
      "set a parameter (repeatable); numbers, true/false, null and JSON are typed",
      collect,
      [],
    )
    .option("-o, --output <file>", "executed notebook (default: <notebook>.executed.ipynb)")
    .option("--html <file>", "also write a self-contained HTML report")
    .option("--timeout <seconds>", "interrupt and fail a cell running longer than this")
    .option("--allow-errors", "keep running after a failing cell (exit code stays 0)")
    .option(
      "--allow-unknown-params",
      "inject -p names the parameters cell does not declare, with a warning, instead of failing",
    )
    .option("--seed <n>", 'seed for gradlab\'s random generator ("none": leave it alone)', "0")
    .option("--static", "render figures to PNG with Chromium, for viewers that run no scripts")
    .option(
      "--lean",
      "store figures as plotly JSON + a PNG (drawn with Chromium) and no plotly.js, for notebooks kept in git",
    )
    .option("--chromium <path>", "the Chromium executable for --static and --lean")
    .option("--server <url>", "execute on this Jupyter Server instead of a local kernel")
    .option("--token <token>", "the Jupyter Server's token")
    .option("--kernel-name <name>", "kernelspec to start on the server", "gradlab")
    .option("--kernel-argv <json>", "argv of a local kernel as a JSON array ({connection_file} is replaced)")
    .action(async (notebook: string, flags: RunFlags) => {
      const { progressFor } = await import("./runProgress.js");
      let result: JobResult;
      try {
        const job = jobFrom(notebook, flags);
        // @jupyterlab/services reports websocket and kernel status changes with console.debug,
        // which Node prints to stdout; this command's stdout is for results only.
        if (job.server) console.debug = () => {};
        result = await runJobReporting({ ...job, progress: progressFor(process.stderr) });
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        process.stderr.write(`gradlab run: ${e.message.replace(/\n/g, "\n  ")}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      if (result.stopped !== null)
        process.exitCode = result.stopped.reason === "interrupted" ? EXIT.interrupted : EXIT.failed;
    });

  program
    .command("tutorials")
    .description("run every tutorial notebook into a folder (executed .ipynb + .html)")
    .option("--out <dir>", "output folder", "out")
    .option("--timeout <seconds>", "per-cell timeout", "120")
    .option("--static", "also render figures to PNG with Chromium")
    .action(async (flags: { out: string; timeout: string; static?: boolean }) => {
      const [{ packageRoot }, { progressFor }] = await Promise.all([
        import("../install/packageRoot.js"),
        import("./runProgress.js"),
      ]);
      const folder = join(packageRoot(), "notebooks");
      const notebooks = readdirSync(folder)
        .filter((f) => f.endsWith(".ipynb") && !f.includes(".executed."))
        .sort();
      const out = resolve(flags.out);
      let failed = 0;
      const written: string[] = [];
      for (const name of notebooks) {
        const stem = basename(name, ".ipynb");
        const result = await runJobReporting({
          input: join(folder, name),
          output: join(out, `${stem}.ipynb`),
          html: join(out, `${stem}.html`),
          timeoutSeconds: Number(flags.timeout),
          staticFigures: flags.static,
          progress: progressFor(process.stderr),
        });
        if (result.failure) failed++;
        written.push(`  ${result.html}`);
      }
      process.stdout.write(
        `Tutorials executed into ${out} (${notebooks.length} notebooks, ${failed} failed). Open:\n${written.join("\n")}\n`,
      );
      if (failed > 0) process.exitCode = 1;
    });
}

function jobFrom(notebook: string, flags: RunFlags): NotebookJob {
  let parameters: Record<string, unknown>;
  try {
    parameters = Object.fromEntries(flags.param.map(parseParameter));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const seed = flags.seed === "none" ? null : Number(flags.seed);
  if (seed !== null && !Number.isInteger(seed))
    throw new UsageError(`--seed ${flags.seed}: expected an integer or "none"`);
  let timeoutSeconds: number | undefined;
  if (flags.timeout !== undefined) {
    timeoutSeconds = Number(flags.timeout);
    if (!(timeoutSeconds > 0))
      throw new UsageError(`--timeout ${flags.timeout}: expected a positive number of seconds`);
  }
  if (flags.token !== undefined && flags.server === undefined) {
    throw new UsageError("--token only makes sense with --server URL");
  }
  let kernelArgv: string[] | undefined;
  if (flags.kernelArgv !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(flags.kernelArgv);
    } catch {
      parsed = null;
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === "string")) {
      throw new UsageError("--kernel-argv: expected a JSON array of strings");
    }
    kernelArgv = parsed;
  }
  return {
    input: notebook,
    output: flags.output,
    html: flags.html,
    parameters,
    allowUnknownParams: flags.allowUnknownParams,
    timeoutSeconds,
    seed,
    allowErrors: flags.allowErrors,
    staticFigures: flags.static,
    lean: flags.lean,
    chromium: flags.chromium,
    kernelArgv,
    server:
      flags.server !== undefined
        ? { url: flags.server, token: flags.token ?? "", kernelName: flags.kernelName }
        : undefined,
  };
}

async function runJobReporting(job: NotebookJob): Promise<JobResult> {
  const { runNotebookJob } = await import("./notebookJob.js");
  const result = await runNotebookJob(job);
  const where = `executed notebook: ${result.output}${result.html ? `, report: ${result.html}` : ""}`;
  const name = basename(job.input);
  const f = result.stopped?.failure;
  if (f) {
    process.stderr.write(
      `gradlab run: ${name} stopped at cell [${f.executionCount}]: ${f.ename}: ${f.evalue}\n  (${where})\n`,
    );
  } else if (result.failure) {
    process.stderr.write(`gradlab run: ${name} ran to the end, with errors (${where})\n`);
  } else {
    process.stderr.write(`gradlab run: ${name} ok (${where})\n`);
  }
  return result;
}
