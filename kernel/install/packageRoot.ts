// Compiled code lives in dist/ or .build/<name>/; the package root is found by walking up
// to the first folder holding package.json, never by assuming the output folder's name.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The gradlab package folder (the one with package.json) above the given module.
 * @example
 * packageRoot(import.meta.url); // "/work/main"
 */
export function packageRoot(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`packageRoot: no package.json above ${fileURLToPath(fromUrl)}`);
    dir = parent;
  }
}

/**
 * The `version` field of gradlab's package.json.
 * @example
 * packageVersion(); // "0.1.0"
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}
