// Runs a notebook's local modules (files a cell imports by path): registers the loader hooks
// of localModuleHooks.ts on first use, transpiles TypeScript for them with the compiler the
// executor already loaded, and starts a new generation of the local module graph when a
// file loaded earlier has changed, so the next import sees the edit.
import { statSync } from "node:fs";
import { createRequire, register } from "node:module";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort } from "node:worker_threads";
import { GENERATION_PARAM, type LoaderReply, type LoaderRequest } from "./localModuleMessages.js";
import { registerSourceMap } from "./frameSourceMaps.js";

type Transpile = (source: string, path: string) => { code: string; map: string | undefined };

/**
 * The local module graph of one process (loader hooks are process-wide).
 * @example
 * const url = localModules.versioned("file:///home/me/nb/helper.js"); // "file:///home/me/nb/helper.js?gradlab-gen=1"
 * await import(url);
 */
export class LocalModules {
  private port: MessagePort | undefined;
  private importing = 0;
  private generation = 1;
  /** Local files loaded in the current generation, with the modification time they had. */
  private readonly loaded = new Map<string, string>();
  private readonly require = createRequire(import.meta.url);

  constructor(private readonly transpile: () => Promise<Transpile>) {}

  /** Whether an import URL names a local file (outside any node_modules). */
  static isLocal(url: string): boolean {
    return url.startsWith("file:") && !url.includes("/node_modules/");
  }

  /** The URL to import for a local file: the current generation, a new one after an edit. */
  versioned(url: string): string {
    if (!LocalModules.isLocal(url)) return url;
    this.ensureRegistered();
    if (this.changed()) {
      this.generation++;
      // Local CommonJS files are cached by path, whatever the URL's query.
      for (const path of this.loaded.keys()) delete this.require.cache[path];
      this.loaded.clear();
    }
    const u = new URL(url);
    u.searchParams.set(GENERATION_PARAM, String(this.generation));
    return u.href;
  }

  private changed(): boolean {
    for (const [path, mtime] of this.loaded) {
      if (modifiedAt(path) !== mtime) return true;
    }
    return false;
  }

  private ensureRegistered(): void {
    if (this.port) return;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    port1.on("message", (request: LoaderRequest) => void this.answer(port1, request));
    port1.unref();
    register(new URL("./localModuleHooks.js", import.meta.url), {
      data: { port: port2 },
      transferList: [port2],
    });
  }

  /**
   * Imports a URL from versioned(). While it loads, the port to the hooks keeps the process
   * alive (the loader thread alone does not, and the transpiling happens here).
   */
  async import(url: string, options?: ImportCallOptions): Promise<unknown> {
    if (this.port === undefined || !url.includes(GENERATION_PARAM))
      return options ? import(url, options) : import(url);
    if (this.importing++ === 0) this.port.ref();
    try {
      return await (options ? import(url, options) : import(url));
    } finally {
      if (--this.importing === 0) this.port.unref();
    }
  }

  private async answer(port: MessagePort, request: LoaderRequest): Promise<void> {
    this.loaded.set(request.path, modifiedAt(request.path));
    const reply: LoaderReply = { id: request.id };
    if (request.type === "transpile") {
      try {
        const { readFileSync } = await import("node:fs");
        const source = readFileSync(request.path, "utf8");
        const out = (await this.transpile())(source, request.path);
        reply.code = out.code;
        if (out.map !== undefined) registerSourceMap(request.url, out.map, request.path);
      } catch (err) {
        reply.error = `cannot load ${request.path}: ${(err as Error).message}`;
      }
    }
    port.postMessage(reply);
  }
}

function modifiedAt(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return "missing";
  }
}

/** The file path of a local module URL (without its generation query). */
export function localPath(url: string): string {
  const u = new URL(url);
  u.search = "";
  return fileURLToPath(u);
}
