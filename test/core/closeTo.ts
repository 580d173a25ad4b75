// Approximate comparison of nested number arrays for the core tests.
import assert from "node:assert/strict";

/** Assert two nested arrays (or numbers) agree elementwise within tol (absolute + relative). */
export function assertClose(actual: unknown, expected: unknown, tol = 1e-12, path = "value"): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${path}: expected a number, got ${JSON.stringify(actual)}`);
    const a = actual as number;
    if (Number.isNaN(expected)) {
      assert.ok(Number.isNaN(a), `${path}: expected NaN, got ${a}`);
      return;
    }
    if (!Number.isFinite(expected)) {
      assert.equal(a, expected, path);
      return;
    }
    assert.ok(
      Math.abs(a - expected) <= tol * (1 + Math.abs(expected)),
      `${path}: ${a} vs expected ${expected} (tol ${tol})`,
    );
    return;
  }
  if (typeof expected === "boolean") {
    assert.equal(actual, expected, path);
    return;
  }
  assert.ok(
    Array.isArray(actual) && Array.isArray(expected),
    `${path}: expected an array, got ${JSON.stringify(actual)}`,
  );
  const a = actual as unknown[],
    e = expected as unknown[];
  assert.equal(a.length, e.length, `${path}: length ${a.length} vs ${e.length}`);
  e.forEach((v, i) => assertClose(a[i], v, tol, `${path}[${i}]`));
}
