// Runs a notebook's local modules (files a cell imports by path): registers the loader hooks
// of localModuleHooks.ts on first use, transpiles TypeScript for them with the compiler the
// executor already loaded, and starts a new generation of the local module graph when a
// file loaded earlier has changed, so the next import sees the edit.
import { readFileSync, statSync } from "node:fs";
import { createRequire, register } from "node:module";
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
  private transpiler: Transpile | undefined;
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

  /**
   * Imports a resolved URL; a local file is imported at the current generation of the local
   * graph (a new one when a file loaded earlier has changed).
   */
  async import(url: string, options?: ImportCallOptions): Promise<unknown> {
    if (!LocalModules.isLocal(url)) return options ? import(url, options) : import(url);
    // Everything the answers to the hooks need is loaded first: an import() made while
    // answering would itself wait for the hooks, which are waiting for the answer.
    this.transpiler ??= await this.transpile();
    const port = this.ensureRegistered();
    const versioned = this.versioned(url);
    // While it loads, the port keeps the process alive (the loader thread alone does not).
    if (this.importing++ === 0) port.ref();
    try {
      return await (options ? import(versioned, options) : import(versioned));
    } finally {
      if (--this.importing === 0) port.unref();
    }
  }

  private versioned(url: string): string {
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

  private ensureRegistered(): MessagePort {
    if (this.port) return this.port;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    port1.on("message", (request: LoaderRequest) => port1.postMessage(this.answer(request)));
    port1.unref();
    register(new URL("./localModuleHooks.js", import.meta.url), {
      data: { port: port2 },
      transferList: [port2],
    });
    return port1;
  }

  /** Synchronous on purpose (see import()). */
  private answer(request: LoaderRequest): LoaderReply {
    this.loaded.set(request.path, modifiedAt(request.path));
    const reply: LoaderReply = { id: request.id };
    if (request.type !== "transpile") return reply;
    try {
      const out = this.transpiler!(readFileSync(request.path, "utf8"), request.path);
      reply.code = out.code;
      if (out.map !== undefined) registerSourceMap(request.url, out.map, request.path);
    } catch (err) {
      reply.error = `cannot load ${request.path}: ${(err as Error).message}`;
    }
    return reply;
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
