// The contour of a function of two variables on a regular grid, as a compact plotly trace
// (x0/dx instead of coordinate arrays; z rounded to 4 significant digits).
import type { PlotlyTrace } from "./figure.js";
import { evenlySpaced, roundValues } from "./compactNumbers.js";

/**
 * Light colours for a contour under arrows or paths: low values white, high values blue-grey.
 * Most of the change sits in the lower part, where a loss's interesting values are.
 */
export const LIGHT_BLUES = [
  [0, "#ffffff"],
  [0.08, "#e2edf7"],
  [0.25, "#bcd3e9"],
  [0.55, "#8fb2d5"],
  [1, "#4f79a6"],
];

/** Dynamic range above which "auto" draws log10(f − min): the low values would share one colour. */
export const LOG_SCALE_RANGE = 1e3;

/**
 * Whether values span so many orders of magnitude above their minimum that a linear colour
 * scale hides the low ones: (max − min) / (1st percentile − min) above LOG_SCALE_RANGE.
 * @example
 * wantsLogScale(rosenbrockGridValues); // true
 */
export function wantsLogScale(values: ArrayLike<number>): boolean {
  const finite = Array.from(values).filter((v) => Number.isFinite(v));
  if (finite.length < 4) return false;
  finite.sort((a, b) => a - b);
  const min = finite[0];
  const range = finite[finite.length - 1] - min;
  const low = finite[Math.floor(0.01 * (finite.length - 1))] - min;
  return range > 0 && range > LOG_SCALE_RANGE * Math.max(low, range * 1e-12);
}

/**
 * The offset added before log10(f − min + ε): the 10th percentile of f − min. It clips the
 * deepest tenth of the values to a flat floor, so valley floors that a grid samples at varying
 * distances from the true minimum do not turn into spikes.
 * @example
 * const eps = logFloor(values, min, max);
 */
export function logFloor(values: ArrayLike<number>, min: number, max: number): number {
  const above = Array.from(values, (v) => v - min).filter((v) => Number.isFinite(v) && v > 0);
  above.sort((a, b) => a - b);
  const q = above.length > 0 ? above[Math.floor(0.1 * (above.length - 1))] : 0;
  return Math.max(q, (max - min) * 1e-6, 1e-12);
}
/** Light greys, for contours under coloured optimizer paths. */
export const LIGHT_GREYS = [
  [0, "#ffffff"],
  [1, "#8a8a8a"],
];

/** A regular grid: nx columns over [x0, x1], ny rows over [y0, y1]. */
export interface Grid {
  x: [number, number];
  y: [number, number];
  nx: number;
  ny: number;
}

/**
 * The grid's points, row-major (y outer), as two flat arrays.
 * @example
 * const { xs, ys } = gridPoints({ x: [0, 1], y: [0, 2], nx: 2, ny: 3 }); // xs [0,1,0,1,0,1], ys [0,0,1,1,2,2]
 */
export function gridPoints(grid: Grid): { xs: Float64Array; ys: Float64Array } {
  const gx = evenlySpaced(grid.x[0], grid.x[1], grid.nx);
  const gy = evenlySpaced(grid.y[0], grid.y[1], grid.ny);
  const xs = new Float64Array(grid.nx * grid.ny);
  const ys = new Float64Array(grid.nx * grid.ny);
  for (let r = 0; r < grid.ny; r++) {
    for (let c = 0; c < grid.nx; c++) {
      xs[r * grid.nx + c] = gx[c];
      ys[r * grid.nx + c] = gy[r];
    }
  }
  return { xs, ys };
}

export interface ContourStyle {
  /** Show log10(f − min f + ε) so valleys of badly scaled functions (Rosenbrock) show; "auto" (default) when the dynamic range exceeds LOG_SCALE_RANGE. */
  logZ?: boolean | "auto";
  colorscale?: string | Array<[number, string]> | (string | number)[][];
  showscale?: boolean;
  name?: string;
  /** Number of contour levels (plotly's ncontours). */
  levels?: number;
}

/**
 * A contour trace over `grid` from its row-major values.
 * @example
 * const trace = contourTrace({ x: [-1, 1], y: [-1, 1], nx: 3, ny: 3 }, values, { logZ: false });
 */
export function contourTrace(grid: Grid, values: ArrayLike<number>, style: ContourStyle = {}): PlotlyTrace {
  let shown: ArrayLike<number> = values;
  let title = "f";
  const logZ = style.logZ === undefined || style.logZ === "auto" ? wantsLogScale(values) : style.logZ;
  if (logZ) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      if (Number.isFinite(values[i])) {
        min = Math.min(min, values[i]);
        max = Math.max(max, values[i]);
      }
    }
    const eps = logFloor(values, min, max);
    shown = Array.from(values, (v) => Math.log10(v - min + eps));
    title = "log₁₀(f − min)";
  }
  const rounded = roundValues(shown, 4);
  const z: (number | null)[][] = [];
  for (let r = 0; r < grid.ny; r++) z.push(rounded.slice(r * grid.nx, (r + 1) * grid.nx));
  const dx = grid.nx > 1 ? (grid.x[1] - grid.x[0]) / (grid.nx - 1) : 1;
  const dy = grid.ny > 1 ? (grid.y[1] - grid.y[0]) / (grid.ny - 1) : 1;
  return {
    type: "contour",
    name: style.name ?? "f",
    x0: grid.x[0],
    dx: Number(dx.toPrecision(12)),
    y0: grid.y[0],
    dy: Number(dy.toPrecision(12)),
    z,
    ncontours: style.levels ?? 20,
    colorscale: style.colorscale ?? LIGHT_BLUES,
    opacity: 0.9,
    contours: { coloring: "fill", showlines: true },
    line: { width: 0.5, color: "rgba(255,255,255,0.6)" },
    showscale: style.showscale ?? true,
    colorbar: { title: { text: title, side: "right" }, x: 1.02, len: 0.9, thickness: 14 },
    hovertemplate: `x=%{x:.4g}<br>y=%{y:.4g}<br>${logZ ? "log f" : "f"}=%{z:.4g}<extra></extra>`,
  };
}
