// Optimizer paths over the contour of a 2-D loss: where SGD zig-zags, momentum overshoots
// and Adam walks the valley.
import { Figure, baseLayout, squareDefaults, type FigureOptions, type PlotlyTrace } from "./figure.js";
import { evaluate2D, type Function2D } from "./gridEvaluation.js";
import { LIGHT_GREYS, contourTrace, gridPoints, type Grid } from "./contourTrace.js";
import { pathBounds, toPaths, type PathLike } from "./pathPoints.js";
import { RUN_COLORS } from "./lossCurve.js";
import { quantizer, significant } from "./compactNumbers.js";
import { checkCount, checkRange } from "./optionChecks.js";
import { axisTitles2D } from "./parameterNames.js";

export interface TrajectoriesOptions extends FigureOptions {
  /** x range (default: the paths' extent, padded). */
  x?: [number, number];
  /** y range (default: the paths' extent, padded). */
  y?: [number, number];
  /** Contour resolution per axis (default 60, at most 100). */
  n?: number;
  /** Contour of log10(f − min f), for badly scaled losses like Rosenbrock (default "auto": when f spans more than three orders of magnitude). */
  logZ?: boolean | "auto";
  /** Lock the axes' scales so angles are true (default true). */
  equalAxes?: boolean;
  /** Mark these points (e.g. known minima) with a star. */
  minima?: Array<[number, number]>;
  /** Longest path drawn, in points; longer paths are thinned evenly keeping both ends (default 600). */
  maxPoints?: number;
}

function thin(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const idx: number[] = [];
  for (let k = 0; k < max; k++) idx.push(Math.round((k * (n - 1)) / (max - 1)));
  return idx;
}

/**
 * Several optimizer paths over the contour of f. Each path is `[[x, y], ...]`, `{x, y}`, a
 * Tensor of shape [steps, 2] or an array of 2-element Tensors; start ○, end ●.
 * @example
 * const rosen = (x: Tensor, y: Tensor) => x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
 * const sgdPath = [[-1, 1], [0, 0.5], [0.8, 0.7]];
 * plot.trajectories(rosen, { sgd: sgdPath }, { logZ: true, minima: [[1, 1]] });
 */
export function trajectories(
  f: Function2D,
  paths: Record<string, PathLike>,
  opts: TrajectoriesOptions = {},
): Figure {
  const where = "plot.trajectories";
  const list = toPaths(where, paths);
  const bounds = pathBounds(list) ?? { x: [-2, 2] as [number, number], y: [-2, 2] as [number, number] };
  const xr = checkRange(where, "x", opts.x, bounds.x);
  const yr = checkRange(where, "y", opts.y, bounds.y);
  const notes: string[] = [];
  const asked = checkCount(where, "n", opts.n ?? 60);
  const n = Math.min(asked, 100);
  if (n !== asked) notes.push(`contour downsampled from ${asked}×${asked} to ${n}×${n}`);
  const grid: Grid = { x: xr, y: yr, nx: n, ny: n };
  const { xs, ys } = gridPoints(grid);
  const { values } = evaluate2D(where, f, xs, ys, false);
  const data: PlotlyTrace[] = [
    contourTrace(grid, values, { logZ: opts.logZ, colorscale: LIGHT_GREYS, showscale: true }),
  ];
  const q = quantizer(Math.max(xr[1] - xr[0], yr[1] - yr[0]), 1e5);
  const maxPoints = checkCount(where, "maxPoints", opts.maxPoints ?? 600);
  list.forEach((p, i) => {
    const color = RUN_COLORS[i % RUN_COLORS.length];
    const idx = thin(p.x.length, maxPoints);
    if (idx.length < p.x.length)
      notes.push(`path "${p.name}" thinned from ${p.x.length} to ${idx.length} points`);
    data.push({
      type: "scatter",
      mode: idx.length <= 80 ? "lines+markers" : "lines",
      name: `${p.name} (${p.x.length} steps)`,
      legendgroup: p.name,
      x: idx.map((k) => q(p.x[k])),
      y: idx.map((k) => q(p.y[k])),
      // earlier paths are wider, so one drawn over another still shows as a border around it
      line: { color, width: Math.max(2, 4 - 0.75 * i) },
      marker: { size: 4, color },
    });
    const last = p.x.length - 1;
    if (last >= 0) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: `${p.name} start/end`,
        legendgroup: p.name,
        showlegend: false,
        x: [q(p.x[0]), q(p.x[last])],
        y: [q(p.y[0]), q(p.y[last])],
        text: ["start", "end"],
        marker: { color, size: [10, 12], symbol: ["circle-open", "circle"], line: { width: 2, color } },
      });
      notes.push(`${p.name} ends at (${significant(p.x[last], 4)}, ${significant(p.y[last], 4)})`);
    }
  });
  if (opts.minima && opts.minima.length > 0) {
    data.push({
      type: "scatter",
      mode: "markers",
      name: "minimum",
      x: opts.minima.map((m) => m[0]),
      y: opts.minima.map((m) => m[1]),
      marker: { symbol: "star", size: 14, color: "gold", line: { color: "#333", width: 1 } },
    });
  }
  const equal = opts.equalAxes ?? true;
  const [xTitle, yTitle] = axisTitles2D(f, opts);
  const layout = baseLayout(squareDefaults(opts), {
    xaxis: { title: { text: xTitle }, range: xr, constrain: "domain", zeroline: false },
    yaxis: {
      title: { text: yTitle },
      range: yr,
      zeroline: false,
      ...(equal ? { scaleanchor: "x", scaleratio: 1, constrain: "domain" } : {}),
    },
    legend: { orientation: "h", y: -0.15 },
  });
  return new Figure(data, layout, { kind: "trajectories", notes });
}
