// The heap policy for the TypeScript compiler: TurboFan is kept off its giant factory
// functions without leaving natives syntax on for cells.
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import ts from "typescript";
import { applyCompilerHeapPolicy, neverOptimize } from "../../kernel/cells/compilerHeapPolicy.js";

test("neverOptimize marks functions and turns natives syntax off again", () => {
  const f = (x: number): number => x + 1;
  assert.equal(neverOptimize([f]), true);
  assert.equal(f(1), 2);
  assert.throws(() => new vm.Script("%NeverOptimizeFunction(f)"), SyntaxError);
});

test("the policy applies to the real TypeScript module and checking still works", () => {
  applyCompilerHeapPolicy(ts);
  assert.throws(() => new vm.Script("%GetOptimizationStatus(Math.max)"), SyntaxError);
  const program = ts.createProgram({ rootNames: [], options: { noLib: true } });
  assert.equal(program.getTypeChecker().getNeverType().flags, ts.TypeFlags.Never);
});
