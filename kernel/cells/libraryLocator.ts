// Where the kernel finds the files it hands to cells: the gradlab library and the tslab
// shim are resolved relative to this compiled file, so a build in dist/ or .build/x/ uses
// its own sibling output and nothing has to be installed into the notebook's folder.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Absolute paths the cell executor needs, all derived from one compiled-file location. */
export interface LibraryLocations {
  /** The folder holding package.json (the repo or the installed gradlab package). */
  repoRoot: string;
  /** The output folder this kernel was compiled into (dist/ or .build/x/). */
  buildRoot: string;
  /** file: URL of the gradlab library entry module. */
  gradlabUrl: string;
  /** Declarations the type checker uses for `import ... from "gradlab"`. */
  gradlabTypes: string;
  /** file: URL of the tslab display shim module. */
  tslabShimUrl: string;
  /** Declarations of the tslab shim. */
  tslabShimTypes: string;
  /** node_modules/@types of the kernel's own install (for @types/node). */
  kernelTypeRoots: string[];
}

/**
 * Finds the library and shim relative to a compiled kernel file.
 * @example
 * const where = locateLibrary(import.meta.url);
 * const gradlab = await import(where.gradlabUrl);
 */
export function locateLibrary(compiledFileUrl: string = import.meta.url): LibraryLocations {
  const here = dirname(fileURLToPath(compiledFileUrl));
  // This file compiles to <buildRoot>/kernel/cells/libraryLocator.js.
  const buildRoot = resolve(here, "..", "..");
  const repoRoot = findPackageRoot(here);
  const gradlabJs = join(buildRoot, "src", "index.js");
  const gradlabDts = join(buildRoot, "src", "index.d.ts");
  const gradlabTypes = existsSync(gradlabDts) ? gradlabDts : join(repoRoot, "src", "index.ts");
  const shimJs = join(here, "tslabShim.js");
  const shimDts = join(here, "tslabShim.d.ts");
  const shimTypes = existsSync(shimDts) ? shimDts : join(repoRoot, "kernel", "cells", "tslabShim.ts");
  const typeRoot = nodeTypesRoot(compiledFileUrl) ?? join(repoRoot, "node_modules", "@types");
  return {
    repoRoot,
    buildRoot,
    gradlabUrl: pathToFileURL(gradlabJs).href,
    gradlabTypes,
    tslabShimUrl: pathToFileURL(shimJs).href,
    tslabShimTypes: shimTypes,
    kernelTypeRoots: existsSync(typeRoot) ? [typeRoot] : [],
  };
}

// @types/node is a dependency of gradlab; an installed package finds it wherever npm placed it
// (usually hoisted beside gradlab in the user's node_modules), so resolve it like a module.
function nodeTypesRoot(fromUrl: string): string | null {
  try {
    return dirname(dirname(createRequire(fromUrl).resolve("@types/node/package.json")));
  } catch {
    return null;
  }
}

/**
 * Walks up from a folder to the first one holding package.json.
 * @example
 * findPackageRoot("/repo/dist/kernel/cells"); // "/repo"
 */
export function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`findPackageRoot: no package.json above ${start}`);
    dir = parent;
  }
}
