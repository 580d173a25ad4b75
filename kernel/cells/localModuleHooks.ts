// Module loader hooks (node:module register) for a notebook's local modules, running on
// Node's loader thread. A local module is one a cell imported by path: its URL carries a
// `gradlab-gen` query, which every local file it imports inherits, so a new generation
// (after an edit) loads the whole local graph afresh. TypeScript files are transpiled by
// the main thread, which has the compiler loaded already; `.js` imports of a `.ts` file,
// extensionless imports and `.js` files written as ES modules outside a "type": "module"
// package load as they would in a TypeScript project.
import { existsSync, readFileSync, statSync } from "node:fs";
import type { MessagePort } from "node:worker_threads";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GENERATION_PARAM, type LoaderReply, type LoaderRequest } from "./localModuleMessages.js";

let port: MessagePort | undefined;
let nextId = 0;
const waiting = new Map<number, (reply: LoaderReply) => void>();

/** Called by register() with the port to the main thread. */
export function initialize(data: { port: MessagePort }): void {
  port = data.port;
  port.on("message", (reply: LoaderReply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
    if (waiting.size === 0) port?.unref();
  });
  port.unref();
}

/** Asks the main thread; the port stays referenced until it answers, or this thread would idle. */
function ask(request: Omit<LoaderRequest, "id">): Promise<LoaderReply> {
  const id = ++nextId;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    port!.ref();
    port!.postMessage({ ...request, id });
  });
}

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
  importAttributes?: Record<string, string>;
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
interface LoadContext {
  format?: string | null;
  conditions: string[];
  importAttributes?: Record<string, string>;
}
interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;

function generationOf(url: string | undefined): string | null {
  if (!url?.startsWith("file:")) return null;
  return new URL(url).searchParams.get(GENERATION_PARAM);
}

function isLocalFile(url: string): boolean {
  return url.startsWith("file:") && !url.includes("/node_modules/");
}

function withGeneration(url: string, generation: string): string {
  const u = new URL(url);
  u.searchParams.set(GENERATION_PARAM, generation);
  return u.href;
}

function isRelative(specifier: string): boolean {
  return (
    specifier.startsWith("./") ||
    specifier.startsWith("../") ||
    specifier.startsWith("/") ||
    specifier.startsWith("file:")
  );
}

/** Files a TypeScript project would accept for a missing path (TypeScript's .js → .ts mapping). */
function candidates(path: string): string[] {
  const mapped: Record<string, string[]> = {
    ".js": [".ts", ".tsx"],
    ".mjs": [".mts"],
    ".cjs": [".cts"],
    ".jsx": [".tsx"],
  };
  const ext = /\.[cm]?jsx?$/.exec(path)?.[0];
  if (ext) return mapped[ext]!.map((e) => path.slice(0, -ext.length) + e);
  const extensions = [".ts", ".tsx", ".mts", ".js", ".mjs", ".cjs", ".json"];
  return [
    ...extensions.map((e) => path + e),
    ...extensions.filter((e) => e !== ".json").map((e) => `${path}/index${e}`),
  ];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Node's resolve, then TypeScript's mappings for a local file Node cannot find. */
export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: NextResolve,
): Promise<ResolveResult> {
  const generation = generationOf(specifier) ?? generationOf(context.parentURL);
  if (generation === null) return nextResolve(specifier, context);
  let result: ResolveResult;
  try {
    result = await nextResolve(specifier, context);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!isRelative(specifier) || (code !== "ERR_MODULE_NOT_FOUND" && code !== "ERR_UNSUPPORTED_DIR_IMPORT"))
      throw err;
    const base = new URL(specifier, context.parentURL ?? pathToFileURL(process.cwd() + "/").href);
    const wanted = fileURLToPath(new URL(base.pathname, "file:"));
    const found = candidates(wanted).find(isFile);
    if (found === undefined) throw err;
    result = { url: pathToFileURL(found).href, shortCircuit: true };
  }
  if (isLocalFile(result.url)) return { ...result, url: withGeneration(result.url, generation) };
  return result;
}

/** Transpiles local TypeScript files; loads ES-module syntax in plain `.js` files as a module. */
export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  if (generationOf(url) === null || !isLocalFile(url)) return nextLoad(url, context);
  const path = fileURLToPath(new URL(new URL(url).pathname, "file:"));
  if (/\.(ts|mts|tsx)$/.test(path) && !path.endsWith(".d.ts")) {
    const reply = await ask({ type: "transpile", path, url });
    if (reply.error !== undefined) throw new Error(reply.error);
    return { format: "module", source: reply.code, shortCircuit: true };
  }
  void ask({ type: "loaded", path, url });
  if (/\.js$/.test(path) && existsSync(path)) {
    const result = await nextLoad(url, context);
    if (result.format === "commonjs") {
      const source = readFileSync(path, "utf8");
      if (looksLikeModule(source)) return { format: "module", source, shortCircuit: true };
    }
    return result;
  }
  return nextLoad(url, context);
}

/** ES-module syntax and no CommonJS: such a `.js` file was written as a module. */
function looksLikeModule(source: string): boolean {
  const esm =
    /^\s*(import\s*[\w{*'"]|export\s+(\{|\*|default\b|const\b|let\b|var\b|function\b|async\b|class\b))/m;
  const cjs = /\brequire\s*\(|\bmodule\.exports\b|\bexports\.\w+\s*=/;
  return esm.test(source) && !cjs.test(source);
}
