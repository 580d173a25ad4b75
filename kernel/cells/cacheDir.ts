// Where the kernel keeps its caches (the compiler's V8 code cache). Kept apart from
// typescriptModule.ts, which loads the compiler when imported.
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where the kernel keeps its caches: GRADLAB_CACHE_DIR, else $XDG_CACHE_HOME/gradlab, else
 * ~/.cache/gradlab. An empty GRADLAB_CACHE_DIR turns caching off.
 * @example cacheDir() // "/home/me/.cache/gradlab"
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env["GRADLAB_CACHE_DIR"];
  if (explicit !== undefined) return explicit === "" ? undefined : explicit;
  const xdg = env["XDG_CACHE_HOME"];
  return join(xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".cache"), "gradlab");
}
