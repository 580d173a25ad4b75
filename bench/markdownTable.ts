// Plain markdown tables: readable in a terminal and pasteable into README and reports as is.

/** Renders rows under a header as a markdown table with padded columns.
 *  @example markdownTable(["a", "b"], [["1", "22"]]) // "| a | b  |\n|---|----|\n| 1 | 22 |" */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]) =>
    "| " + cells.map((s, c) => (s ?? "").padEnd(widths[c])).join(" | ") + " |";
  return [line(header), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...rows.map(line)].join(
    "\n",
  );
}

/** A number with about three significant digits, for table cells.
 *  @example formatNumber(12.3456) // "12.3" */
export function formatNumber(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return "-";
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}
