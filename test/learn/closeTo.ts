// Comparisons used by the learn tests: element-wise closeness with a tolerance that is
// absolute near zero and relative for large values (a gradient of 1e8 cannot agree to 1e-10
// absolutely in float64).
import assert from "node:assert/strict";

/** Largest |a − b| / max(1, |b|) over the elements. */
export function maxScaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, `length ${actual.length} vs expected ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!,
      b = expected[i]!;
    if (Number.isNaN(b) && Number.isNaN(a)) continue;
    if (a === b) continue;
    const e = Math.abs(a - b) / Math.max(1, Math.abs(b));
    worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
  }
  return worst;
}

/** Assert every element agrees to `tol` (scaled as in maxScaledError). */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  const e = maxScaledError(actual, expected);
  assert.ok(
    e <= tol,
    `${what}: max scaled error ${e} > ${tol}\n  actual   ${Array.from(actual).slice(0, 8).join(", ")}\n  expected ${Array.from(expected).slice(0, 8).join(", ")}`,
  );
}
