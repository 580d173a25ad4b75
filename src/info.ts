// Library facts the kernel and notebooks print (version, backend, defaults, pool state).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { getBackend, listBackends } from "./backend/backend.js";
import { poolStats } from "./backend/bufferPool.js";
import { jsGemmHelpers } from "./backend/jsGemm.js";
import { threads } from "./backend/threadBudget.js";
import {
  AUTO_THRESHOLDS,
  wasmMaxThreads,
  wasmThreads,
  type WasmThresholds,
} from "./backend/wasm/wasmBackend.js";

/** The gradlab version (package.json's, its only source). @example VERSION // "0.1.0" */
export const VERSION: string = packageJsonVersion();

// Compiled code sits in dist/src/ (or .build/<name>/src/); the first package.json above it is
// gradlab's own, in a checkout and in an installed package alike.
function packageJsonVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
    const parent = dirname(dir);
    if (parent === dir) return "0.0.0";
    dir = parent;
  }
}

/**
 * What is running: version, backend, default dtype, registered backends, buffer-pool stats.
 * @example info().backend // "auto" (the default backend)
 */
export function info(): {
  version: string;
  backend: string;
  backends: string[];
  dtypeDefault: "float64";
  node: string;
  pool: ReturnType<typeof poolStats>;
  js: { threads: number; maxThreads: number };
  wasm: { available: boolean; threads: number; maxThreads: number; autoThresholds: WasmThresholds };
} {
  const backends = listBackends();
  return {
    version: VERSION,
    backend: getBackend().name,
    backends,
    dtypeDefault: "float64",
    node: process.version,
    pool: poolStats(),
    // Threads the js matrix product uses now (1 until its helper started) and the budget.
    js: { threads: Math.min(threads(), jsGemmHelpers.threads), maxThreads: threads() },
    wasm: {
      available: backends.includes("wasm"),
      threads: wasmThreads(),
      maxThreads: wasmMaxThreads(),
      autoThresholds: AUTO_THRESHOLDS,
    },
  };
}
