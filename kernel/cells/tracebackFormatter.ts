// Turns a thrown value into Jupyter's ename/evalue/traceback with every frame of a compiled
// cell mapped back to cell coordinates (cell[3]:5:12) and the kernel's own frames removed.
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { WRAPPER_LINES } from "./cellCompiler.js";
import { inspectText } from "./mimeBundle.js";
import type { SourceMapIndex } from "./sourceMapIndex.js";

/** A compiled cell script, by its vm filename. */
export interface CompiledScriptRecord {
  /** e.g. "cell[3]" */
  label: string;
  map: SourceMapIndex;
  source: string;
}

/** Jupyter's error triple. */
export interface FormattedError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** <build>/kernel: every frame in the kernel's own code (server, executor) is internal. */
const KERNEL_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const SCRIPT_NAME = /gradlab-cell-(\d+)\.js:(\d+):(\d+)/g;

/**
 * Remembers compiled scripts and maps error stacks through them.
 * @example
 * const tb = new TracebackFormatter();
 * tb.register("gradlab-cell-1.js", { label: "cell[1]", map, source });
 * tb.format(err).traceback; // ["TypeError: boom", "    at f (cell[1]:2:9)", ...]
 */
export class TracebackFormatter {
  private readonly scripts = new Map<string, CompiledScriptRecord>();

  /** Registers a compiled script so frames in it can be mapped. */
  register(filename: string, record: CompiledScriptRecord): void {
    this.scripts.set(filename, record);
  }

  /** Error triple for any thrown value. */
  format(err: unknown, nameOverride?: string): FormattedError {
    if (!(err instanceof Error) && !(err && typeof err === "object" && "stack" in err)) {
      const evalue = `Uncaught ${inspectText(err)}`;
      return { ename: nameOverride ?? "Error", evalue, traceback: [`${nameOverride ?? "Error"}: ${evalue}`] };
    }
    const e = err as Error;
    const ename = nameOverride ?? (typeof e.name === "string" && e.name ? e.name : "Error");
    const evalue = typeof e.message === "string" ? e.message : String(e);
    const traceback = [`${ename}: ${evalue}`, ...this.frames(e)];
    const excerpt = this.excerpt(e);
    if (excerpt.length) traceback.push("", ...excerpt);
    let cause = (e as { cause?: unknown }).cause;
    for (let depth = 0; cause !== undefined && depth < 5; depth++) {
      const inner = this.format(cause);
      traceback.push("", `Caused by: ${inner.traceback[0]}`, ...inner.traceback.slice(1).filter((l) => l.startsWith("    at ")));
      cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
    }
    return { ename, evalue, traceback };
  }

  /** The stack's frames in cell coordinates, kernel-internal ones dropped. */
  frames(e: Error): string[] {
    const stack = typeof e.stack === "string" ? e.stack : "";
    const out: string[] = [];
    for (const line of stack.split("\n")) {
      if (!/^\s+at /.test(line)) continue;
      if (this.isInternal(line)) continue;
      let unmapped = false;
      const mapped = line.trim().replace(SCRIPT_NAME, (whole, _n, l, c) => {
        const position = this.mapPosition(whole, Number(l), Number(c));
        if (position === undefined) unmapped = true;
        return position ?? whole;
      });
      // A cell frame with no mapping is the wrapper's own call, not user code.
      if (!unmapped) out.push(`    ${mapped}`);
    }
    return out;
  }

  /** Maps "gradlab-cell-N.js:L:C" (1-based) to "cell[k]:l:c". */
  mapPosition(whole: string, line: number, column: number): string | undefined {
    const filename = whole.slice(0, whole.indexOf(".js:") + 3);
    const record = this.scripts.get(filename);
    if (!record) return whole;
    const pos = record.map.originalPosition(line - 1 - WRAPPER_LINES, column - 1);
    return pos ? `${record.label}:${pos.line + 1}:${pos.column + 1}` : undefined;
  }

  private isInternal(frame: string): boolean {
    if (frame.includes("node:internal") || frame.includes("node:vm") || frame.includes("evalmachine")) return true;
    if (frame.includes(KERNEL_DIR)) return true;
    // The cell wrapper's own "new Promise (<anonymous>)" style frames say nothing useful.
    return /\(<anonymous>\)$/.test(frame) && !/gradlab-cell-\d+\.js:/.test(frame);
  }

  /** The source line of the innermost cell frame with a caret under the column. */
  private excerpt(e: Error): string[] {
    const stack = typeof e.stack === "string" ? e.stack : "";
    const m = /gradlab-cell-(\d+)\.js:(\d+):(\d+)/.exec(stack);
    if (!m) return [];
    const record = this.scripts.get(`gradlab-cell-${m[1]}.js`);
    if (!record) return [];
    const pos = record.map.originalPosition(Number(m[2]) - 1 - WRAPPER_LINES, Number(m[3]) - 1);
    if (!pos) return [];
    const text = record.source.split("\n")[pos.line];
    if (text === undefined) return [];
    return [`${record.label}:${pos.line + 1}`, `  ${text}`, `  ${" ".repeat(pos.column)}^`];
  }
}
