// Deterministic inputs shared by every implementation of a workload, so each one computes
// the same numbers and their first results can be cross-checked.

/** A mulberry32 stream of uniforms in [0, 1) from a 32-bit seed.
 *  @example const u = uniformStream(7); u() // 0.0... */
export function uniformStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` uniforms in [lo, hi) as a Float64Array.
 *  @example uniformArray(3, 1, -1, 1).length // 3 */
export function uniformArray(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  const u = uniformStream(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * u();
  return out;
}

/** `n` class labels in [0, classes).
 *  @example labelArray(4, 10, 2) // Int32Array of 4 labels */
export function labelArray(n: number, classes: number, seed: number): Int32Array {
  const u = uniformStream(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(u() * classes);
  return out;
}
