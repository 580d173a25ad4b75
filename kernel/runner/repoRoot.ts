// Finds the package root from compiled code wherever it was built (dist/, .build/<name>/):
// the first folder upward from this module that holds package.json.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The gradlab package root (the folder with package.json).
 * @example join(repoRoot(), "notebooks") // ".../gradlab/notebooks"
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/**
 * The version field of gradlab's package.json.
 * @example gradlabVersion() // "0.1.0"
 */
export function gradlabVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}
