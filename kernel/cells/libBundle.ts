// TypeScript's standard library as one declaration file. The lib files for ES2023 are about forty
// files that keep re-opening the same interfaces (Array, ObjectConstructor, ...); every new
// Program's type checker merges those declarations across files again, symbol by symbol, and
// the kernel builds a Program per cell. Declarations of one file merge once, when it is bound,
// so the same text as a single file makes each check's global merge a plain copy.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const REFERENCE_LIB = /^\/\/\/\s*<reference\s+lib="([^"]+)"\s*\/>\s*$/gm;
const NO_DEFAULT_LIB = /^\/\/\/\s*<reference\s+no-default-lib="true"\s*\/>\s*$/gm;

/**
 * The text of `libs` (as in the `lib` option, "es2023" or "lib.es2023.d.ts") and everything they
 * reference, each file once, referenced files first. It starts with the no-default-lib
 * directive, so the compiler treats it as a default library file (use it with `noLib`).
 * @example bundleLib(ts.getDefaultLibFilePath({}), ["es2023"]).length // ≈ 480,000
 */
export function bundleLib(defaultLibFile: string, libs: readonly string[]): string {
  const dir = dirname(defaultLibFile);
  const done = new Set<string>();
  const parts: string[] = ['/// <reference no-default-lib="true"/>'];
  const visit = (name: string): void => {
    const key = name.toLowerCase();
    if (done.has(key)) return;
    done.add(key);
    const text = readFileSync(join(dir, `lib.${key}.d.ts`), "utf8");
    for (const m of text.matchAll(REFERENCE_LIB)) visit(m[1]!);
    parts.push(text.replace(REFERENCE_LIB, "").replace(NO_DEFAULT_LIB, ""));
  };
  for (const lib of libs) visit(lib.replace(/^lib\./i, "").replace(/\.d\.ts$/i, ""));
  return parts.join("\n");
}
