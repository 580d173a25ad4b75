// The kernel bench's table: one row per measure, one column per kernel, then the target and
// whether gradlab meets it. Targets compare medians of the same run (the machine may be loaded).
import { formatNumber, markdownTable } from "../markdownTable.js";
import { summarize } from "../sampleStats.js";

/** What the bench measured for one kernel (times in ms, memory in MB). */
export interface KernelResult {
  name: string;
  /** Launch → kernel_info_reply. */
  startMs: number[];
  /** Launch → first output of `1 + 1` sent right after kernel_info_reply. */
  firstOutputMs: number[];
  /** gradlab only: launch → first output of the cell that imports gradlab and computes. */
  libraryFirstOutputMs: number[];
  /** gradlab only: round trips of unique cells using its API. */
  apiCellMs: number[];
  /** Round trips of unique small cells (request → reply and idle). */
  smallCellMs: number[];
  /** Right after 20 cells, and after a quiet pause. */
  rss20Mb?: number;
  rss20SettledMb?: number;
  /** After the last small cell and a quiet pause. */
  rssEndSettledMb?: number;
  /** [small cells executed, RSS MB]: after a quiet pause, then every 100 cells. */
  rssCurve: [number, number][];
  /** Median ms per cell of each block of 100 small cells. */
  cellMsCurve: number[];
  cellsRun: number;
  /** Requests whose reply came but whose iopub idle never did. */
  lostIdles: number;
  cellErrors: number;
  error?: string;
}

/**
 * Least-squares slope of the RSS curve from cell 100 on (the first points include the type
 * checker's first program), in MB per 1,000 cells; undefined with fewer than 3 points.
 * @example rssTrendMbPer1000([[0, 200], [100, 210], [200, 211], [300, 212]]) // 10
 */
export function rssTrendMbPer1000(curve: readonly [number, number][]): number | undefined {
  const points = curve.filter(([n]) => n >= 100);
  if (points.length < 3) return undefined;
  const mx = points.reduce((a, [n]) => a + n, 0) / points.length;
  const my = points.reduce((a, [, mb]) => a + mb, 0) / points.length;
  let sxy = 0;
  let sxx = 0;
  for (const [n, mb] of points) {
    sxy += (n - mx) * (mb - my);
    sxx += (n - mx) * (n - mx);
  }
  return sxx === 0 ? undefined : (sxy / sxx) * 1000;
}

const median = (v: readonly number[]) => (v.length ? summarize(v).median : undefined);
const p95 = (v: readonly number[]) => (v.length ? summarize(v).p95 : undefined);
const verdict = (ok: boolean | undefined) => (ok === undefined ? "-" : ok ? "yes" : "NO");
const pair = (a?: number, b?: number) =>
  a === undefined && b === undefined ? "-" : `${formatNumber(a)} / ${formatNumber(b)}`;

/**
 * Flat memory: the settled RSS after the small cells at most 10 % above the settled RSS before
 * them, and no upward trend (≤ 5 % of it per 1,000 cells) during the burst, all cells run.
 * @example isFlat(result, 1000) // true
 */
export function isFlat(r: KernelResult | undefined, cells: number): boolean | undefined {
  const base = r?.rssCurve[0]?.[1];
  const end = r?.rssEndSettledMb;
  const trend = rssTrendMbPer1000(r?.rssCurve ?? []);
  if (r === undefined || base === undefined || end === undefined || trend === undefined) return undefined;
  return end - base <= 0.1 * base && trend <= 0.05 * base && r.cellsRun === cells;
}

/** The table, kernels in the order given (gradlab first), with the issue's targets.
 *  @example console.log(kernelTable(results, 1000)) */
export function kernelTable(results: readonly KernelResult[], cells: number): string {
  const g = results.find((r) => r.name === "gradlab");
  const ipy = results.find((r) => r.name === "ipykernel");
  const cols = (f: (r: KernelResult) => string) => results.map(f);
  const row = (metric: string, f: (r: KernelResult) => string, target = "", met = "") => [
    metric,
    ...cols(f),
    target,
    met,
  ];
  const gLib = median(g?.libraryFirstOutputMs ?? []);
  const gApi = median(g?.apiCellMs ?? []);
  const gSmall = median(g?.smallCellMs ?? []);
  const gSmallP95 = p95(g?.smallCellMs ?? []);
  const ipySmall = median(ipy?.smallCellMs ?? []);
  const curve = (r: KernelResult) => r.rssCurve.map(([, mb]) => mb.toFixed(0)).join(" ") || "-";
  const growth = (r: KernelResult) => {
    const base = r.rssCurve[0]?.[1];
    const end = r.rssEndSettledMb;
    const trend = rssTrendMbPer1000(r.rssCurve);
    if (base === undefined || end === undefined) return "-";
    return `${(((end - base) / base) * 100).toFixed(0)}% / ${formatNumber(trend)}`;
  };
  const rows = [
    row("launch → kernel_info_reply, median ms", (r) => formatNumber(median(r.startMs))),
    row("launch → first output of `1 + 1`, median ms", (r) => formatNumber(median(r.firstOutputMs))),
    row(
      "launch → first output of the gradlab import cell, median / p95 ms",
      (r) =>
        r.libraryFirstOutputMs.length
          ? pair(median(r.libraryFirstOutputMs), p95(r.libraryFirstOutputMs))
          : "-",
      "≤ 1000",
      verdict(gLib === undefined ? undefined : gLib <= 1000),
    ),
    row(
      "cells using gradlab's API (unique), median / p95 ms",
      (r) => (r.apiCellMs.length ? pair(median(r.apiCellMs), p95(r.apiCellMs)) : "-"),
      "≤ 20 median",
      verdict(gApi === undefined ? undefined : gApi <= 20),
    ),
    row(
      `unique small cells, median / p95 ms (first ${Math.max(0, ...results.map((r) => r.smallCellMs.length))})`,
      (r) => pair(median(r.smallCellMs), p95(r.smallCellMs)),
      "median ≤ ipykernel's, p95 ≤ 15",
      verdict(
        gSmall === undefined || gSmallP95 === undefined || ipySmall === undefined
          ? undefined
          : gSmall <= ipySmall && gSmallP95 <= 15,
      ),
    ),
    row(
      "RSS after 20 cells, at once / after a quiet 2 s, MB",
      (r) => pair(r.rss20Mb, r.rss20SettledMb),
      "≤ 120",
      verdict(g?.rss20SettledMb === undefined ? undefined : g.rss20SettledMb <= 120),
    ),
    row(
      `RSS after the small cells (settled), MB; cells run of ${cells}`,
      (r) => `${formatNumber(r.rssEndSettledMb)} (${r.cellsRun})`,
      "flat: ≤ 10 % above the start of the cells, no trend",
      verdict(isFlat(g, cells)),
    ),
    row("RSS growth over the cells % / trend MB per 1,000 cells", growth),
    row("RSS before the small cells, then every 100, MB", curve),
    row("ms per small cell, median of each 100", (r) => r.cellMsCurve.map(formatNumber).join(" ") || "-"),
    row(
      "requests whose iopub idle never came",
      (r) => String(r.lostIdles),
      "0",
      verdict(g ? g.lostIdles === 0 : undefined),
    ),
    row(
      "cells that did not reply ok",
      (r) => `${r.cellErrors}${r.error ? ` (${r.error})` : ""}`,
      "0",
      verdict(g ? g.cellErrors === 0 && !g.error : undefined),
    ),
  ];
  return markdownTable(["measure", ...results.map((r) => r.name), "target (gradlab)", "met?"], rows);
}
