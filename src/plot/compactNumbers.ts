// Figure JSON is sent to the notebook and saved in it, so numbers are rounded to what a
// reader can see: coordinates to a fraction of the axis span, values to a few
// significant digits. Non-finite values become null (plotly draws a gap).

/**
 * Rounds to a fixed number of decimals chosen so the step is at most span/steps.
 * @example
 * const q = quantizer(4); // span 4 → 4 decimals
 * q(1.234567); // 1.2346
 */
export function quantizer(span: number, steps = 1e4): (v: number) => number | null {
  const safeSpan = Number.isFinite(span) && span > 0 ? span : 1;
  const decimals = Math.min(12, Math.max(0, Math.ceil(-Math.log10(safeSpan / steps))));
  const scale = 10 ** decimals;
  return (v) => (Number.isFinite(v) ? Math.round(v * scale) / scale : null);
}

/**
 * Rounds to `digits` significant digits, treating anything below `floor` in magnitude as 0
 * (so values near a minimum do not print as 1.234e-17).
 * @example
 * significant(3.14159265, 4); // 3.142
 */
export function significant(v: number, digits = 4, floor = 0): number | null {
  if (!Number.isFinite(v)) return null;
  if (Math.abs(v) <= floor) return 0;
  return Number(v.toPrecision(digits));
}

/**
 * Rounds every value to `digits` significant digits with a floor of (max |v|)·1e-7.
 * @example
 * roundValues([1.23456, 2e-12, NaN]); // [1.235, 0, null]
 */
export function roundValues(values: ArrayLike<number>, digits = 4): (number | null)[] {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (Number.isFinite(a) && a > max) max = a;
  }
  const floor = max * 1e-7;
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = significant(values[i], digits, floor);
  return out;
}

/**
 * Evenly spaced values from a to b inclusive, computed without accumulated error.
 * @example
 * evenlySpaced(0, 1, 5); // Float64Array [0, 0.25, 0.5, 0.75, 1]
 */
export function evenlySpaced(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? (a + b) / 2 : a + ((b - a) * i) / (n - 1);
  return out;
}
