// A dataset is features x [n, d] and targets y, plus what a notebook needs to label a plot.
import type { Tensor } from "../tensor/tensor.js";
import { generator, tensor } from "../tensor/creation.js";

/** Features, targets and labels of a teaching dataset. */
export interface Dataset {
  name: string;
  /** Features, float64 [n, d]. */
  x: Tensor;
  /** Targets: int32 class indices [n] for classification, float64 [n, 1] for regression. */
  y: Tensor;
  task: "classification" | "regression";
  featureNames: string[];
  classNames?: string[];
  /** Where the data comes from and how to cite it, for real data sets. */
  citation?: string;
}

/**
 * Build a Dataset from plain rows (class indices for classification, values for regression).
 *
 * @example
 * const ds = makeDataset("xor", "classification", [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]);
 */
export function makeDataset(
  name: string,
  task: Dataset["task"],
  xs: number[][],
  ys: number[],
  extra: Partial<Pick<Dataset, "featureNames" | "classNames" | "citation">> = {},
): Dataset {
  const d = xs[0]?.length ?? 0;
  const x = tensor(Float64Array.from(xs.flat()), { dtype: "float64" }).reshape([xs.length, d]);
  const y =
    task === "classification"
      ? tensor(Int32Array.from(ys), { dtype: "int32" })
      : tensor(Float64Array.from(ys), { dtype: "float64" }).reshape([ys.length, 1]);
  return {
    name,
    x,
    y,
    task,
    featureNames: extra.featureNames ?? Array.from({ length: d }, (_, i) => `x${i}`),
    ...(extra.classNames ? { classNames: extra.classNames } : {}),
    ...(extra.citation ? { citation: extra.citation } : {}),
  };
}

/**
 * Shuffle rows and targets together with a seeded permutation.
 *
 * @example
 * const [xs, ys] = shuffleRows([[1], [2], [3]], [0, 1, 0], 42);
 */
export function shuffleRows(xs: number[][], ys: number[], seed: number): [number[][], number[]] {
  const perm = generator(seed).permutation(xs.length);
  return [perm.map((i) => xs[i]!), perm.map((i) => ys[i]!)];
}

/**
 * Split a dataset into training and validation parts after a seeded shuffle.
 *
 * @example
 * const { train, validation } = data.split(data.moons({ n: 500, seed: 0 }), { validation: 0.2, seed: 1 });
 * train.x.shape; // [400, 2]
 */
export function split(
  ds: Dataset,
  options: { validation?: number; seed?: number } = {},
): { train: Dataset; validation: Dataset } {
  const frac = options.validation ?? 0.2;
  if (!(frac > 0 && frac < 1))
    throw new Error(`data.split: validation must be a fraction in (0, 1), got ${frac}`);
  const n = ds.x.shape[0]!;
  const perm = generator(options.seed ?? 0).permutation(n);
  const nVal = Math.max(1, Math.round(n * frac));
  const take = (idx: number[]): Dataset => ({ ...ds, x: takeRows(ds.x, idx), y: takeRows(ds.y, idx) });
  return { train: take(perm.slice(nVal)), validation: take(perm.slice(0, nVal)) };
}

/**
 * Rows `idx` of a tensor (first axis), as a new tensor of the same dtype.
 *
 * @example
 * data.takeRows(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]).toArray(); // [[5, 6], [1, 2]]
 */
export function takeRows(t: Tensor, idx: number[]): Tensor {
  const row = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const src = t.data;
  const out = new (src.constructor as { new (n: number): typeof src })(idx.length * row);
  idx.forEach((r, k) => out.set(src.subarray(r * row, (r + 1) * row), k * row));
  return tensor(out, { dtype: t.dtype }).reshape([idx.length, ...t.shape.slice(1)]);
}
