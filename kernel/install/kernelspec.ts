// Writes and removes the gradlab kernelspec: kernel.json (argv with the absolute node path
// and this package's cli.js) plus logos, straight into a Jupyter data folder.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { kernelsDir, type InstallScope } from "./kernelspecLocation.js";
import { logoPng } from "./logoPng.js";

export interface InstallOptions {
  scope: InstallScope;
  /** Kernelspec folder name; lowercase letters, digits, ".", "_" and "-". */
  name?: string;
  displayName?: string;
  interruptMode?: "signal" | "message";
  /** false adds --no-warm-up to the kernel's argv (see `gradlab kernel --no-warm-up`). */
  warmUp?: boolean;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_KERNEL_NAME = "gradlab";

/** The kernel.json gradlab installs. */
export interface KernelJson {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal" | "message";
  /** Added to the kernel's environment by the front end (jupyter_client merges it in). */
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

/**
 * The environment every gradlab kernel gets (glibc malloc tuning; measured with the kernel
 * bench, 1,000 declaring cells). glibc gives each thread that mallocs its own arena (up to 8
 * per core) and keeps what they grew into: V8's compiler and GC helper threads, the I/O worker
 * and each cell's SIGINT watchdog thread left five arenas holding ~26 MB; two held ~7 MB. And
 * glibc's adaptive thresholds, after the first large block is freed, serve blocks of up to that
 * size from the arena and trim it only past twice that: one arena grew by ~20 MB around cell 550
 * and stayed (a step in the RSS curve). Fixed thresholds (blocks of 1 MB and more mapped on
 * their own, arena tops above 4 MB returned) remove the step.
 * @example KERNEL_ENV.MALLOC_ARENA_MAX // "2"
 */
export const KERNEL_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: "2",
  MALLOC_MMAP_THRESHOLD_: "1048576",
  MALLOC_TRIM_THRESHOLD_: "4194304",
};

/**
 * Node options every gradlab kernel runs with. The young generation may grow to 32 MB by default:
 * type checking keeps much of what it allocates alive for a moment, so V8 grows it to the limit,
 * and all of it stays resident. A 4 MB semi-space keeps it at 8 MB with checks as fast within the
 * noise of the kernel bench (1 MB made each check about twice as slow). It must be on node's
 * command line: V8 sizes the young generation when the process starts.
 * @example KERNEL_NODE_OPTIONS // ["--max-semi-space-size=4"]
 */
export const KERNEL_NODE_OPTIONS: readonly string[] = ["--max-semi-space-size=4"];

/**
 * kernel.json content running this build's CLI with this node.
 * interrupt_mode defaults to "message": front ends then send interrupt_request, which the I/O
 * thread hears even while a cell holds the main thread in a loop of bare awaits — where a
 * SIGINT can only be handled once the event loop turns — and which lets a training loop stop
 * cleanly at the end of a step. The kernel still obeys SIGINT ("signal" mode, or Ctrl-C).
 * @example
 * kernelJson({ displayName: "TypeScript (gradlab)" }).argv[0]; // process.execPath
 */
export function kernelJson(
  opts: { displayName?: string; interruptMode?: "signal" | "message"; warmUp?: boolean } = {},
): KernelJson {
  const cli = fileURLToPath(new URL("../cli.js", import.meta.url));
  return {
    argv: [
      process.execPath,
      ...KERNEL_NODE_OPTIONS,
      cli,
      "kernel",
      ...(opts.warmUp === false ? ["--no-warm-up"] : []),
      "--connection-file",
      "{connection_file}",
    ],
    display_name: opts.displayName ?? "TypeScript (gradlab)",
    language: "typescript",
    interrupt_mode: opts.interruptMode ?? "message",
    env: { ...KERNEL_ENV },
    metadata: { debugger: false },
  };
}

function checkName(name: string): string {
  if (!/^[a-z0-9._-]+$/i.test(name)) {
    throw new Error(`kernel name ${JSON.stringify(name)} is invalid: use letters, digits, ".", "_" or "-"`);
  }
  return name.toLowerCase();
}

/**
 * Installs the kernelspec; returns the folder written.
 * @example
 * installKernelspec({ scope: { kind: "user" } }); // "/home/me/.local/share/jupyter/kernels/gradlab"
 */
export function installKernelspec(opts: InstallOptions): string {
  const dir = join(kernelsDir(opts.scope, opts.env), checkName(opts.name ?? DEFAULT_KERNEL_NAME));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelJson(opts), null, 2) + "\n");
  writeFileSync(join(dir, "logo-32x32.png"), logoPng(32));
  writeFileSync(join(dir, "logo-64x64.png"), logoPng(64));
  return resolve(dir);
}

/**
 * Removes an installed kernelspec; returns the folder removed, or undefined if none was there.
 * @example
 * uninstallKernelspec({ scope: { kind: "user" }, name: "gradlab" });
 */
export function uninstallKernelspec(opts: {
  scope: InstallScope;
  name?: string;
  env?: NodeJS.ProcessEnv;
}): string | undefined {
  const dir = join(kernelsDir(opts.scope, opts.env), checkName(opts.name ?? DEFAULT_KERNEL_NAME));
  if (!existsSync(join(dir, "kernel.json"))) return undefined;
  rmSync(dir, { recursive: true, force: true });
  return resolve(dir);
}
