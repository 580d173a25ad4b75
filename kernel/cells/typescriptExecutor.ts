// The CellExecutor the wire-protocol server drives: compiles each TypeScript cell, checks
// it against every earlier cell's declarations, runs it with top-level declarations kept
// as globals, and reports results, output and errors through the request's OutputSink.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import vm from "node:vm";
import type {
  CellExecutor,
  CompleteResult,
  ExecuteOptions,
  ExecuteOutcome,
  InspectResult,
  IsCompleteResult,
  OutputSink,
  UserExpressionResult,
} from "../executorContract.js";
import { CellSession } from "./cellSession.js";
import { installDisplayGlobals, isDisplayHandle } from "./displayGlobals.js";
import { isInterruptError, KeyboardInterrupt } from "./keyboardInterrupt.js";
import { locateLibrary, type LibraryLocations } from "./libraryLocator.js";
import { bundleOf } from "./mimeBundle.js";
import { resolveImport, type ResolverOverrides } from "./packageResolver.js";
import { nextScriptName, TracebackFormatter } from "./tracebackFormatter.js";
import type { CellDiagnostic, CompiledCell } from "./cellCompiler.js";
import type { CellTypeChecker } from "./cellTypeChecker.js";

/** Options of createTypeScriptExecutor. */
export interface TypeScriptExecutorOptions {
  /** The notebook's folder: imports resolve from here upward. */
  cwd: string;
  /** Type-check cells before running them (default true; env GRADLAB_TYPECHECK=0 turns it off). */
  typeCheck?: boolean;
}

const COMPILE_CACHE_SIZE = 64;

/** First-line directives that run a cell without type checking. */
const NOCHECK_DIRECTIVE = /^\s*\/\/\s*@(gradlab-nocheck|ts-nocheck)\b/;

/** The heavy parts (the TypeScript compiler) load on first use so the kernel starts fast. */
interface Engines {
  compileCell: (code: string) => CompiledCell;
  checker: CellTypeChecker;
}

/**
 * Creates the executor for one kernel session.
 * @example
 * const executor = createTypeScriptExecutor({ cwd: process.cwd() });
 * await executor.execute("const x = 1;\nx + 1", sink, opts); // sink.executeResult(1, { "text/plain": "2" })
 */
export function createTypeScriptExecutor(opts: { cwd: string; typeCheck?: boolean }): CellExecutor {
  return new TypeScriptExecutor(opts);
}

class TypeScriptExecutor implements CellExecutor {
  private readonly cwd: string;
  private readonly typeCheck: boolean;
  private readonly session = new CellSession();
  private readonly tracebacks = new TracebackFormatter();
  private readonly locations: LibraryLocations;
  private readonly overrides: ResolverOverrides;
  private readonly protectedNames: Set<string>;
  private engines: Promise<Engines> | undefined;
  /** Re-running a cell is common; compiling is a pure function of its text. */
  private readonly compiled = new Map<string, CompiledCell>();

  constructor(opts: TypeScriptExecutorOptions) {
    this.cwd = opts.cwd;
    this.typeCheck = opts.typeCheck ?? process.env["GRADLAB_TYPECHECK"] !== "0";
    this.locations = locateLibrary(import.meta.url);
    this.overrides = { gradlab: this.locations.gradlabUrl, tslab: this.locations.tslabShimUrl };
    this.protectedNames = protectedGlobalNames();
    installDisplayGlobals(this.session);
    Object.defineProperty(globalThis, "KeyboardInterrupt", {
      value: KeyboardInterrupt,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    this.installRuntime();
    this.tracebacks.installStackMapping();
    this.installStrayErrorHandlers();
  }

  private loadEngines(): Promise<Engines> {
    this.engines ??= (async () => {
      const [{ compileCell }, { CellTypeChecker }] = await Promise.all([
        import("./cellCompiler.js"),
        import("./cellTypeChecker.js"),
      ]);
      return { compileCell, checker: new CellTypeChecker({ cwd: this.cwd, locations: this.locations }) };
    })();
    return this.engines;
  }

  /**
   * Loads the compiler, type-checks a cell that imports gradlab (the library's declarations are
   * most of the first check's cost) and loads the library itself, committing nothing.
   */
  async warmUp(): Promise<void> {
    const engines = await this.loadEngines();
    const code = 'import { tensor } from "gradlab";\ntensor';
    const compiled = this.compile(engines, code);
    engines.checker.check(
      code,
      compiled.declarations.allNames,
      this.typeCheck,
      compiled.declarations.variableNames,
      compiled.declarations.exportedNames,
    );
    await import(this.locations.gradlabUrl);
  }

  divertOutput(sink: OutputSink): () => void {
    return this.session.divert(sink);
  }

  async execute(code: string, sink: OutputSink, opts: ExecuteOptions): Promise<ExecuteOutcome> {
    this.session.begin(sink, opts);
    Atomics.store(opts.interruptFlag, 0, 0);
    const label = `cell[${opts.executionCount}]`;
    try {
      const engines = await this.loadEngines();
      const compiled = this.compile(engines, code);
      if (compiled.diagnostics.length > 0)
        return diagnosticsOutcome("SyntaxError", label, code, compiled.diagnostics);
      const clash = this.protectedClash(compiled, code, label);
      if (clash) return clash;
      const check = this.typeCheck && !NOCHECK_DIRECTIVE.test(code);
      const problems = engines.checker.check(
        code,
        compiled.declarations.allNames,
        check,
        compiled.declarations.variableNames,
        compiled.declarations.exportedNames,
      );
      if (problems.length > 0) return diagnosticsOutcome("TSError", label, code, problems);
      if (!compiled.declarations.inert) {
        // A SIGINT that arrived while the cell compiled and type-checked (tens of ms) went to
        // the process listener, which cannot run once the cell's synchronous code holds the
        // thread: let it run now, so an early interrupt is not lost in a `while (true) {}`.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (Atomics.load(opts.interruptFlag, 0) !== 0 || opts.signal?.aborted) throw new KeyboardInterrupt();
      }
      const run = this.start(compiled, code, label);
      engines.checker.commit();
      const value = await raceInterrupt(run, opts);
      if (compiled.declarations.hasResult && value !== undefined && !opts.silent && !isDisplayHandle(value)) {
        sink.executeResult(opts.executionCount, await bundleOf(value));
      }
      return { status: "ok" };
    } catch (err) {
      const interrupted = isInterruptError(err, opts.signal) || Atomics.load(opts.interruptFlag, 0) !== 0;
      const formatted =
        interrupted && !(err instanceof KeyboardInterrupt)
          ? this.tracebacks.format(new KeyboardInterrupt(), "KeyboardInterrupt")
          : this.tracebacks.format(err);
      return { status: "error", ...formatted };
    } finally {
      // The flag stays set: if the interrupted cell is still running somewhere (a loop
      // resumed late), its next poll stops it. The server resets it before the next cell.
      this.session.end();
    }
  }

  private compile(engines: Engines, code: string): CompiledCell {
    const hit = this.compiled.get(code);
    if (hit) {
      this.compiled.delete(code);
      this.compiled.set(code, hit);
      return hit;
    }
    const result = engines.compileCell(code);
    this.compiled.set(code, result);
    if (this.compiled.size > COMPILE_CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value!);
    return result;
  }

  /** Predeclares the cell's globals and runs its synchronous part under breakOnSigint. */
  private start(compiled: CompiledCell, code: string, label: string): Promise<unknown> {
    const g = globalThis as Record<string, unknown>;
    for (const name of compiled.declarations.runtimeNames) {
      const existing = Object.getOwnPropertyDescriptor(g, name);
      // A getter-only global (e.g. `comms`) that the cell redeclares becomes the cell's own.
      const assignable = existing !== undefined && (existing.set !== undefined || existing.writable === true);
      if (!existing || (!assignable && existing.configurable)) {
        Object.defineProperty(g, name, {
          value: undefined,
          writable: true,
          configurable: true,
          enumerable: true,
        });
      }
    }
    const filename = nextScriptName();
    this.tracebacks.register(
      filename,
      { label, map: compiled.map, source: code },
      compiled.declarations.runtimeNames.size > 0,
    );
    const script = new vm.Script(compiled.script, { filename });
    // breakOnSigint starts and joins a watchdog thread per run; a cell that names nothing
    // cannot run long, so it skips that cost.
    return script.runInThisContext({
      breakOnSigint: !compiled.declarations.inert,
      displayErrors: false,
    }) as Promise<unknown>;
  }

  /** A top-level name that would overwrite a builtin the kernel and libraries rely on. */
  private protectedClash(compiled: CompiledCell, code: string, label: string): ExecuteOutcome | undefined {
    const diagnostics: CellDiagnostic[] = [];
    for (const name of compiled.declarations.runtimeNames) {
      if (!this.protectedNames.has(name)) continue;
      const pos = compiled.declarations.namePositions.get(name) ?? 0;
      const { line, column } = lineColumn(code, pos);
      diagnostics.push({
        line,
        column,
        code: 0,
        message: `top-level '${name}' would replace the global '${name}' that the kernel and libraries rely on; rename it or declare it inside a block`,
      });
    }
    return diagnostics.length ? diagnosticsOutcome("NameError", label, code, diagnostics) : undefined;
  }

  async userExpressions(
    exprs: Record<string, string>,
    sink: OutputSink,
  ): Promise<Record<string, UserExpressionResult>> {
    const engines = await this.loadEngines();
    const out: Record<string, UserExpressionResult> = {};
    const previous = this.session.running();
    const previousSink = this.session.router.currentSink();
    if (!previous) this.session.begin(sink);
    try {
      for (const [key, expr] of Object.entries(exprs)) {
        try {
          const compiled = engines.compileCell(expr);
          if (compiled.diagnostics.length > 0) {
            const d = compiled.diagnostics[0]!;
            out[key] = {
              status: "error",
              ename: "SyntaxError",
              evalue: d.message,
              traceback: [`SyntaxError: ${d.message}`],
            };
            continue;
          }
          if (compiled.declarations.runtimeNames.size > 0) {
            out[key] = {
              status: "error",
              ename: "SyntaxError",
              evalue: "user_expressions must be expressions, not declarations",
              traceback: [],
            };
            continue;
          }
          const value = await this.start(compiled, expr, "user_expression");
          out[key] = { status: "ok", data: await bundleOf(value), metadata: {} };
        } catch (err) {
          out[key] = { status: "error", ...this.tracebacks.format(err) };
        }
      }
    } finally {
      if (!previous) this.session.end();
      // Stray output keeps going where it went before these expressions ran.
      if (previousSink) this.session.router.setSink(previousSink);
      else this.session.router.release();
    }
    return out;
  }

  async complete(code: string, cursorPos: number): Promise<CompleteResult> {
    const engines = await this.loadEngines();
    return engines.checker.complete(code, cursorPos);
  }

  async inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectResult> {
    const engines = await this.loadEngines();
    return engines.checker.inspect(code, cursorPos, detailLevel);
  }

  async isComplete(code: string): Promise<IsCompleteResult> {
    const { checkCompleteness } = await import("./completenessChecker.js");
    return checkCompleteness(code);
  }

  /** The object compiled cells receive as `__gl$`. */
  private installRuntime(): void {
    const session = this.session;
    const cwd = this.cwd;
    const overrides = this.overrides;
    const requireFromNotebook = createRequire(join(cwd, "__gradlab_notebook__.js"));
    const poll = (): void => {
      const flag = session.interruptFlag();
      if (flag !== undefined && Atomics.load(flag, 0) !== 0) throw new KeyboardInterrupt();
    };
    const runtime = {
      import: (specifier: unknown, options?: ImportCallOptions): Promise<unknown> => {
        const url = resolveImport(String(specifier), cwd, overrides);
        return options === undefined ? import(url) : import(url, options);
      },
      require: (specifier: string): unknown => requireFromNotebook(specifier),
      pick: (ns: Record<string, unknown>, name: string): unknown => {
        if (name in ns) return ns[name];
        const fallback = ns["default"];
        return fallback !== null && (typeof fallback === "object" || typeof fallback === "function")
          ? (fallback as Record<string, unknown>)[name]
          : undefined;
      },
      ck: <T>(value: T): T => {
        poll();
        return value;
      },
      t: poll,
      meta: {
        url: pathToFileURL(join(cwd, "notebook.ts")).href,
        filename: join(cwd, "notebook.ts"),
        dirname: cwd,
        resolve: (specifier: string): string => resolveImport(specifier, cwd, overrides),
      },
    };
    Object.defineProperty(globalThis, Symbol.for("gradlab.cellRuntime"), {
      value: runtime,
      configurable: true,
      writable: true,
    });
    // @types/node declares a global require, so cells type-check with it; give them a real one
    // that resolves from the notebook's folder, as tslab and Node's own REPL do.
    if (typeof (globalThis as { require?: unknown }).require !== "function") {
      Object.defineProperty(globalThis, "require", {
        value: requireFromNotebook,
        configurable: true,
        writable: true,
        enumerable: false,
      });
    }
  }

  /** Errors thrown by stray timers or unhandled promise rejections are shown, not fatal.
   *  A host that already handles them (the kernel server) keeps doing so alone. */
  private installStrayErrorHandlers(): void {
    if (process.listenerCount("uncaughtException") > 0 || process.listenerCount("unhandledRejection") > 0)
      return;
    const report =
      (kind: string) =>
      (err: unknown): void => {
        const f = this.tracebacks.format(err);
        const sink = this.session.recent()?.sink;
        const text = `${kind}: ${f.traceback.join("\n")}\n`;
        if (sink) sink.stream("stderr", text);
        else this.session.router.writeKernelLog(text);
      };
    process.on("uncaughtException", report("Uncaught exception"));
    process.on("unhandledRejection", report("Unhandled promise rejection"));
  }
}

const INTERRUPT_GRACE_MS = 150;

/** Resolves with the cell's value, or rejects with KeyboardInterrupt when interrupted
 *  while the cell awaits something that never polls (a timer, a never-settling promise). */
function raceInterrupt(run: Promise<unknown>, opts: ExecuteOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let finished = false;
    let stopping = false;
    const giveUp = (): void => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      reject(new KeyboardInterrupt());
    };
    // A cell in a loop stops by itself at its next poll; give it that chance, so it does
    // not go on running in the background. Only a cell stuck on something that never
    // polls (a promise that never settles) is abandoned.
    const stop = (): void => {
      if (finished || stopping) return;
      stopping = true;
      opts.signal.removeEventListener("abort", stop);
      setTimeout(giveUp, INTERRUPT_GRACE_MS);
    };
    // The flag can be set without the signal's abort event having run yet.
    const timer = setInterval(() => {
      if (Atomics.load(opts.interruptFlag, 0) !== 0) stop();
    }, 50);
    timer.unref();
    if (opts.signal.aborted) stop();
    else opts.signal.addEventListener("abort", stop, { once: true });
    run.then(
      (value) => {
        if (finished) return;
        finished = true;
        clearInterval(timer);
        opts.signal.removeEventListener("abort", stop);
        resolve(value);
      },
      (err) => {
        if (finished) return;
        finished = true;
        clearInterval(timer);
        opts.signal.removeEventListener("abort", stop);
        reject(err);
      },
    );
  });
}

function diagnosticsOutcome(
  ename: string,
  label: string,
  code: string,
  diagnostics: CellDiagnostic[],
): ExecuteOutcome {
  const lines = code.split("\n");
  const traceback: string[] = [];
  for (const d of diagnostics) {
    const where = `${label}:${d.line + 1}:${d.column + 1}`;
    traceback.push(`${where} - ${d.code ? `error TS${d.code}: ` : ""}${d.message}`);
    const text = lines[d.line];
    if (text !== undefined) traceback.push(`  ${text}`, `  ${" ".repeat(d.column)}^`);
  }
  const first = diagnostics[0]!;
  return {
    status: "error",
    ename,
    evalue: `${label}:${first.line + 1}:${first.column + 1} ${first.message}`,
    traceback: [`${ename}: ${diagnostics.length} problem(s)`, ...traceback],
  };
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split("\n").length - 1;
  return { line, column: before.length - (before.lastIndexOf("\n") + 1) };
}

/** ECMAScript intrinsics plus Node's core globals: overwriting them breaks the kernel. */
function protectedGlobalNames(): Set<string> {
  const intrinsics = vm.runInNewContext("Object.getOwnPropertyNames(globalThis)") as string[];
  return new Set([
    ...intrinsics,
    "globalThis",
    "global",
    "process",
    "console",
    "Buffer",
    "queueMicrotask",
    "structuredClone",
    "setTimeout",
    "setInterval",
    "setImmediate",
    "clearTimeout",
    "clearInterval",
    "clearImmediate",
  ]);
}
