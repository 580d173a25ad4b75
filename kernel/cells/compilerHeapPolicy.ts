// How V8 treats the TypeScript compiler's memory in a long-lived kernel. Measured over 500
// cells that each declare a name (bench/kernelBench.ts; GRADLAB_MEMORY_LOG shows the parts):
//
// - Every checked cell builds a new Program and with it a new TypeChecker, so after a few
//   hundred cells V8 found createTypeChecker (29 KB of bytecode declaring thousands of
//   closures) and createProgram hot and optimized them on a background thread: 1.3 s and 0.9 s
//   of TurboFan work whose compilation zones peaked at 129 MB of malloc'd memory, which glibc
//   kept resident afterwards (a 64 MB arena, fully resident, from cell ~350 on). The code they
//   would produce runs once per program and was not measurably faster (cells took 6.9 ms
//   before and 8.0 ms after it was installed), so they stay in the interpreter/baseline tiers.
// - Each cell's Program and TypeChecker live long enough to be promoted (a heap sampling
//   profile of promoted-then-dead objects: the checker's closures 15 MB, merging the global
//   symbols 19 MB, reusing the old program's structure 12 MB, package.json lookups 4 MB per
//   100 cells), so the old generation gains ~0.7 MB of garbage per declaring cell on a live
//   heap of ~73 MB, and V8's default growth factor (~2.2 here) let it reach ~160 MB between
//   collections. A 10% growth factor makes V8 collect (incrementally, mostly concurrently)
//   every ~10 such cells instead. Kernel bench, 1,000 declaring cells, RSS at the end over the
//   RSS after warm-up: 294 vs 185 MB with V8's factor, 227 vs 186 with 20%, 209 vs 189 with
//   10% (201 vs 185 with fixed malloc thresholds, see kernelspec.ts); declaring cells took
//   4.4 ms median with 10% against 4.8 with V8's factor in the same hour
//   (within run-to-run noise). Trivial cells do not allocate enough to notice. Set at run time,
//   when the compiler loads, so a kernel that never checks a cell keeps V8's defaults;
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
