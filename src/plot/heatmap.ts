// A matrix as a heatmap: weight matrices (diverging colours around 0), confusion matrices
// (counts written in the cells), attention maps. Row 0 is at the top, as printed.
import { Tensor } from "../tensor/tensor.js";
import { Figure, baseLayout, type FigureOptions } from "./figure.js";
import { roundValues } from "./compactNumbers.js";

export interface HeatmapOptions extends FigureOptions {
  /** Column labels. */
  x?: Array<string | number>;
  /** Row labels. */
  y?: Array<string | number>;
  /** plotly colorscale name (default "RdBu" centred at 0 when values have both signs, else "Viridis"). */
  colorscale?: string;
  /** Write the values in the cells (default: when the matrix is at most 20×20). */
  showValues?: boolean;
  /** Same as xLabel (kept for existing code). */
  xTitle?: string;
  /** Same as yLabel. */
  yTitle?: string;
}

/** Largest matrix drawn cell for cell; bigger ones are block-averaged. */
export const MAX_HEATMAP_SIDE = 200;

function toRows(m: Tensor | ArrayLike<ArrayLike<number>>, where: string): number[][] {
  if (m instanceof Tensor) {
    if (m.ndim !== 2)
      throw new Error(`${where}: expected a 2-D matrix, got a tensor of shape [${m.shape.join(", ")}]`);
    const [r, c] = m.shape;
    const d = m.data;
    return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => Number(d[i * c + j])));
  }
  if (!Array.isArray(m) || m.length === 0)
    throw new Error(`${where}: expected a Tensor or number[][] with at least one row`);
  const cols = m[0].length;
  return Array.from(m as ArrayLike<number>[], (row, i) => {
    if (row.length !== cols)
      throw new Error(`${where}: row ${i} has ${row.length} values, row 0 has ${cols}`);
    return Array.from(row, Number);
  });
}

function blockAverage(rows: number[][], outR: number, outC: number): number[][] {
  const R = rows.length;
  const C = rows[0].length;
  return Array.from({ length: outR }, (_, i) => {
    const r0 = Math.floor((i * R) / outR),
      r1 = Math.floor(((i + 1) * R) / outR);
    return Array.from({ length: outC }, (_, j) => {
      const c0 = Math.floor((j * C) / outC),
        c1 = Math.floor(((j + 1) * C) / outC);
      let s = 0;
      for (let a = r0; a < r1; a++) for (let b = c0; b < c1; b++) s += rows[a][b];
      return s / ((r1 - r0) * (c1 - c0));
    });
  });
}

/**
 * A heatmap of a matrix (Tensor of shape [rows, cols] or number[][]), row 0 on top.
 * @example
 * const classNames = ["cat", "dog"];
 * plot.heatmap([[5, 1], [2, 7]], { x: classNames, y: classNames, xTitle: "predicted", yTitle: "true", title: "confusion" });
 */
export function heatmap(matrix: Tensor | ArrayLike<ArrayLike<number>>, opts: HeatmapOptions = {}): Figure {
  const where = "plot.heatmap";
  let rows = toRows(matrix, where);
  const notes: string[] = [];
  const R = rows.length;
  const C = rows[0].length;
  if (R > MAX_HEATMAP_SIDE || C > MAX_HEATMAP_SIDE) {
    const outR = Math.min(R, MAX_HEATMAP_SIDE),
      outC = Math.min(C, MAX_HEATMAP_SIDE);
    rows = blockAverage(rows, outR, outC);
    notes.push(`block-averaged from ${R}×${C} to ${outR}×${outC}`);
  }
  if (opts.x && opts.x.length !== C)
    throw new Error(`${where}: ${opts.x.length} column labels for ${C} columns`);
  if (opts.y && opts.y.length !== R) throw new Error(`${where}: ${opts.y.length} row labels for ${R} rows`);
  let min = Infinity,
    max = -Infinity;
  for (const row of rows)
    for (const v of row)
      if (Number.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
  const diverging = min < 0 && max > 0;
  const z = rows.map((row) => roundValues(row, 4));
  const integers = rows.every((row) => row.every((v) => Number.isInteger(v)));
  const show = opts.showValues ?? (rows.length <= 20 && rows[0].length <= 20);
  const downsampled = notes.length > 0;
  notes.push(`${R}×${C}, values in [${roundValues([min], 4)[0]}, ${roundValues([max], 4)[0]}]`);
  const layout = baseLayout(opts, {
    // the column axis sits on top (as a printed matrix), so the title needs the room above it
    margin: { t: opts.title !== undefined ? 100 : 60, r: 20, b: 30, l: 70 },
    ...(opts.title !== undefined
      ? { title: { text: opts.title, y: 1, yref: "container", yanchor: "top", pad: { t: 12 } } }
      : {}),
    xaxis: {
      title: { text: opts.xLabel ?? opts.xTitle ?? "column" },
      side: "top",
      ...(opts.x ? { type: "category" } : {}),
    },
    yaxis: {
      title: { text: opts.yLabel ?? opts.yTitle ?? "row" },
      autorange: "reversed",
      ...(opts.y ? { type: "category" } : {}),
    },
  });
  return new Figure(
    [
      {
        type: "heatmap",
        z,
        ...(opts.x && !downsampled ? { x: opts.x.map(String) } : {}),
        ...(opts.y && !downsampled ? { y: opts.y.map(String) } : {}),
        colorscale: opts.colorscale ?? (diverging ? "RdBu" : "Viridis"),
        ...(diverging && !opts.colorscale ? { zmid: 0, reversescale: true } : {}),
        ...(show ? { texttemplate: integers ? "%{z}" : "%{z:.3g}", textfont: { size: 11 } } : {}),
        hovertemplate: "row %{y}, column %{x}: %{z:.4g}<extra></extra>",
      },
    ],
    layout,
    { kind: "heatmap", notes },
  );
}
