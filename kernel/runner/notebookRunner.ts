// Executes a notebook's code cells in order on a RunnerKernel and records outputs, execution
// counts and run metadata in the nbformat 4.5 notebook, like nbclient/papermill. The notebook
// object is updated in place, so a caller can write whatever was executed when a cell fails.

import type { CodeCell, Notebook } from "./notebookFormat.js";
import { joinSource } from "./notebookFormat.js";
import { OutputCollector } from "./outputCollector.js";
import type { RunnerKernel, ExecuteReply } from "./runnerKernel.js";
import type { RunProgress } from "./runProgress.js";
import { silentProgress } from "./runProgress.js";
import { packageVersion } from "../install/packageRoot.js";
import { savedWidgetState, WIDGET_STATE_MIME } from "./widgetState.js";

export interface RunOptions {
  /** Seconds a cell may run before it is interrupted and the run fails. */
  timeoutSeconds?: number;
  /** Keep going after a failing cell (its error output is still recorded). */
  allowErrors?: boolean;
  /** Seed for gradlab's global generator, set before the first cell (TypeScript kernels);
   *  null leaves the kernel's generator alone (kernels that cannot import gradlab). */
  seed?: number | null;
  /** Parameters that were injected (recorded in the run metadata). */
  parameters?: Record<string, unknown>;
  progress?: RunProgress;
  /** Aborted when the user interrupts the run (Ctrl-C): no further cell starts. */
  signal?: AbortSignal;
  /** Name shown by the progress reporter. */
  label?: string;
}

export interface CellFailure {
  /** The cell's execution count, `[n]` in Jupyter's prompt and in the kernel's tracebacks. */
  executionCount: number;
  cellId: string;
  ename: string;
  evalue: string;
  timedOut: boolean;
}

export interface RunResult {
  notebook: Notebook;
  /** The first failing cell (the only one unless allowErrors). */
  failure: CellFailure | null;
  errors: CellFailure[];
  /** Where and why the run ended early; null when every cell ran. */
  stopped: RunStop | null;
}

/** Milliseconds to wait for a reply after interrupting a timed-out cell. */
const INTERRUPT_GRACE_MS = 10_000;

/**
 * Runs every non-empty code cell of `nb` on `kernel`, in order.
 * @example
 * const { failure } = await runNotebook(nb, kernel, { timeoutSeconds: 60 });
 * if (failure) console.error(`cell [${failure.executionCount}]: ${failure.ename}`);
 */
export async function runNotebook(
  nb: Notebook,
  kernel: RunnerKernel,
  opts: RunOptions = {},
): Promise<RunResult> {
  const progress = opts.progress ?? silentProgress;
  const codeCells = nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
  const errors: CellFailure[] = [];
  const collector = new OutputCollector();
  const seed = opts.seed === undefined ? 0 : opts.seed;
  nb.metadata["language_info"] = kernel.info.language_info;
  nb.metadata["gradlab"] = {
    gradlab_version: packageVersion(),
    node_version: process.version,
    kernel: { implementation: kernel.info.implementation, version: kernel.info.implementation_version },
    seed,
    parameters: opts.parameters ?? {},
    start_time: new Date().toISOString(),
  };
  for (const cell of codeCells) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  await seedKernel(kernel, seed);
  // Empty cells are not sent to the kernel and get no count, so they do not count as cells.
  const runnable = codeCells.filter((c) => joinSource(c.source).trim() !== "");
  progress.start(runnable.length, opts.label ?? "notebook");
  const started = Date.now();
  let lastCount = 0;
  let stop: RunStop | null = null;
  for (const cell of runnable) {
    const source = joinSource(cell.source);
    // A fresh kernel counts from 1 and the seeding request is silent, so the count this cell
    // will get is known before it runs (the progress line shows it as Jupyter's prompt does).
    const expected = lastCount + 1;
    progress.cell(expected, runnable.length, firstLine(source));
    collector.startCell(cell);
    const t0 = performance.now();
    const { reply, timedOut } = await executeWithTimeout(kernel, source, collector, opts.timeoutSeconds);
    collector.finishCell();
    const count = reply?.execution_count ?? expected;
    cell.execution_count = count;
    lastCount = count;
    cell.metadata["gradlab"] = { duration_ms: Math.round(performance.now() - t0) };
    if (opts.signal?.aborted) {
      const evalue = `the run was interrupted during cell [${count}]`;
      if (!cell.outputs.some((o) => o.output_type === "error"))
        cell.outputs.push({
          output_type: "error",
          ename: "KeyboardInterrupt",
          evalue,
          traceback: [`KeyboardInterrupt: ${evalue}`],
        });
      errors.push({
        executionCount: count,
        cellId: cell.id,
        ename: "KeyboardInterrupt",
        evalue,
        timedOut: false,
      });
      stop = { reason: "interrupted", failure: errors[errors.length - 1] };
      break;
    }
    if (reply?.status === "ok" && !timedOut) continue;
    const failure = describeFailure(cell, count, reply, timedOut, opts.timeoutSeconds);
    errors.push(failure);
    if (timedOut) {
      stop = { reason: "timeout", failure };
      break;
    }
    if (failure.ename === "DeadKernelError") {
      stop = { reason: "dead-kernel", failure };
      break;
    }
    if (!opts.allowErrors) {
      stop = { reason: "error", failure };
      break;
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ran = runnable.filter((c) => c.execution_count !== null).length;
  const raised =
    errors.length === 0
      ? ""
      : `; ${errors.length} ${errors.length === 1 ? "cell" : "cells"} raised an error: ${errors.map((e) => `[${e.executionCount}]`).join(", ")}`;
  progress.stop(
    stop !== null
      ? `stopped at cell [${stop.failure.executionCount}] (${STOP_WORDS[stop.reason]}) after ${seconds}s; ` +
          `${runnable.length - ran} of ${runnable.length} cells not run`
      : `${runnable.length} cells in ${seconds}s${raised}`,
  );
  const run = nb.metadata["gradlab"] as Record<string, unknown>;
  run["duration_ms"] = Date.now() - started;
  // Read by the HTML report to mark where and why execution stopped.
  if (stop !== null) {
    run["stopped"] = {
      cell_id: stop.failure.cellId,
      execution_count: stop.failure.executionCount,
      reason: stop.reason,
      ename: stop.failure.ename,
      evalue: stop.failure.evalue,
    };
  }
  if (errors.length > 0) {
    run["errors"] = errors.map((e) => ({
      cell_id: e.cellId,
      execution_count: e.executionCount,
      ename: e.ename,
    }));
  }
  // A dead kernel has no widget state to give.
  const states = stop?.reason === "dead-kernel" ? undefined : await kernel.widgetStates?.();
  if (states && Object.keys(states).length > 0) {
    // The kernel does not know what its Output widgets show: the front end (here, the
    // collector) does, as in a saved JupyterLab notebook.
    for (const [id, widget] of collector.widgetOutputs()) {
      const state = states[id];
      if (state) state["outputs"] = widget.outputs;
    }
    nb.metadata["widgets"] = { [WIDGET_STATE_MIME]: savedWidgetState(states) };
  }
  return { notebook: nb, failure: errors[0] ?? null, errors, stopped: stop };
}

/** Why a run ended before its last cell. */
export type StopReason = "error" | "timeout" | "interrupted" | "dead-kernel";

export interface RunStop {
  reason: StopReason;
  failure: CellFailure;
}

const STOP_WORDS: Record<StopReason, string> = {
  error: "the cell raised an error",
  timeout: "the cell timed out",
  interrupted: "interrupted",
  "dead-kernel": "the kernel died",
};

/**
 * The first non-blank line of a cell, for progress display.
 * @example firstLine("\n  const x = 1;\nx") // "const x = 1;"
 */
export function firstLine(source: string): string {
  return (
    source
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "") ?? ""
  );
}

async function seedKernel(kernel: RunnerKernel, seed: number | null): Promise<void> {
  if (seed === null || kernel.info.language_info["name"] !== "typescript") return;
  // Silent: no outputs and no execution count, so the notebook's counts start at 1.
  const reply = await kernel.execute(`(await import("gradlab")).seed(${seed});`, () => {}, { silent: true });
  if (reply.status !== "ok") {
    throw new Error(
      `could not seed gradlab's generator in the kernel: ${reply.ename ?? ""} ${reply.evalue ?? ""}`.trim(),
    );
  }
}

async function executeWithTimeout(
  kernel: RunnerKernel,
  source: string,
  collector: OutputCollector,
  timeoutSeconds: number | undefined,
): Promise<{ reply: ExecuteReply | null; timedOut: boolean }> {
  const running = kernel
    .execute(source, (msg) => collector.handle(msg))
    .catch((e: unknown): ExecuteReply => {
      const evalue = e instanceof Error ? e.message : String(e);
      return {
        status: "error",
        execution_count: null,
        ename: "DeadKernelError",
        evalue,
        traceback: [`DeadKernelError: ${evalue}`],
      };
    });
  if (timeoutSeconds === undefined || !(timeoutSeconds > 0)) return { reply: await running, timedOut: false };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutSeconds * 1000);
  });
  try {
    const first = await Promise.race([running, expired]);
    if (first !== "timeout") return { reply: first, timedOut: false };
  } finally {
    clearTimeout(timer);
  }
  await kernel.interrupt();
  let grace: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<null>((resolve) => {
    grace = setTimeout(() => resolve(null), INTERRUPT_GRACE_MS);
  });
  try {
    return { reply: await Promise.race([running, gaveUp]), timedOut: true };
  } finally {
    clearTimeout(grace);
  }
}

function describeFailure(
  cell: CodeCell,
  executionCount: number,
  reply: ExecuteReply | null,
  timedOut: boolean,
  timeoutSeconds?: number,
): CellFailure {
  const shown = cell.outputs.find((o) => o.output_type === "error");
  if (timedOut) {
    const evalue = `cell [${executionCount}] did not finish within ${timeoutSeconds} s; it was interrupted`;
    if (!shown)
      cell.outputs.push({
        output_type: "error",
        ename: "CellTimeoutError",
        evalue,
        traceback: [`CellTimeoutError: ${evalue}`],
      });
    return { executionCount, cellId: cell.id, ename: "CellTimeoutError", evalue, timedOut: true };
  }
  if (shown && shown.output_type === "error") {
    return { executionCount, cellId: cell.id, ename: shown.ename, evalue: shown.evalue, timedOut: false };
  }
  // The kernel replied with an error but published no error output: record the reply's.
  const ename = reply?.ename ?? (reply?.status === "aborted" ? "ExecutionAborted" : "Error");
  const evalue = reply?.evalue ?? (reply?.status === "aborted" ? "the kernel aborted the request" : "");
  cell.outputs.push({
    output_type: "error",
    ename,
    evalue,
    traceback: reply?.traceback ?? [`${ename}: ${evalue}`],
  });
  return { executionCount, cellId: cell.id, ename, evalue, timedOut: false };
}
