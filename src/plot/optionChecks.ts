// Option validation shared by the figure functions; errors name the function and option.

/**
 * A [low, high] range option, or the fallback when absent.
 * @example
 * checkRange("plot.gradientField", "x", [-1, 1], [-2, 2]); // [-1, 1]
 */
export function checkRange(
  where: string,
  name: string,
  r: unknown,
  fallback: [number, number],
): [number, number] {
  if (r === undefined) return fallback;
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    !r.every((v) => typeof v === "number" && Number.isFinite(v)) ||
    !(r[0] < r[1])
  ) {
    throw new Error(`${where}: option ${name} must be [low, high] with low < high, got ${JSON.stringify(r)}`);
  }
  return [r[0], r[1]];
}

/**
 * An integer count option ≥ min.
 * @example
 * checkCount("plot.gradientField", "n", 20); // 20
 */
export function checkCount(where: string, name: string, v: unknown, min = 2): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min)
    throw new Error(`${where}: option ${name} must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
}
