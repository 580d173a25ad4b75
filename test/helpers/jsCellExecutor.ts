// A small JavaScript CellExecutor for driving the kernel in protocol tests without the
// TypeScript executor. Cells run in this realm (vm.runInThisContext with breakOnSigint) so
// globals persist; cells containing `await` run as an async function that an interrupt
// rejects. Globals for tests: print, sleep, display, clearOutput, input, password,
// fileExists, interrupted, comms.
import vm from "node:vm";
import { inspect } from "node:util";
import { existsSync } from "node:fs";
import type {
  CellExecutor,
  CompleteResult,
  ExecuteOptions,
  ExecuteOutcome,
  InspectResult,
  IsCompleteResult,
  MimeBundle,
  OutputSink,
  UserExpressionResult,
} from "../../kernel/executorContract.js";

class KeyboardInterrupt extends Error {
  override readonly name = "KeyboardInterrupt";
}

/**
 * Creates the test executor; it installs its globals on globalThis.
 * @example
 * await startKernel(connectionFile, () => createJsCellExecutor());
 */
export function createJsCellExecutor(): CellExecutor {
  let sink: OutputSink | undefined;
  let opts: ExecuteOptions | undefined;
  const text = (args: unknown[]) =>
    args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" ") + "\n";
  const g = globalThis as Record<string, unknown>;
  Object.assign(g, {
    print: (...args: unknown[]) => sink?.stream("stdout", text(args)),
    sleep: (ms: number) => new Promise((r) => setTimeout(r, ms)),
    // Same shape as the TypeScript executor's global: display(bundle, {id}) -> {update}.
    display: (data: MimeBundle, o: { id?: string } = {}) => {
      sink?.displayData(data, { displayId: o.id });
      return { update: (next: MimeBundle) => o.id && sink?.updateDisplayData(next, { displayId: o.id }) };
    },
    clearOutput: (wait = false) => sink?.clearOutput(wait),
    input: (prompt = "") => sink!.inputRequest(prompt, false),
    password: (prompt = "") => sink!.inputRequest(prompt, true),
    fileExists: (path: string) => existsSync(path),
    interrupted: () => (opts ? Atomics.load(opts.interruptFlag, 0) !== 0 : false),
    comms: () => (globalThis as Record<symbol, unknown>)[Symbol.for("gradlab.comms")],
  });
  console.log = (...args: unknown[]) => sink?.stream("stdout", text(args));
  console.error = (...args: unknown[]) => sink?.stream("stderr", text(args));

  const evaluate = (code: string, breakOnSigint: boolean): unknown =>
    new vm.Script(code, { filename: "cell.js" }).runInThisContext({ breakOnSigint });

  return {
    async execute(code: string, s: OutputSink, o: ExecuteOptions): Promise<ExecuteOutcome> {
      sink = s;
      opts = o;
      try {
        let value: unknown;
        if (/\bawait\b/.test(code)) {
          // A one-expression cell keeps its value, like the TypeScript executor's last expression.
          const body = /[;\n]/.test(code.trim()) ? code : `return (${code});`;
          const run = evaluate(`(async () => {\n${body}\n})()`, true) as Promise<unknown>;
          value = await new Promise((resolve, reject) => {
            o.signal.addEventListener("abort", () => reject(new KeyboardInterrupt("interrupted")), {
              once: true,
            });
            run.then(resolve, reject);
          });
        } else {
          value = evaluate(code, true);
        }
        if (value !== undefined) s.executeResult(o.executionCount, { "text/plain": inspect(value) });
        return { status: "ok" };
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        const ename =
          /interrupted/.test(e.message) && !(err instanceof KeyboardInterrupt) ? "KeyboardInterrupt" : e.name;
        return { status: "error", ename, evalue: e.message, traceback: [`${ename}: ${e.message}`] };
      }
    },
    async userExpressions(exprs: Record<string, string>): Promise<Record<string, UserExpressionResult>> {
      const out: Record<string, UserExpressionResult> = {};
      for (const [k, expr] of Object.entries(exprs)) {
        try {
          out[k] = { status: "ok", data: { "text/plain": inspect(evaluate(expr, false)) }, metadata: {} };
        } catch (err) {
          const e = err as Error;
          out[k] = { status: "error", ename: e.name, evalue: e.message, traceback: [String(e.stack)] };
        }
      }
      return out;
    },
    async complete(code: string, cursorPos: number): Promise<CompleteResult> {
      const prefix = /[A-Za-z_$][\w$]*$/.exec(code.slice(0, cursorPos))?.[0] ?? "";
      const names = Object.getOwnPropertyNames(globalThis)
        .filter((n) => n.startsWith(prefix))
        .sort();
      return { matches: names, cursorStart: cursorPos - prefix.length, cursorEnd: cursorPos, metadata: {} };
    },
    async inspect(code: string, cursorPos: number): Promise<InspectResult> {
      const name = /[A-Za-z_$][\w$]*$/.exec(code.slice(0, cursorPos))?.[0] ?? "";
      if (!name || !(name in globalThis)) return { found: false, data: {}, metadata: {} };
      return { found: true, data: { "text/plain": `${name}: ${inspect(g[name])}` }, metadata: {} };
    },
    async isComplete(code: string): Promise<IsCompleteResult> {
      try {
        new vm.Script(code);
        return { status: "complete" };
      } catch (err) {
        if (/Unexpected end of input|missing \)|Unterminated/.test((err as Error).message))
          return { status: "incomplete", indent: "  " };
        return { status: "invalid" };
      }
    },
  };
}
