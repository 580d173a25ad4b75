// Resolves a cell's import specifier the way a static `import` in an ES module living in
// the notebook's folder would (conditions "node", "import", "default"), so ESM-only packages
// and packages with their own top-level await load through import(), never require().
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Specifiers the kernel answers itself instead of looking in node_modules. */
export interface ResolverOverrides {
  /** e.g. { gradlab: "file:///repo/dist/src/index.js", tslab: "file:///.../tslabShim.js" } */
  [specifier: string]: string;
}

const CONDITIONS = ["node", "import", "default"];

/**
 * Turns a specifier into something `import()` accepts: a file: URL, a `node:` builtin, or
 * an override.
 * @example
 * resolveImport("lodash-es", "/home/me/notebooks", {}); // "file:///home/me/node_modules/lodash-es/lodash.js"
 */
export function resolveImport(specifier: string, fromDir: string, overrides: ResolverOverrides): string {
  const override = overrides[specifier];
  if (override !== undefined) return override;
  if (specifier.startsWith("node:") || isBuiltin(specifier))
    return specifier.startsWith("node:") ? specifier : `node:${specifier}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !/^[a-z]:[\\/]/i.test(specifier)) return specifier;
  if (
    specifier.startsWith("./") ||
    specifier.startsWith("../") ||
    specifier === "." ||
    specifier === ".." ||
    isAbsolute(specifier)
  ) {
    return pathToFileURL(resolve(fromDir, specifier)).href;
  }
  const { name, subpath } = splitPackageName(specifier);
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const pkgDir = join(dir, "node_modules", name);
    const manifestPath = join(pkgDir, "package.json");
    if (existsSync(manifestPath)) {
      const file = resolveInPackage(pkgDir, manifestPath, subpath, specifier);
      return pathToFileURL(file).href;
    }
    if (dirname(dir) === dir) break;
  }
  // Last resort: CommonJS resolution (covers NODE_PATH and global folders).
  try {
    return pathToFileURL(createRequire(join(resolve(fromDir), "__gradlab_notebook__.js")).resolve(specifier))
      .href;
  } catch {
    throw new Error(
      `import "${specifier}": package "${name}" was not found in node_modules of ${fromDir} or any folder above it (run npm install ${name} there)`,
    );
  }
}

function splitPackageName(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split("/");
  const count = specifier.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, count).join("/");
  const rest = parts.slice(count).join("/");
  return { name, subpath: rest === "" ? "." : `./${rest}` };
}

function resolveInPackage(pkgDir: string, manifestPath: string, subpath: string, specifier: string): string {
  let manifest: { exports?: unknown; main?: string; module?: string };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch (err) {
    throw new Error(`import "${specifier}": cannot read ${manifestPath}: ${(err as Error).message}`);
  }
  if (manifest.exports !== undefined && manifest.exports !== null) {
    const target = resolveExports(manifest.exports, subpath);
    if (target === undefined)
      throw new Error(
        `import "${specifier}": "${subpath}" is not exported by ${manifestPath} (conditions ${CONDITIONS.join(", ")})`,
      );
    return join(pkgDir, target);
  }
  if (subpath === ".") {
    const main = manifest.main ?? "index.js";
    return withFileExtension(join(pkgDir, main), specifier);
  }
  return withFileExtension(join(pkgDir, subpath), specifier);
}

/** Legacy (pre-exports) packages let `main` and deep paths omit ".js" or name a folder. */
function withFileExtension(path: string, specifier: string): string {
  const candidates = [
    path,
    `${path}.js`,
    `${path}.mjs`,
    `${path}.cjs`,
    `${path}.json`,
    join(path, "index.js"),
    join(path, "index.mjs"),
  ];
  for (const candidate of candidates) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`import "${specifier}": no file at ${path} (tried .js, .mjs, .cjs, .json and index.js)`);
}

/**
 * The exports-field algorithm of Node's ESM resolver: subpath keys, "*" patterns,
 * nested conditions and fallback arrays.
 * @example
 * resolveExports({ ".": { import: "./m.mjs", require: "./c.cjs" } }, "."); // "./m.mjs"
 */
export function resolveExports(exportsField: unknown, subpath: string): string | undefined {
  const isSubpathMap =
    typeof exportsField === "object" &&
    exportsField !== null &&
    !Array.isArray(exportsField) &&
    Object.keys(exportsField).some((k) => k.startsWith("."));
  const map: Record<string, unknown> = isSubpathMap
    ? (exportsField as Record<string, unknown>)
    : { ".": exportsField };
  if (Object.prototype.hasOwnProperty.call(map, subpath) && !subpath.includes("*"))
    return resolveTarget(map[subpath], "");
  let bestKey: string | undefined;
  let bestMatch = "";
  for (const key of Object.keys(map)) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length) {
      if (bestKey === undefined || prefix.length > bestKey.indexOf("*")) {
        bestKey = key;
        bestMatch = subpath.slice(prefix.length, subpath.length - suffix.length);
      }
    }
  }
  return bestKey === undefined ? undefined : resolveTarget(map[bestKey], bestMatch);
}

function resolveTarget(target: unknown, patternMatch: string): string | undefined {
  if (typeof target === "string") return target.replace(/\*/g, patternMatch);
  if (Array.isArray(target)) {
    for (const option of target) {
      const hit = resolveTarget(option, patternMatch);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
  if (typeof target === "object" && target !== null) {
    for (const [condition, value] of Object.entries(target)) {
      if (!CONDITIONS.includes(condition)) continue;
      const hit = resolveTarget(value, patternMatch);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}
