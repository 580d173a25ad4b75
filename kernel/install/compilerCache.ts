// `gradlab install` primes the compiler's code cache in a child process started exactly as
// kernel.json starts a kernel (same node, node options and environment).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cacheDir } from "../cells/cacheDir.js";
import { KERNEL_ENV, KERNEL_NODE_OPTIONS } from "./kernelspec.js";

/**
 * Primes the cache; returns what to tell the user (nothing when caching is off).
 * @example primeCompilerCacheOf() // "Compiler cache ready in /home/me/.cache/gradlab (1.4 s)"
 */
export function primeCompilerCacheOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = cacheDir(env);
  if (dir === undefined) return undefined;
  const cli = fileURLToPath(new URL("../cli.js", import.meta.url));
  const started = Date.now();
  const child = spawnSync(process.execPath, [...KERNEL_NODE_OPTIONS, cli, "prime-cache"], {
    env: { ...env, ...KERNEL_ENV },
    encoding: "utf8",
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (child.status !== 0) {
    // Only the first launch is slower without it: say so and go on.
    const why = (child.stderr || child.error?.message || `exit ${child.status}`).trim().split("\n")[0];
    return `Compiler cache not primed (${why}); the first kernel will build it`;
  }
  return `Compiler cache ready in ${dir} (${seconds} s)`;
}
