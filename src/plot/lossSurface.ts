// A loss of two parameters as a 3-D surface, optionally with optimizer paths lying on it.
// Needs plotly.js's full build (sent once, the first time a 3-D figure is shown).
import { Figure, baseLayout, type FigureOptions, type PlotlyTrace } from "./figure.js";
import { evaluate2D, type Function2D } from "./gridEvaluation.js";
import { evenlySpaced, quantizer, roundValues, significant } from "./compactNumbers.js";
import { gridPoints, logFloor, wantsLogScale, type Grid } from "./contourTrace.js";
import { axisTitles2D } from "./parameterNames.js";
import { pathBounds, toPaths, type PathLike } from "./pathPoints.js";
import { RUN_COLORS } from "./lossCurve.js";
import { checkCount, checkRange } from "./optionChecks.js";

export interface LossSurfaceOptions extends FigureOptions {
  /** x range (default: the paths' extent, or [-2, 2]). */
  x?: [number, number];
  /** y range (default: the paths' extent, or [-2, 2]). */
  y?: [number, number];
  /** Grid points per axis (default 80, at most 100). */
  n?: number;
  /** Optimizer paths drawn on the surface: {name: [[x, y], ...] | {x, y} | Tensor [steps, 2]}. */
  paths?: Record<string, PathLike>;
  /** Plot log10(f − min f + ε) (default "auto": when f spans more than three orders of magnitude). */
  logZ?: boolean | "auto";
  colorscale?: string;
}

/** Most points of a path drawn over a surface. */
export const MAX_SURFACE_PATH_POINTS = 400;

function evenIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.round((k * (n - 1)) / (max - 1)));
}

/** Surface grid cap per axis, so the figure JSON stays small. */
export const MAX_SURFACE_PER_AXIS = 100;

/**
 * A 3-D surface of f over a grid, with optional optimizer paths (their heights are f at the
 * path points, from the same single call of f).
 * @example
 * plot.lossSurface((w, b) => w.sub(1).square().add(b.add(0.5).square().mul(3)), { x: [-1, 3], y: [-2, 1], paths: { sgd: [[3, 1], [2, 0], [1, -0.5]] } });
 */
export function lossSurface(f: Function2D, opts: LossSurfaceOptions = {}): Figure {
  const where = "plot.lossSurface";
  const paths = opts.paths ? toPaths(where, opts.paths) : [];
  const bounds = pathBounds(paths) ?? { x: [-2, 2] as [number, number], y: [-2, 2] as [number, number] };
  const xr = checkRange(where, "x", opts.x, bounds.x);
  const yr = checkRange(where, "y", opts.y, bounds.y);
  const notes: string[] = [];
  const asked = checkCount(where, "n", opts.n ?? 80);
  const n = Math.min(asked, MAX_SURFACE_PER_AXIS);
  if (n !== asked) notes.push(`surface downsampled from ${asked}×${asked} to ${n}×${n}`);
  const grid: Grid = { x: xr, y: yr, nx: n, ny: n };
  const g = gridPoints(grid);
  const pathLength = paths.reduce((s, p) => s + p.x.length, 0);
  const xs = new Float64Array(g.xs.length + pathLength);
  const ys = new Float64Array(xs.length);
  xs.set(g.xs);
  ys.set(g.ys);
  let at = g.xs.length;
  for (const p of paths) {
    xs.set(p.x, at);
    ys.set(p.y, at);
    at += p.x.length;
  }
  const { values } = evaluate2D(where, f, xs, ys, false);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < g.xs.length; i++)
    if (Number.isFinite(values[i])) {
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
  const gridValues = values.subarray(0, g.xs.length);
  const logZ = opts.logZ === undefined || opts.logZ === "auto" ? wantsLogScale(gridValues) : opts.logZ;
  const eps = logFloor(gridValues, min, max);
  const shown = (v: number): number => (logZ ? Math.log10(Math.max(v - min, 0) + eps) : v);
  const surfaceValues = roundValues(Array.from(values.subarray(0, g.xs.length), shown), 4);
  const z: (number | null)[][] = [];
  for (let r = 0; r < n; r++) z.push(surfaceValues.slice(r * n, (r + 1) * n));
  const q = quantizer(Math.max(xr[1] - xr[0], yr[1] - yr[0]));
  const zLabel = logZ ? "log₁₀(f − min)" : "f";
  const data: PlotlyTrace[] = [
    {
      type: "surface",
      name: zLabel,
      x: Array.from(evenlySpaced(xr[0], xr[1], n), (v) => q(v)),
      y: Array.from(evenlySpaced(yr[0], yr[1], n), (v) => q(v)),
      z,
      colorscale: opts.colorscale ?? "Viridis",
      opacity: paths.length > 0 ? 0.75 : 1,
      colorbar: { title: { text: zLabel }, len: 0.8, thickness: 16 },
      contours: { z: { show: true, usecolormap: true, project: { z: true }, width: 1 } },
      lighting: { ambient: 0.9, diffuse: 0.4, specular: 0.05 },
    },
  ];
  at = g.xs.length;
  // the surface's height at (x, y) as plotly draws it: bilinear between grid points
  const surfaceAt = (x: number, y: number): number => {
    const fx = ((x - xr[0]) / (xr[1] - xr[0])) * (n - 1);
    const fy = ((y - yr[0]) / (yr[1] - yr[0])) * (n - 1);
    if (!(fx >= 0 && fx <= n - 1 && fy >= 0 && fy <= n - 1)) return -Infinity;
    const c = Math.min(n - 2, Math.floor(fx));
    const r = Math.min(n - 2, Math.floor(fy));
    const tx = fx - c;
    const ty = fy - r;
    const v = (rr: number, cc: number): number => z[rr][cc] ?? -Infinity;
    return (
      (1 - ty) * ((1 - tx) * v(r, c) + tx * v(r, c + 1)) +
      ty * ((1 - tx) * v(r + 1, c) + tx * v(r + 1, c + 1))
    );
  };
  const zLow = shown(min);
  const zHigh = shown(max);
  const zSpan = zHigh - zLow || 1;
  // the scene's floor, a little below the surface: the contour projection and each path's shadow lie there
  const floor = zLow - 0.25 * zSpan;
  // paths float above the surface so it does not hide them
  const lift = 0.03 * zSpan;
  paths.forEach((p, i) => {
    const color = RUN_COLORS[i % RUN_COLORS.length];
    const pathValues = values.subarray(at, at + p.x.length);
    at += p.x.length;
    // long paths are thinned evenly (both ends kept): each is drawn twice, on the surface and the floor
    const keep = evenIndices(p.x.length, MAX_SURFACE_PATH_POINTS);
    if (keep.length < p.x.length)
      notes.push(`path "${p.name}" thinned from ${p.x.length} to ${keep.length} points`);
    // the drawn surface interpolates between grid points and, in a narrow valley, passes above
    // the path's true values: a path rides on whichever is higher, so it is never hidden
    const pz = keep.map((k) =>
      significant(Math.max(shown(pathValues[k]), surfaceAt(p.x[k], p.y[k])) + lift, 5),
    );
    const px = keep.map((k) => q(p.x[k]));
    const py = keep.map((k) => q(p.y[k]));
    data.push({
      type: "scatter3d",
      mode: "lines",
      name: p.name,
      legendgroup: p.name,
      x: px,
      y: py,
      z: pz,
      line: { color, width: 6 },
    });
    const last = p.x.length - 1;
    const lastShown = px.length - 1;
    if (last < 0) return;
    data.push({
      type: "scatter3d",
      mode: "lines",
      name: `${p.name} on the floor`,
      legendgroup: p.name,
      showlegend: false,
      x: px,
      y: py,
      z: px.map(() => significant(floor, 5)),
      line: { color, width: 3 },
      hoverinfo: "skip",
    });
    data.push({
      type: "scatter3d",
      mode: "markers",
      name: `${p.name} start/end`,
      legendgroup: p.name,
      showlegend: false,
      x: [px[0], px[lastShown], px[0], px[lastShown]],
      y: [py[0], py[lastShown], py[0], py[lastShown]],
      z: [pz[0], pz[lastShown], significant(floor, 5), significant(floor, 5)],
      text: ["start", "end", "start", "end"],
      marker: {
        color: ["#ffffff", color, "#ffffff", color],
        size: [6, 7, 4, 5],
        symbol: ["circle", "circle", "circle", "circle"],
        line: { color, width: 2 },
      },
    });
    notes.push(
      `${p.name} ends at (${significant(p.x[last], 4)}, ${significant(p.y[last], 4)}), f = ${significant(values[at - 1], 4)}`,
    );
  });
  const [xTitle, yTitle] = axisTitles2D(f, opts);
  const layout = baseLayout(opts, {
    scene: {
      xaxis: { title: { text: xTitle }, nticks: 5 },
      yaxis: { title: { text: yTitle }, nticks: 5 },
      zaxis: {
        title: { text: zLabel },
        nticks: 5,
        range: [significant(floor, 5), significant(zHigh + 2 * lift, 5)],
      },
      camera: { eye: { x: 1.5, y: -1.6, z: 1.1 } },
    },
    height: opts.height ?? 550,
    legend: { x: 0, y: 1 },
  });
  return new Figure(data, layout, { kind: "lossSurface", notes });
}
