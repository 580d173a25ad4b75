// Seeded synthetic datasets for teaching: two classification toys that a straight line cannot
// separate (moons, circles, spirals), Gaussian blobs, and 1-D regression curves.
import { generator } from "../tensor/creation.js";
import { makeDataset, shuffleRows, type Dataset } from "./dataset.js";

function linspace(a: number, b: number, n: number, endpoint = true): number[] {
  const den = endpoint ? n - 1 : n;
  return Array.from({ length: n }, (_, i) => (den <= 0 ? a : a + ((b - a) * i) / den));
}

function checkN(n: number, who: string, min = 1): void {
  if (!(Number.isInteger(n) && n >= min))
    throw new Error(`data.${who}: n must be an integer >= ${min}, got ${n}`);
}

/**
 * Two interleaving half circles (scikit-learn's make_moons): labels 0 (upper) and 1 (lower).
 *
 * @example
 * const { x, y } = data.moons({ n: 200, noise: 0.1, seed: 0 }); // x [200, 2], y int32 [200]
 */
export function moons(options: { n?: number; noise?: number; seed?: number } = {}): Dataset {
  const { n = 200, noise = 0.1, seed = 0 } = options;
  checkN(n, "moons", 2);
  const g = generator(seed);
  const nOut = Math.floor(n / 2),
    nIn = n - nOut;
  const xs: number[][] = [],
    ys: number[] = [];
  for (const t of linspace(0, Math.PI, nOut)) {
    xs.push([Math.cos(t), Math.sin(t)]);
    ys.push(0);
  }
  for (const t of linspace(0, Math.PI, nIn)) {
    xs.push([1 - Math.cos(t), 1 - Math.sin(t) - 0.5]);
    ys.push(1);
  }
  for (const p of xs) {
    p[0] = p[0]! + noise * g.normal();
    p[1] = p[1]! + noise * g.normal();
  }
  const [sx, sy] = shuffleRows(xs, ys, seed + 1);
  return makeDataset("moons", "classification", sx, sy, { classNames: ["upper", "lower"] });
}

/**
 * A small circle inside a large one (scikit-learn's make_circles): labels 0 (outer), 1 (inner).
 *
 * @example
 * const ds = data.circles({ n: 300, factor: 0.5, noise: 0.05, seed: 2 });
 */
export function circles(
  options: { n?: number; noise?: number; factor?: number; seed?: number } = {},
): Dataset {
  const { n = 200, noise = 0.05, factor = 0.5, seed = 0 } = options;
  checkN(n, "circles", 2);
  if (!(factor > 0 && factor < 1)) throw new Error(`data.circles: factor must be in (0, 1), got ${factor}`);
  const g = generator(seed);
  const nOut = Math.floor(n / 2),
    nIn = n - nOut;
  const xs: number[][] = [],
    ys: number[] = [];
  for (const t of linspace(0, 2 * Math.PI, nOut, false)) {
    xs.push([Math.cos(t), Math.sin(t)]);
    ys.push(0);
  }
  for (const t of linspace(0, 2 * Math.PI, nIn, false)) {
    xs.push([factor * Math.cos(t), factor * Math.sin(t)]);
    ys.push(1);
  }
  for (const p of xs) {
    p[0] = p[0]! + noise * g.normal();
    p[1] = p[1]! + noise * g.normal();
  }
  const [sx, sy] = shuffleRows(xs, ys, seed + 1);
  return makeDataset("circles", "classification", sx, sy, { classNames: ["outer", "inner"] });
}

/**
 * Interleaved spirals, one arm per class (the CS231n toy), radius 0 to 1.
 *
 * @example
 * const ds = data.spirals({ n: 300, classes: 3, noise: 0.2, seed: 0 });
 */
export function spirals(
  options: { n?: number; classes?: number; noise?: number; seed?: number } = {},
): Dataset {
  const { n = 300, classes = 2, noise = 0.2, seed = 0 } = options;
  checkN(n, "spirals", classes);
  if (!(Number.isInteger(classes) && classes >= 2))
    throw new Error(`data.spirals: classes must be an integer >= 2, got ${classes}`);
  const g = generator(seed);
  const xs: number[][] = [],
    ys: number[] = [];
  for (let k = 0; k < classes; k++) {
    const m = Math.floor(n / classes) + (k < n % classes ? 1 : 0);
    const r = linspace(0, 1, m);
    for (let i = 0; i < m; i++) {
      // Arms start at equally spaced angles and each turns 4 radians from the centre out.
      const theta = (2 * Math.PI * k) / classes + 4 * r[i]! + noise * g.normal();
      xs.push([r[i]! * Math.sin(theta), r[i]! * Math.cos(theta)]);
      ys.push(k);
    }
  }
  const [sx, sy] = shuffleRows(xs, ys, seed + 1);
  return makeDataset("spirals", "classification", sx, sy, {
    classNames: Array.from({ length: classes }, (_, k) => `arm ${k}`),
  });
}

/**
 * Isotropic Gaussian blobs: `centers` classes with centres drawn uniformly in `box`
 * (or given as rows), standard deviation `std` (scikit-learn's make_blobs).
 *
 * @example
 * const ds = data.blobs({ n: 150, centers: 3, features: 2, std: 1, seed: 0 });
 */
export function blobs(
  options: {
    n?: number;
    centers?: number | number[][];
    features?: number;
    std?: number;
    box?: [number, number];
    seed?: number;
  } = {},
): Dataset {
  const { n = 200, std = 1, box = [-10, 10], seed = 0 } = options;
  const g = generator(seed);
  const features = Array.isArray(options.centers) ? options.centers[0]!.length : (options.features ?? 2);
  const centers = Array.isArray(options.centers)
    ? options.centers
    : Array.from({ length: options.centers ?? 3 }, () =>
        Array.from({ length: features }, () => box[0] + (box[1] - box[0]) * g.uniform()),
      );
  checkN(n, "blobs", centers.length);
  const xs: number[][] = [],
    ys: number[] = [];
  centers.forEach((c, k) => {
    const m = Math.floor(n / centers.length) + (k < n % centers.length ? 1 : 0);
    for (let i = 0; i < m; i++) {
      xs.push(c.map((v) => v + std * g.normal()));
      ys.push(k);
    }
  });
  const [sx, sy] = shuffleRows(xs, ys, seed + 1);
  return makeDataset("blobs", "classification", sx, sy, { classNames: centers.map((_, k) => `blob ${k}`) });
}

function regression(
  name: string,
  n: number,
  range: [number, number],
  noise: number,
  seed: number,
  f: (x: number) => number,
): Dataset {
  checkN(n, name);
  const g = generator(seed);
  const xs: number[][] = [],
    ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = range[0] + (range[1] - range[0]) * g.uniform();
    xs.push([x]);
    ys.push(f(x) + noise * g.normal());
  }
  return makeDataset(name, "regression", xs, ys, { featureNames: ["x"] });
}

/**
 * `y = slope·x + intercept + noise·ε`, x uniform in `range`; x [n, 1], y [n, 1].
 *
 * @example
 * const { x, y } = data.linear({ n: 100, slope: 2, intercept: -1, noise: 0.1, seed: 0 });
 */
export function linear(
  options: {
    n?: number;
    slope?: number;
    intercept?: number;
    noise?: number;
    range?: [number, number];
    seed?: number;
  } = {},
): Dataset {
  const { n = 100, slope = 2, intercept = 1, noise = 0.1, range = [-1, 1], seed = 0 } = options;
  return regression("linear", n, range, noise, seed, (x) => slope * x + intercept);
}

/**
 * `y = c0 + c1·x + c2·x² + … + noise·ε` with `coefficients` [c0, c1, …].
 *
 * @example
 * const ds = data.polynomial({ coefficients: [0, -1, 0, 1], n: 80, noise: 0.05, seed: 3 });
 */
export function polynomial(
  options: {
    n?: number;
    coefficients?: number[];
    noise?: number;
    range?: [number, number];
    seed?: number;
  } = {},
): Dataset {
  const { n = 100, coefficients = [1, -2, 0.5, 1], noise = 0.1, range = [-2, 2], seed = 0 } = options;
  return regression("polynomial", n, range, noise, seed, (x) =>
    coefficients.reduceRight((acc, c) => acc * x + c, 0),
  );
}

/**
 * `y = amplitude·sin(frequency·x + phase) + noise·ε`, x uniform in `range` (default [−π, π]).
 *
 * @example
 * const ds = data.sine({ n: 200, noise: 0.1, seed: 0 });
 */
export function sine(
  options: {
    n?: number;
    amplitude?: number;
    frequency?: number;
    phase?: number;
    noise?: number;
    range?: [number, number];
    seed?: number;
  } = {},
): Dataset {
  const {
    n = 100,
    amplitude = 1,
    frequency = 1,
    phase = 0,
    noise = 0.1,
    range = [-Math.PI, Math.PI],
    seed = 0,
  } = options;
  return regression("sine", n, range, noise, seed, (x) => amplitude * Math.sin(frequency * x + phase));
}
