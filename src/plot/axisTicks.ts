// Tick positions for log axes. plotly labels every 1-9 multiple on a log axis that spans less
// than a decade or two, and those labels run into each other; a loss curve that only falls
// from 0.6 to 0.45 needs a handful of round values instead.

/**
 * At most about six readable tick values within [lo, hi] (data units, lo > 0) for a log axis:
 * 1-2-5 multiples of powers of ten, whole decades on wide ranges, round linear steps on narrow ones.
 * @example
 * logAxisTicks(0.001, 2); // [0.001, 0.01, 0.1, 1]
 * logAxisTicks(0.44, 0.61); // [0.45, 0.5, 0.55, 0.6]
 */
export function logAxisTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) return [];
  const k0 = Math.floor(Math.log10(lo));
  const k1 = Math.ceil(Math.log10(hi));
  const inside = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const decades: number[] = [];
  for (let k = k0; k <= k1; k++) decades.push(Number((10 ** k).toPrecision(12)));
  const wholeDecades = decades.filter(inside);
  if (wholeDecades.length >= 3) {
    const every = Math.ceil(wholeDecades.length / 7);
    return wholeDecades.filter((_, i) => i % every === 0);
  }
  const oneTwoFive: number[] = [];
  for (const d of decades) for (const m of [1, 2, 5]) oneTwoFive.push(Number((m * d).toPrecision(12)));
  const candidates = oneTwoFive.filter(inside);
  if (candidates.length >= 3) return candidates.slice(0, 8);
  return linearTicks(lo, hi);
}

function linearTicks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 4;
  if (!(raw > 0)) return [Number(lo.toPrecision(3))];
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi * (1 + 1e-9); v += step)
    out.push(Number(v.toPrecision(10)));
  return out;
}

/**
 * plotly axis settings for a log axis over data in [lo, hi]: explicit ticks and short labels.
 * @example
 * layout.yaxis = { type: "log", ...logAxisLayout(0.44, 0.61) };
 */
export function logAxisLayout(lo: number, hi: number): Record<string, unknown> {
  const ticks = logAxisTicks(lo, hi);
  if (ticks.length === 0) return {};
  return { tickvals: ticks, ticktext: ticks.map((v) => shortNumber(v)) };
}

/**
 * A number in at most three significant digits, exponent form below 1e-3 or from 1e5 up.
 * @example
 * shortNumber(0.0001); // "1e-4"
 */
export function shortNumber(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(0).replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}
