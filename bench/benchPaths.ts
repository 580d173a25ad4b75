// Where benchmark output goes. Results stay out of git: they are written under out/bench/
// (out/ is gitignored) at the repository root found from this file's location, so the same
// code works from dist/bench/ and from a personal .build/<name>/bench/.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The first folder upward from this module that holds package.json.
 *  @example repoRoot() // "/work/main" */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`repoRoot: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Writes `value` as pretty JSON to out/bench/<name> under the repo root; returns the path.
 *  @example writeResultJson("core-latest.json", { rows: [] }) */
export function writeResultJson(name: string, value: unknown): string {
  const dir = path.join(repoRoot(), "out", "bench");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
  return file;
}
