// How V8 treats the TypeScript compiler's memory in a long-lived kernel (measurements in
// docs/decisions/0006-kernel-memory-compaction.md):
//
// - Every checked cell builds a new Program and TypeChecker. After a few hundred cells V8 would
//   optimize createTypeChecker and createProgram in TurboFan, whose compilation zones stay
//   resident in malloc'd memory while the optimized code runs once per program and is no
//   faster, so those two functions stay in the interpreter and baseline tiers.
// - Each cell's Program and TypeChecker live long enough to be promoted, so the old generation
//   gains garbage with every declaring cell, and V8's default growth factor lets it grow far
//   between collections. A 10% growth factor makes V8 collect (incrementally, mostly
//   concurrently) every few such cells instead, at no measurable cost per cell. Set when the
//   compiler loads, so a kernel that never checks a cell keeps V8's defaults;
//   GRADLAB_HEAP_GROWING_PERCENT overrides it (0: V8's own factor).
import { setFlagsFromString } from "node:v8";
import vm from "node:vm";

/** Old-generation growth allowed between full collections once the compiler is loaded. */
export const HEAP_GROWING_PERCENT = 10;

/**
 * Marks functions as never to be optimized by TurboFan (by their shared code, so every
 * closure of them). Returns false if this V8 does not allow it; nothing else changes then.
 * @example neverOptimize([ts.createProgram]) // true
 */
export function neverOptimize(functions: readonly ((...args: never[]) => unknown)[]): boolean {
  // Natives syntax is enabled only while this one helper is compiled and called: cells and
  // libraries parsed later see the flag off again.
  setFlagsFromString("--allow-natives-syntax");
  try {
    const mark = vm.runInThisContext("(function neverOptimize(f) { %NeverOptimizeFunction(f); })") as (
      f: unknown,
    ) => void;
    for (const f of functions) mark(f);
    return true;
  } catch {
    return false;
  } finally {
    setFlagsFromString("--no-allow-natives-syntax");
  }
}

/**
 * Lets the old generation grow by `percent` over the live size before V8's next full
 * collection, unless the user chose a factor on node's command line.
 * @example limitHeapGrowth(25) // true
 */
export function limitHeapGrowth(percent: number): boolean {
  if (process.execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return false;
  setFlagsFromString(`--heap-growing-percent=${Math.max(1, Math.round(percent))}`);
  return true;
}

/**
 * Applies both to the TypeScript module the kernel checks cells with.
 * @example applyCompilerHeapPolicy(ts)
 */
export function applyCompilerHeapPolicy(ts: object): void {
  applyHeapGrowthPolicy();
  const api = ts as { createProgram?: () => unknown; createTypeChecker?: () => unknown };
  neverOptimize(
    [api.createProgram, api.createTypeChecker].filter((f): f is () => unknown => typeof f === "function"),
  );
}

/**
 * The heap-growth half alone, for setting before the compiler is compiled: V8 rejects a code
 * cache made under different flags, so they must be the same when the cache is made and used.
 * @example applyHeapGrowthPolicy()
 */
export function applyHeapGrowthPolicy(): void {
  const percent = Number(process.env["GRADLAB_HEAP_GROWING_PERCENT"] ?? HEAP_GROWING_PERCENT);
  if (Number.isFinite(percent) && percent > 0) limitHeapGrowth(percent);
}
