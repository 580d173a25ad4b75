// The gradient of a function of two variables drawn as arrows over its contour. One call
// of f on all points (contour grid and arrow grid together) and one backward pass.
import { Figure, baseLayout, squareDefaults, type FigureOptions } from "./figure.js";
import { evaluate2D, type Function2D } from "./gridEvaluation.js";
import { contourTrace, gridPoints, type Grid } from "./contourTrace.js";
import { quiverTrace, type Arrow } from "./quiverTrace.js";
import { checkCount, checkRange } from "./optionChecks.js";
import { axisTitles2D } from "./parameterNames.js";

export interface GradientFieldOptions extends FigureOptions {
  /** x range (default [-2, 2]). */
  x?: [number, number];
  /** y range (default [-2, 2]). */
  y?: [number, number];
  /** Arrows per axis (default 20; at most 30, finer requests are downsampled with a note). */
  n?: number | [number, number];
  /** Every arrow the same length, colour alone showing |∇f| (default true). */
  normalize?: boolean;
  /** Draw f's contour under the arrows (default true); `{n}` is its resolution (default 60, at most 100), `logZ` shows log10(f − min) (default "auto": when f spans more than three orders of magnitude). */
  contour?: boolean | { n?: number; logZ?: boolean | "auto"; levels?: number };
  /** Draw −∇f, the direction gradient descent moves (default false). */
  descent?: boolean;
}

/** Arrows per axis above which the field is downsampled (keeps 30×30 over a 100×100 contour < 200 KB). */
export const MAX_ARROWS_PER_AXIS = 30;
/** Contour resolution cap. */
export const MAX_CONTOUR_PER_AXIS = 100;

/**
 * Arrows of ∇f (or −∇f with `descent`) on an n×n grid over a contour of f.
 * f receives 1-D tensors holding every point's x and y and must work elementwise.
 * @example
 * const himmelblau = (x: Tensor, y: Tensor) => x.square().add(y).sub(11).square().add(x.add(y.square()).sub(7).square());
 * plot.gradientField(himmelblau, { x: [-5, 5], y: [-5, 5], n: 25, descent: true, title: "Himmelblau" });
 */
export function gradientField(f: Function2D, opts: GradientFieldOptions = {}): Figure {
  const where = "plot.gradientField";
  const xr = checkRange(where, "x", opts.x, [-2, 2]);
  const yr = checkRange(where, "y", opts.y, [-2, 2]);
  const notes: string[] = [];
  const requested = Array.isArray(opts.n) ? opts.n : [opts.n ?? 20, opts.n ?? 20];
  const nx = Math.min(checkCount(where, "n", requested[0]), MAX_ARROWS_PER_AXIS);
  const ny = Math.min(checkCount(where, "n", requested[1]), MAX_ARROWS_PER_AXIS);
  if (nx !== requested[0] || ny !== requested[1]) {
    notes.push(`arrow grid downsampled from ${requested[0]}×${requested[1]} to ${nx}×${ny}`);
  }
  const contourOpt =
    opts.contour === undefined || opts.contour === true ? {} : opts.contour === false ? null : opts.contour;
  let nc = 0;
  if (contourOpt !== null) {
    const asked = checkCount(where, "contour.n", contourOpt.n ?? 60);
    nc = Math.min(asked, MAX_CONTOUR_PER_AXIS);
    if (nc !== asked) notes.push(`contour downsampled from ${asked}×${asked} to ${nc}×${nc}`);
  }
  const contourGrid: Grid = { x: xr, y: yr, nx: nc, ny: nc };
  // arrows sit at cell centres so none pokes out of the frame
  const cellX = (xr[1] - xr[0]) / nx;
  const cellY = (yr[1] - yr[0]) / ny;
  const arrowGrid: Grid = {
    x: [xr[0] + cellX / 2, xr[1] - cellX / 2],
    y: [yr[0] + cellY / 2, yr[1] - cellY / 2],
    nx,
    ny,
  };

  const contourPts = nc > 0 ? gridPoints(contourGrid) : { xs: new Float64Array(0), ys: new Float64Array(0) };
  const arrowPts = gridPoints(arrowGrid);
  const xs = new Float64Array(contourPts.xs.length + arrowPts.xs.length);
  const ys = new Float64Array(xs.length);
  xs.set(contourPts.xs);
  xs.set(arrowPts.xs, contourPts.xs.length);
  ys.set(contourPts.ys);
  ys.set(arrowPts.ys, contourPts.ys.length);
  const { values, gradX, gradY } = evaluate2D(where, f, xs, ys);

  const sign = opts.descent ? -1 : 1;
  const arrows: Arrow[] = [];
  const offset = contourPts.xs.length;
  for (let i = 0; i < arrowPts.xs.length; i++) {
    arrows.push({
      x: arrowPts.xs[i],
      y: arrowPts.ys[i],
      u: sign * gradX[offset + i],
      v: sign * gradY[offset + i],
    });
  }
  const span = Math.max(xr[1] - xr[0], yr[1] - yr[0]);
  const data = [];
  if (nc > 0) {
    data.push(
      contourTrace(contourGrid, values.subarray(0, offset), {
        logZ: contourOpt?.logZ,
        levels: contourOpt?.levels,
      }),
    );
  }
  const label = opts.descent ? "−∇f" : "∇f";
  data.push(
    quiverTrace(arrows, {
      length: 0.85 * Math.min(cellX, cellY),
      normalize: opts.normalize ?? true,
      span,
      name: label,
      colorbarTitle: `|∇f|`,
    }),
  );
  const [xTitle, yTitle] = axisTitles2D(f, opts);
  const layout = baseLayout(squareDefaults(opts), {
    xaxis: { title: { text: xTitle }, range: xr, constrain: "domain", zeroline: false },
    yaxis: {
      title: { text: yTitle },
      range: yr,
      scaleanchor: "x",
      scaleratio: 1,
      constrain: "domain",
      zeroline: false,
    },
    margin: { t: opts.title !== undefined ? 50 : 30, r: 30, b: 50, l: 60 },
  });
  if (notes.length > 0) {
    layout.annotations = [
      {
        text: notes.join("; "),
        xref: "paper",
        yref: "paper",
        x: 0,
        y: -0.14,
        showarrow: false,
        font: { size: 11, color: "#666" },
        xanchor: "left",
      },
    ];
  }
  return new Figure(data, layout, { kind: "gradientField", notes });
}
