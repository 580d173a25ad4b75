// Turns a thrown value into Jupyter's ename/evalue/traceback with every frame of a compiled
// cell mapped back to cell coordinates (cell[3]:5:12) and the kernel's own frames removed.
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { WRAPPER_LINES } from "./scriptWrapper.js";
import { inspectText } from "./mimeBundle.js";
import type { SourceMapIndex } from "./sourceMapIndex.js";
import { mapFrame } from "./frameSourceMaps.js";

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
const CELL_POSITION = /(cell\[[^\]]*\]):(\d+):(\d+)/;
const TRANSIENT_LIMIT = 200;

/**
 * Remembers compiled scripts and maps error stacks through them.
 * @example
 * const tb = new TracebackFormatter();
 * tb.register("gradlab-cell-1.js", { label: "cell[1]", map, source });
 * tb.format(err).traceback; // ["TypeError: boom", "    at f (cell[1]:2:9)", ...]
 */
/** Process-wide, like Error.prepareStackTrace itself: every executor's scripts. */
const SCRIPTS = new Map<string, CompiledScriptRecord>();
/** Scripts that declared nothing: only the most recent ones keep their maps. */
const TRANSIENT: string[] = [];
let scriptCounter = 0;
let mappingInstalled = false;

/**
 * A fresh vm filename for a compiled cell, unique in the process.
 * @example
 * nextScriptName(); // "gradlab-cell-7.js"
 */
export function nextScriptName(): string {
  return `gradlab-cell-${++scriptCounter}.js`;
}

export class TracebackFormatter {
  private readonly scripts = SCRIPTS;
  private readonly transient = TRANSIENT;

  /** Registers a compiled script so frames in it can be mapped. `keep` is for cells whose
   *  functions or classes outlive them (they declared runtime names). */
  register(filename: string, record: CompiledScriptRecord, keep = true): void {
    this.scripts.set(filename, record);
    if (keep) return;
    this.transient.push(filename);
    if (this.transient.length > TRANSIENT_LIMIT) this.scripts.delete(this.transient.shift()!);
  }

  /**
   * Makes every Error.stack in the process show cell coordinates, so errors reported by
   * anyone (the server's stray-error handler, user code printing err.stack) are mapped.
   * Frames of a cell's own wrapper (no mapping) are left out.
   */
  installStackMapping(): void {
    if (mappingInstalled) return;
    mappingInstalled = true;
    Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]): string => {
      let header: string;
      try {
        header = Error.prototype.toString.call(error);
      } catch {
        header = "Error";
      }
      const lines: string[] = [];
      for (const site of sites) {
        const text = String(site);
        if (!/gradlab-cell-\d+\.js:/.test(text)) {
          lines.push(`    at ${mapFrame(text)}`);
          continue;
        }
        let unmapped = false;
        const mapped = text.replace(SCRIPT_NAME, (whole, _n, l, c) => {
          const position = this.mapPosition(whole, Number(l), Number(c));
          if (position === undefined) unmapped = true;
          return position ?? whole;
        });
        if (!unmapped) lines.push(`    at ${mapped}`);
      }
      return [header, ...lines].join("\n");
    };
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
      traceback.push(
        "",
        `Caused by: ${inner.traceback[0]}`,
        ...inner.traceback.slice(1).filter((l) => l.startsWith("    at ")),
      );
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
    // Below a cell's top level come only its callers: the executor and the server.
    let lastCell = -1;
    out.forEach((frame, i) => {
      if (/\bcell\[[^\]]*\]:\d+:\d+/.test(frame)) lastCell = i;
    });
    return lastCell >= 0 ? out.slice(0, lastCell + 1) : out;
  }

  /** The text of a cell's 1-based line, if that cell is still known. */
  sourceLine(label: string, line: number): string | undefined {
    let record: CompiledScriptRecord | undefined;
    for (const r of this.scripts.values()) if (r.label === label) record = r;
    return record?.source.split("\n")[line - 1];
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
    if (frame.includes("node:internal") || frame.includes("node:vm") || frame.includes("evalmachine"))
      return true;
    if (frame.includes(KERNEL_DIR)) return true;
    // The cell wrapper's own "new Promise (<anonymous>)" style frames say nothing useful.
    return /\(<anonymous>\)$/.test(frame) && !/gradlab-cell-\d+\.js:/.test(frame);
  }

  /** The source line of the innermost cell frame with a caret under the column. */
  private excerpt(e: Error): string[] {
    const stack = typeof e.stack === "string" ? e.stack : "";
    const m = CELL_POSITION.exec(stack);
    if (!m) return [];
    let record: CompiledScriptRecord | undefined;
    for (const r of this.scripts.values()) if (r.label === m[1]) record = r;
    const text = record?.source.split("\n")[Number(m[2]) - 1];
    if (text === undefined) return [];
    return [`${m[1]}:${m[2]}`, `  ${text}`, `  ${" ".repeat(Math.max(0, Number(m[3]) - 1))}^`];
  }
}
