// Shared by the fusion tests: run code with fusion on or off on the js backend, and compare
// two tensors bit for bit.
import assert from "node:assert/strict";
import * as g from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { setFusionMinSize } from "../../src/ops/lazyElementwise.js";

/**
 * Run fn on the js backend with fusion off (every op eager) or on for outputs of 64 elements
 * and more (the js backend's generated loops; wasm/auto have their own tests).
 * @example const fused = withFusion(true, () => f(x)); const eager = withFusion(false, () => f(x));
 */
export function withFusion<T>(on: boolean, fn: () => T): T {
  const prev = setFusionMinSize(on ? 64 : Infinity);
  const backend = g.getBackend().name;
  g.setBackend("js");
  try {
    return fn();
  } finally {
    setFusionMinSize(prev);
    g.setBackend(backend);
  }
}

/**
 * Every element identical, including the sign of zero and NaN.
 * @example assertSameBits(fused, eager, "tanh chain")
 */
export function assertSameBits(actual: Tensor, expected: Tensor, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shapes differ`);
  assert.equal(actual.dtype, expected.dtype, `${what}: dtypes differ`);
  const a = actual.data,
    e = expected.data;
  for (let i = 0; i < e.length; i++)
    assert.ok(Object.is(a[i], e[i]), `${what}: element ${i} is ${a[i]}, eager gives ${e[i]}`);
}
