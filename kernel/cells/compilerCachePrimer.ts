// Fills the compiler's code cache the way a kernel's warm-up would, so the very first kernel
// launched after `gradlab install` starts as fast as later ones. Runs in a child process with
// the kernel's node options: V8 accepts a code cache only under the flags it was made with.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fullGc } from "../idleCollector.js";
import { locateLibrary } from "./libraryLocator.js";

/**
 * Type-checks a cell importing gradlab (in an empty folder, so no project's tsconfig applies)
 * and writes the code cache. Returns the cache file, or undefined when caching is off or a
 * usable cache already existed.
 * @example await primeCompilerCache() // "/home/me/.cache/gradlab/typescript-0f3c….v8cache"
 */
export async function primeCompilerCache(): Promise<string | undefined> {
  // A kernel's server exposes gc before its compiler loads; the compiler modules load only after.
  fullGc();
  const { saveCompilerCodeCache } = await import("./typescriptModule.js");
  const { compileCell } = await import("./cellCompiler.js");
  const { CellTypeChecker } = await import("./cellTypeChecker.js");
  const cwd = mkdtempSync(join(tmpdir(), "gradlab-prime-"));
  try {
    const checker = new CellTypeChecker({ cwd, locations: locateLibrary() });
    const code = 'import { tensor } from "gradlab";\ntensor';
    const { declarations: d } = compileCell(code);
    checker.check(code, d.allNames, true, d.variableNames, d.exportedNames);
    return saveCompilerCodeCache();
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
