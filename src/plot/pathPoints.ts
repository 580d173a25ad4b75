// Optimizer paths come as [x, y] pairs, {x, y} arrays, a Tensor of shape [k, 2], or an
// array of 2-element Tensors (parameters recorded each step); all become two number arrays.
import { Tensor } from "../tensor/tensor.js";

/** A 2-D optimizer path in any accepted shape. */
export type PathLike =
  | ArrayLike<readonly [number, number] | number[]>
  | { x: ArrayLike<number>; y: ArrayLike<number> }
  | Tensor
  | ArrayLike<Tensor>;

export interface Path2D {
  name: string;
  x: number[];
  y: number[];
}

function pairFrom(where: string, name: string, p: unknown, i: number): [number, number] {
  if (p instanceof Tensor) {
    if (p.size !== 2)
      throw new Error(
        `${where}: path "${name}" point ${i} is a tensor of shape [${p.shape.join(", ")}], expected 2 elements (x, y)`,
      );
    return [Number(p.data[0]), Number(p.data[1])];
  }
  if (Array.isArray(p) && p.length === 2 && typeof p[0] === "number" && typeof p[1] === "number")
    return [p[0], p[1]];
  throw new Error(
    `${where}: path "${name}" point ${i} must be [x, y] or a 2-element Tensor, got ${JSON.stringify(p)}`,
  );
}

/**
 * A path as two arrays.
 * @example
 * toPath2D("plot.trajectories", "sgd", [[0, 1], [0.5, 0.8]]); // {name: "sgd", x: [0, 0.5], y: [1, 0.8]}
 */
export function toPath2D(where: string, name: string, path: PathLike): Path2D {
  if (path instanceof Tensor) {
    if (path.ndim !== 2 || path.shape[1] !== 2)
      throw new Error(
        `${where}: path "${name}" is a tensor of shape [${path.shape.join(", ")}], expected [steps, 2]`,
      );
    const d = path.data;
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < path.shape[0]; i++) {
      x.push(Number(d[2 * i]));
      y.push(Number(d[2 * i + 1]));
    }
    return { name, x, y };
  }
  if (typeof path === "object" && path !== null && "x" in path && "y" in path && !Array.isArray(path)) {
    const p = path as { x: ArrayLike<number>; y: ArrayLike<number> };
    if (p.x.length !== p.y.length)
      throw new Error(`${where}: path "${name}" has ${p.x.length} x values but ${p.y.length} y values`);
    return { name, x: Array.from(p.x, Number), y: Array.from(p.y, Number) };
  }
  if (Array.isArray(path) || ArrayBuffer.isView(path)) {
    const items = Array.from(path as ArrayLike<unknown>);
    const pairs = items.map((p, i) => pairFrom(where, name, p, i));
    return { name, x: pairs.map((p) => p[0]), y: pairs.map((p) => p[1]) };
  }
  throw new Error(
    `${where}: path "${name}" must be [[x, y], ...], {x, y}, a Tensor [steps, 2] or Tensor[]; got ${typeof path}`,
  );
}

/**
 * Every named path.
 * @example
 * toPaths("plot.trajectories", { sgd: sgdPath, adam: adamPath });
 */
export function toPaths(where: string, paths: Record<string, PathLike>): Path2D[] {
  if (typeof paths !== "object" || paths === null || Array.isArray(paths)) {
    throw new Error(
      `${where}: paths must be a record {name: path}, got ${Array.isArray(paths) ? "an array" : typeof paths}`,
    );
  }
  return Object.entries(paths).map(([name, p]) => toPath2D(where, name, p));
}

/**
 * The bounding box of the paths, padded by 10% (or ±1 around a single point).
 * @example
 * pathBounds([{ name: "p", x: [0, 10], y: [0, 1] }]); // { x: [-1, 11], y: [-0.1, 1.1] }
 */
export function pathBounds(paths: Path2D[]): { x: [number, number]; y: [number, number] } | undefined {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (const p of paths) {
    for (let i = 0; i < p.x.length; i++) {
      if (!Number.isFinite(p.x[i]) || !Number.isFinite(p.y[i])) continue;
      x0 = Math.min(x0, p.x[i]);
      x1 = Math.max(x1, p.x[i]);
      y0 = Math.min(y0, p.y[i]);
      y1 = Math.max(y1, p.y[i]);
    }
  }
  if (!(x0 <= x1)) return undefined;
  const px = x1 > x0 ? 0.1 * (x1 - x0) : 1;
  const py = y1 > y0 ? 0.1 * (y1 - y0) : 1;
  return { x: [x0 - px, x1 + px], y: [y0 - py, y1 + py] };
}
