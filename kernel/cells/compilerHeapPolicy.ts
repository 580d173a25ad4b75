// How V8 treats the TypeScript compiler's memory in a long-lived kernel (measurements in
// docs/decisions/0006-kernel-memory-compaction.md): every checked cell builds a new Program and
// TypeChecker. After a few hundred cells V8 would optimize createTypeChecker and createProgram
// in TurboFan, whose compilation zones stay resident in malloc'd memory while the optimized code
// runs once per program and is no faster, so those two functions stay in the interpreter and
// baseline tiers. The old generation keeps V8's own growth factor: a tighter one made full
// collections land on one cell in twenty without lowering the settled memory.
import { setFlagsFromString } from "node:v8";
import vm from "node:vm";

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
 * Applies the policy to the TypeScript module the kernel checks cells with.
 * @example applyCompilerHeapPolicy(ts)
 */
export function applyCompilerHeapPolicy(ts: object): void {
  const api = ts as { createProgram?: () => unknown; createTypeChecker?: () => unknown };
  neverOptimize(
    [api.createProgram, api.createTypeChecker].filter((f): f is () => unknown => typeof f === "function"),
  );
}
