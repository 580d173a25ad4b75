// Drives a real executor the way the kernel server does, one cell at a time, with a
// recording sink per request. Output routing is released after each cell so the test
// runner's own reports (written to stdout) are not captured.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CellExecutor, ExecuteOptions, ExecuteOutcome } from "../../kernel/executorContract.js";
import { createTypeScriptExecutor } from "../../kernel/cells/typescriptExecutor.js";
import { OutputRouter } from "../../kernel/cells/outputRouter.js";
import { RecordingSink } from "./recordingSink.js";

// The real stdout, saved before any executor routes it to cells.
const realStdoutWrite = process.stdout.write.bind(process.stdout);
let reporterPassThrough = false;

/** Under `node --test`, the runner reports to the parent as v8-serialized Buffers on stdout;
 *  those must never land in a cell's sink. Cells in these tests write strings. */
function keepRunnerReportsOnRealStdout(): void {
  if (reporterPassThrough) return;
  reporterPassThrough = true;
  const routed = process.stdout.write;
  process.stdout.write = function write(this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    if (Buffer.isBuffer(chunk)) return (realStdoutWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
    return (routed as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  } as typeof process.stdout.write;
}

/** One executed cell: what execute returned and what the sink saw. */
export interface CellRun {
  outcome: ExecuteOutcome;
  sink: RecordingSink;
}

/**
 * A notebook session in a fresh temporary folder (or a given one).
 * @example
 * const nb = new NotebookHarness();
 * const { sink } = await nb.run("1 + 1");
 * sink.resultText(); // "2"
 */
export class NotebookHarness {
  readonly dir: string;
  readonly executor: CellExecutor;
  private count = 0;

  constructor(opts: { dir?: string; typeCheck?: boolean } = {}) {
    this.dir = opts.dir ?? mkdtempSync(join(tmpdir(), "gradlab-cells-"));
    this.executor = createTypeScriptExecutor({ cwd: this.dir, typeCheck: opts.typeCheck });
    keepRunnerReportsOnRealStdout();
  }

  /** Executes a cell; `keepRouting` leaves stdout routed to its sink (stray-output tests). */
  async run(
    code: string,
    opts: { sink?: RecordingSink; options?: Partial<ExecuteOptions>; keepRouting?: boolean } = {},
  ): Promise<CellRun> {
    const sink = opts.sink ?? new RecordingSink();
    // Let the test runner flush its pending reports to the real stdout before output is
    // routed to the cell again (it writes them asynchronously after each test).
    await new Promise((r) => setTimeout(r, 1));
    try {
      const outcome = await this.executor.execute(code, sink, sink.options(++this.count, opts.options));
      return { outcome, sink };
    } finally {
      if (!opts.keepRouting) OutputRouter.install().release();
    }
  }

  /** Executes a cell that must succeed and returns its text/plain result. */
  async value(code: string): Promise<string | undefined> {
    const { outcome, sink } = await this.run(code);
    if (outcome.status !== "ok")
      throw new Error(`cell failed: ${outcome.ename}: ${outcome.evalue}\n${outcome.traceback.join("\n")}`);
    return sink.resultText();
  }
}

/**
 * Narrows an outcome to the error case, failing clearly otherwise.
 * @example
 * expectError((await nb.run("throw new Error('x')")).outcome).ename; // "Error"
 */
export function expectError(outcome: ExecuteOutcome): Extract<ExecuteOutcome, { status: "error" }> {
  if (outcome.status !== "error") throw new Error("expected the cell to fail, but it succeeded");
  return outcome;
}
