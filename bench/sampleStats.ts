// Order statistics for benchmark samples. Medians and p95 rather than means because a
// single GC pause or page-fault storm would otherwise dominate a short run.

/** Summary of one implementation's samples (milliseconds or any unit).
 *  @example summarize([3, 1, 2]) // { n: 3, median: 2, p95: 3, min: 1, max: 3 } */
export interface SampleSummary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** The q-quantile (0..1) by linear interpolation between closest ranks.
 *  @example quantile([1, 2, 3, 4], 0.5) // 2.5 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error(`quantile: no samples (q=${q})`);
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Median, p95, min and max of a list of samples.
 *  @example summarize([5, 4, 6]).median // 5 */
export function summarize(values: readonly number[]): SampleSummary {
  return {
    n: values.length,
    median: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}
