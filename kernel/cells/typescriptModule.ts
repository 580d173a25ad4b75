// Loads the TypeScript compiler once for the whole kernel with a V8 code cache. Node 20 has no
// module compile cache, and importing the 9 MB CommonJS file from ES modules also runs the
// CommonJS export scanner over it; compiling it here with vm.Script and V8's cached data (saved
// after the first type check, so it holds the bytecode of every function that check needed)
// skips both the scan and most of the parsing and lazy compilation. The result is put in the
// require cache: modules import it with `import ts = require("typescript")` after importing this.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { cachedDataVersionTag } from "node:v8";
import vm from "node:vm";
import { applyCompilerHeapPolicy } from "./compilerHeapPolicy.js";
import { cacheDir } from "./cacheDir.js";

const require = createRequire(import.meta.url);

interface LoadedCompiler {
  script: vm.Script;
  cacheFile: string | undefined;
  /** True when V8 used the cache file (nothing to save then). */
  cacheUsed: boolean;
}

function loadCompiler(): LoadedCompiler {
  const file = require.resolve("typescript");
  const source = readFileSync(file, "utf8");
  const dir = cacheDir();
  // The cache is only valid for this exact compiler file, node binary and set of V8 flags (the
  // version tag covers V8 and its flags: one cache per flag set, not one rewritten by each).
  const stamp = statSync(file);
  const key = createHash("sha256")
    .update(
      [file, stamp.size, stamp.mtimeMs, process.version, process.execPath, cachedDataVersionTag()].join("\0"),
    )
    .digest("hex")
    .slice(0, 16);
  const cacheFile = dir === undefined ? undefined : join(dir, `typescript-${key}.v8cache`);
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile !== undefined) cachedData = readFileSync(cacheFile);
  } catch {
    // no cache yet
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const module = new Module(file);
  module.filename = file;
  const factory = script.runInThisContext() as (...args: unknown[]) => void;
  factory.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  require.cache[file] = module;
  const cacheUsed = cachedData !== undefined && script.cachedDataRejected === false;
  return { script, cacheFile, cacheUsed };
}

function loadOnce(): LoadedCompiler | undefined {
  if (require.cache[require.resolve("typescript")] !== undefined) return undefined;
  const loaded = loadCompiler();
  // Each check builds a new Program and TypeChecker: see compilerHeapPolicy.ts for what that costs.
  applyCompilerHeapPolicy(require("typescript") as object);
  return loaded;
}

const compiler = loadOnce();

/**
 * Writes the code cache if the compiler was loaded without a usable one; call it once the
 * compiler has done representative work. Returns the file written, or undefined.
 * @example saveCompilerCodeCache() // "/home/me/.cache/gradlab/typescript-0f3c….v8cache"
 */
export function saveCompilerCodeCache(): string | undefined {
  if (compiler === undefined || compiler.cacheUsed || compiler.cacheFile === undefined) return undefined;
  compiler.cacheUsed = true;
  try {
    const data = compiler.script.createCachedData();
    mkdirSync(dirname(compiler.cacheFile), { recursive: true });
    // Written aside and renamed, so a kernel starting meanwhile never reads half a file.
    const partial = `${compiler.cacheFile}.${process.pid}.tmp`;
    writeFileSync(partial, data);
    renameSync(partial, compiler.cacheFile);
    return compiler.cacheFile;
  } catch {
    // A read-only home only costs the faster start.
    return undefined;
  }
}
