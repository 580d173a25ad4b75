// A loss of two parameters as a 3-D surface, optionally with optimizer paths lying on it.
// Needs plotly.js's full build (sent once, the first time a 3-D figure is shown).
import { Figure, baseLayout, type FigureOptions, type PlotlyTrace } from "./figure.js";
import { evaluate2D, type Function2D } from "./gridEvaluation.js";
import { evenlySpaced, quantizer, roundValues, significant } from "./compactNumbers.js";
import { gridPoints, type Grid } from "./contourTrace.js";
import { pathBounds, toPaths, type PathLike } from "./pathPoints.js";
import { RUN_COLORS } from "./lossCurve.js";
import { checkCount, checkRange } from "./optionChecks.js";

export interface LossSurfaceOptions extends FigureOptions {
  /** x range (default: the paths' extent, or [-2, 2]). */
  x?: [number, number];
  /** y range (default: the paths' extent, or [-2, 2]). */
  y?: [number, number];
  /** Grid points per axis (default 50, at most 80). */
  n?: number;
  /** Optimizer paths drawn on the surface: {name: [[x, y], ...] | {x, y} | Tensor [steps, 2]}. */
  paths?: Record<string, PathLike>;
  /** Plot log10(f − min f + ε) (default false). */
  logZ?: boolean;
  colorscale?: string;
}

/** Surface grid cap: 80×80 keeps the JSON under ≈100 KB. */
export const MAX_SURFACE_PER_AXIS = 80;

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
  const asked = checkCount(where, "n", opts.n ?? 50);
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
  const eps = Math.max((max - min) * 1e-6, 1e-12);
  const shown = (v: number): number => (opts.logZ ? Math.log10(Math.max(v - min, 0) + eps) : v);
  const surfaceValues = roundValues(Array.from(values.subarray(0, g.xs.length), shown), 4);
  const z: (number | null)[][] = [];
  for (let r = 0; r < n; r++) z.push(surfaceValues.slice(r * n, (r + 1) * n));
  const q = quantizer(Math.max(xr[1] - xr[0], yr[1] - yr[0]));
  const zLabel = opts.logZ ? "log₁₀(f − min)" : "f";
  const data: PlotlyTrace[] = [
    {
      type: "surface",
      name: zLabel,
      x: Array.from(evenlySpaced(xr[0], xr[1], n), (v) => q(v)),
      y: Array.from(evenlySpaced(yr[0], yr[1], n), (v) => q(v)),
      z,
      colorscale: opts.colorscale ?? "Viridis",
      opacity: paths.length > 0 ? 0.85 : 1,
      colorbar: { title: { text: zLabel }, len: 0.8 },
      contours: { z: { show: true, usecolormap: true, project: { z: true }, width: 1 } },
    },
  ];
  at = g.xs.length;
  // paths float slightly above the surface so the surface does not hide them
  const lift = 0.01 * (shown(max) - shown(min) || 1);
  paths.forEach((p, i) => {
    const color = RUN_COLORS[i % RUN_COLORS.length];
    const pz = Array.from(values.subarray(at, at + p.x.length), (v) => significant(shown(v) + lift, 5));
    at += p.x.length;
    data.push({
      type: "scatter3d",
      mode: "lines+markers",
      name: p.name,
      x: p.x.map((v) => q(v)),
      y: p.y.map((v) => q(v)),
      z: pz,
      line: { color, width: 5 },
      marker: { size: 2.5, color },
    });
    const last = p.x.length - 1;
    if (last >= 0)
      notes.push(
        `${p.name} ends at (${significant(p.x[last], 4)}, ${significant(p.y[last], 4)}), f = ${significant(values[at - 1], 4)}`,
      );
  });
  const layout = baseLayout(opts, {
    scene: {
      xaxis: { title: { text: "x" } },
      yaxis: { title: { text: "y" } },
      zaxis: { title: { text: zLabel } },
      camera: { eye: { x: 1.5, y: -1.6, z: 1.1 } },
    },
    height: opts.height ?? 550,
    legend: { x: 0, y: 1 },
  });
  return new Figure(data, layout, { kind: "lossSurface", notes });
}
