// One `gradlab run`: read the notebook, inject parameters, start a kernel (local process or
// remote server), execute, post-process figures, validate, and write the executed notebook and
// the HTML report atomically — also when a cell failed, so the error output is on disk.

import { createRequire } from "node:module";
import { basename, dirname, extname, join, resolve } from "node:path";
import type { Notebook } from "./notebookFormat.js";
import { readNotebook, serializeNotebook, writeFileAtomic } from "./notebookFile.js";
import { injectParameters } from "./parameterInjection.js";
import { runNotebook, type CellFailure, type RunStop } from "./notebookRunner.js";
import type { RunnerKernel } from "./runnerKernel.js";
import type { RunProgress } from "./runProgress.js";
import { validateNotebook } from "./notebookValidator.js";
import { UsageError } from "./usageError.js";
import { singlePlotlyLoader } from "../report/plotlyOutputs.js";

export interface NotebookJob {
  input: string;
  /** Executed notebook path (default: <input>.executed.ipynb beside the input). */
  output?: string;
  /** HTML report path, when wanted. */
  html?: string;
  parameters?: Record<string, unknown>;
  /** Inject parameters the parameters cell does not declare (with a warning) instead of failing. */
  allowUnknownParams?: boolean;
  timeoutSeconds?: number;
  allowErrors?: boolean;
  seed?: number | null;
  /** Render figures to PNG with Chromium (embedded for script-less viewers). */
  staticFigures?: boolean;
  /** Figures as plotly JSON + PNG, no plotly.js and no HTML (for notebooks committed to git). */
  lean?: boolean;
  chromium?: string;
  /** Run on a Jupyter Server instead of a local kernel process. */
  server?: { url: string; token: string; kernelName?: string };
  /** argv of a local kernel (default: this build's gradlab kernel). */
  kernelArgv?: string[];
  progress?: RunProgress;
  /** Where notices (e.g. --static unavailable) go. */
  notice?: (text: string) => void;
}

export interface JobResult {
  output: string;
  html?: string;
  failure: CellFailure | null;
  /** Where and why the run ended before its last cell (null when every cell ran). */
  stopped: RunStop | null;
  notebook: Notebook;
  staticFigures: number;
}

/**
 * The default executed-notebook path for an input.
 * @example defaultOutputPath("nb/intro.ipynb") // "nb/intro.executed.ipynb"
 */
export function defaultOutputPath(input: string): string {
  return join(dirname(input), `${basename(input, extname(input))}.executed.ipynb`);
}

/**
 * Runs one notebook end to end and writes its results.
 * @example
 * const { failure, output } = await runNotebookJob({ input: "exp.ipynb", parameters: { lr: 0.1 }, html: "exp.html" });
 */
export async function runNotebookJob(job: NotebookJob): Promise<JobResult> {
  const input = resolve(job.input);
  const output = resolve(job.output ?? defaultOutputPath(input));
  let nb: Notebook;
  try {
    nb = readNotebook(input);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const notice = job.notice ?? ((t: string) => process.stderr.write(`${t}\n`));
  const parameters = job.parameters ?? {};
  let annotations: Record<string, string> = {};
  if (Object.keys(parameters).length > 0) {
    const { checkParameters } = await import("./parameterCheck.js");
    const check = checkParameters(nb, parameters, { allowUnknown: job.allowUnknownParams });
    for (const warning of check.warnings) notice(`warning: ${warning}`);
    if (check.errors.length > 0) throw new UsageError(check.errors.join("\n"));
    annotations = check.annotations;
  }
  injectParameters(nb, parameters, annotations);
  const kernel = await startKernel(job, dirname(input));
  // Ctrl-C interrupts the running cell and ends the run; the notebook is still written.
  const interrupted = new AbortController();
  const onSigint = () => {
    interrupted.abort();
    void kernel.interrupt().catch(() => {});
  };
  process.on("SIGINT", onSigint);
  let failure: CellFailure | null;
  let stopped: RunStop | null;
  try {
    ({ failure, stopped } = await runNotebook(nb, kernel, {
      timeoutSeconds: job.timeoutSeconds,
      allowErrors: job.allowErrors,
      seed: job.seed,
      signal: interrupted.signal,
      parameters: job.parameters,
      progress: job.progress,
      label: basename(input),
    }));
  } finally {
    process.off("SIGINT", onSigint);
    await kernel.shutdown().catch(() => {});
  }
  let staticCount = 0;
  if (job.lean) staticCount = await leanFigures(nb, job);
  else {
    singlePlotlyLoader(nb);
    if (job.staticFigures) staticCount = await staticImages(nb, job);
  }
  const problems = validateNotebook(nb);
  writeFileAtomic(output, serializeNotebook(nb));
  if (problems.length > 0) {
    throw new Error(
      `the executed notebook ${output} is not valid nbformat 4.${nb.nbformat_minor}:\n  ${problems.slice(0, 10).join("\n  ")}`,
    );
  }
  let html: string | undefined;
  if (job.html !== undefined) {
    html = resolve(job.html);
    const { notebookToHtml } = await import("../report/htmlReport.js");
    writeFileAtomic(html, notebookToHtml(nb));
  }
  return { output, html, failure, stopped, notebook: nb, staticFigures: staticCount };
}

async function startKernel(job: NotebookJob, cwd: string): Promise<RunnerKernel> {
  if (job.server) {
    const { ServerKernelClient } = await import("./serverKernelClient.js");
    return ServerKernelClient.start(job.server);
  }
  const { ZmqKernelClient } = await import("./zmqKernelClient.js");
  return ZmqKernelClient.start({ argv: job.kernelArgv, cwd });
}

async function leanFigures(nb: Notebook, job: NotebookJob): Promise<number> {
  const { findChromium, noChromiumMessage, leanStaticFigures } = await import("../report/staticFigures.js");
  const chromium = findChromium(job.chromium);
  if (chromium === null) {
    (job.notice ?? ((t: string) => process.stderr.write(`${t}\n`)))(
      noChromiumMessage(job.chromium, "--lean"),
    );
    singlePlotlyLoader(nb);
    return 0;
  }
  return leanStaticFigures(nb, chromium);
}

async function staticImages(nb: Notebook, job: NotebookJob): Promise<number> {
  const notice = job.notice ?? ((t: string) => process.stderr.write(`${t}\n`));
  // playwright-core is an optional dependency: an install without it still runs notebooks.
  try {
    createRequire(import.meta.url).resolve("playwright-core");
  } catch {
    notice(
      "--static is unavailable: the optional dependency playwright-core is not installed " +
        "(npm install playwright-core); figures stay interactive-only",
    );
    return 0;
  }
  const { findChromium, noChromiumMessage, embedStaticFigures } = await import("../report/staticFigures.js");
  const chromium = findChromium(job.chromium);
  if (chromium === null) {
    notice(noChromiumMessage(job.chromium));
    return 0;
  }
  return embedStaticFigures(nb, chromium);
}
