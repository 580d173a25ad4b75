// How many threads gradlab's own compute may use: the pure-JS backend's matrix products and,
// within setWasmThreads' cap, the wasm kernels. One knob for the user; each backend decides
// how much of it pays for an op.
import { availableParallelism, cpus } from "node:os";

/** Largest budget accepted: more threads than this only add scheduling overhead here. */
export const MAX_THREADS = 64;

function cores(): number {
  try {
    return typeof availableParallelism === "function" ? availableParallelism() : cpus().length;
  } catch {
    return 1;
  }
}

let budget = Math.max(1, Math.min(2, cores()));

/**
 * Let gradlab's compute use up to `n` threads (the main thread included). The default is
 * min(2, available cores); 1 runs everything on the calling thread, with results bit-identical
 * to any other setting. The pure-JS matrix product splits only large products (above
 * ~100^3 multiply-adds), and falls back to one thread silently where worker threads or
 * SharedArrayBuffer are unavailable.
 * @example
 * import { setThreads, threads } from "gradlab";
 * setThreads(1);   // single-threaded, e.g. to time one core
 * threads();       // 1
 */
export function setThreads(n: number): void {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new RangeError(
      `setThreads(n): n must be an integer from 1 to ${MAX_THREADS}, got ${typeof n === "number" ? String(n) : typeof n}`,
    );
  }
  budget = n;
}

/**
 * The thread budget set by setThreads (default min(2, available cores)).
 * @example
 * import { threads } from "gradlab";
 * threads(); // 2 on a two-core machine
 */
export function threads(): number {
  return budget;
}
