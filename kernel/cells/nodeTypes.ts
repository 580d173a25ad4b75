// Which of Node's declarations (@types/node) a cell is checked against. @types/node is three
// quarters of the declaration text the checker parses and binds, and every check merges its
// globals again; most cells only use console and timers. So a session starts with the few files
// of @types/node that declare those ("lite") and switches to the whole package for good the
// first time a cell could need more: it names a Node-only global or imports a module, or the
// lite check reports something missing (which the full check then confirms or clears). The lite
// files are the package's own, so a name declared there means the same in both; what the lite
// files leave out is missing or `any`, never differently typed, so only "missing" problems can
// be the subset's fault.
import { join } from "node:path";

/** How a session's checks see Node: no @types/node installed, its globals subset, or all of it. */
export type NodeTypesMode = "none" | "lite" | "full";

/** Files of @types/node that declare console, timers, events, AbortController and `global`. */
const LITE_FILES = [
  "compatibility/index.d.ts",
  "globals.typedarray.d.ts",
  "globals.d.ts",
  "web-globals/abortcontroller.d.ts",
  "web-globals/domexception.d.ts",
  "web-globals/events.d.ts",
  "console.d.ts",
  "timers.d.ts",
];

/** Globals that only the full package declares (or types fully), so a cell naming one needs it. */
const FULL_ONLY_GLOBALS = new Set([
  "process",
  "Buffer",
  "require",
  "module",
  "exports",
  "__dirname",
  "__filename",
  "NodeJS",
  "performance",
  "TextEncoder",
  "TextDecoder",
  "URL",
  "URLSearchParams",
  "fetch",
  "Request",
  "Response",
  "Headers",
  "FormData",
  "Blob",
  "File",
  "WebSocket",
  "structuredClone",
  "atob",
  "btoa",
  "crypto",
  "navigator",
  "BroadcastChannel",
  "MessageChannel",
  "MessagePort",
  "MessageEvent",
  "ReadableStream",
  "WritableStream",
  "TransformStream",
  "CompressionStream",
  "DecompressionStream",
  "WebAssembly",
]);

/** Module specifiers that need no Node declarations: the kernel resolves them to its own files. */
const KERNEL_MODULES = new Set(["gradlab", "tslab"]);

/** Diagnostics that say a name, member, module or type is missing (or misspelled). */
const MISSING_CODES = new Set([
  2304, 2305, 2307, 2339, 2503, 2551, 2552, 2580, 2582, 2583, 2584, 2591, 2592, 2688, 2693, 2694, 2724, 2749,
]);

/**
 * True when problems found with the lite subset may be its fault (something missing).
 * @example liteMayBeWrong([2322]) // false
 */
export function liteMayBeWrong(codes: readonly number[]): boolean {
  return codes.some((code) => MISSING_CODES.has(code));
}

/**
 * The lite files' absolute paths in an @types/node folder.
 * @example liteNodeTypeFiles("/repo/node_modules/@types/node")[2] // ".../globals.d.ts"
 */
export function liteNodeTypeFiles(nodeTypesDir: string): string[] {
  return LITE_FILES.map((f) => join(nodeTypesDir, f));
}

/**
 * True when a cell may use Node declarations beyond the lite files: it names a Node-only global
 * or refers to any module other than the kernel's own (whose declarations may reference Node).
 * `mentioned` is every identifier-like word of the code.
 * @example needsFullNodeTypes('import fs from "node:fs"', new Set(["import", "fs", "from", "node"])) // true
 */
export function needsFullNodeTypes(code: string, mentioned: ReadonlySet<string>): boolean {
  for (const name of mentioned) if (FULL_ONLY_GLOBALS.has(name)) return true;
  for (const m of code.matchAll(/\b(?:from|import)\s*\(?\s*["'`]([^"'`]*)["'`]/g))
    if (!KERNEL_MODULES.has(m[1]!)) return true;
  return false;
}
