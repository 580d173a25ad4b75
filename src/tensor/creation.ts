// Creation functions. All take {dtype, requiresGrad} (and {generator} for random ones).
import { Tensor, type TensorLike } from "./tensor.js";
import { type DType, checkDType, isFloat } from "./dtype.js";
import { checkShape, ShapeError } from "./shape.js";
import { acquire } from "../backend/bufferPool.js";
import { fromData, scalarTensor } from "../ops/tensorLike.js";
import { Generator, globalGenerator } from "../random/generator.js";

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type (float64 unless said otherwise). */
  dtype?: DType;
  /** Make the result a leaf that collects gradients. */
  requiresGrad?: boolean;
}

/** Options of the random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** Stream to draw from (default: the global generator, see seed()). */
  generator?: Generator;
}

function finish(t: Tensor, opts: CreateOptions | undefined): Tensor {
  if (opts?.requiresGrad === true) t.requiresGrad = true;
  return t;
}

function dtypeOf(opts: CreateOptions | undefined, dflt: DType, op: string): DType {
  return opts?.dtype === undefined ? dflt : checkDType(opts.dtype, op);
}

/**
 * A tensor from nested arrays, a typed array or a number (the data is copied).
 * Nested numbers give float64, booleans give bool; a typed array keeps its dtype.
 * @example tensor([[1, 2], [3, 4]], { requiresGrad: true })
 */
export function tensor(data: TensorLike, opts?: CreateOptions): Tensor {
  const d = opts?.dtype === undefined ? undefined : checkDType(opts.dtype, "tensor");
  return finish(fromData(data, d, "tensor"), opts);
}

/**
 * A shape-[] tensor.
 * @example scalar(3, { requiresGrad: true })
 */
export function scalar(v: number, opts?: CreateOptions): Tensor {
  if (typeof v !== "number") throw new TypeError(`scalar: expected a number, got ${typeof v}`);
  return finish(scalarTensor(v, dtypeOf(opts, "float64", "scalar")), opts);
}

/**
 * A tensor of `shape` filled with `value`.
 * @example full([2, 2], 7).toArray() // [[7, 7], [7, 7]]
 */
export function full(shape: number[], value: number, opts?: CreateOptions): Tensor {
  const s = checkShape(shape, "full");
  const dt = dtypeOf(opts, "float64", "full");
  if (s.length === 0) return finish(scalarTensor(value, dt), opts);
  let n = 1;
  for (const d of s) n *= d;
  const buf = acquire(dt, n);
  buf.fill(value);
  return finish(new Tensor(s, dt, buf), opts);
}

/** Zeros. @example zeros([2, 3]).shape // [2, 3] */
export function zeros(shape: number[], opts?: CreateOptions): Tensor {
  return full(shape, 0, opts);
}

/** Ones. @example ones([2]).toArray() // [1, 1] */
export function ones(shape: number[], opts?: CreateOptions): Tensor {
  return full(shape, 1, opts);
}

/** Zeros with t's shape and dtype. @example zerosLike(x) */
export function zerosLike(t: Tensor, opts?: CreateOptions): Tensor {
  return full(t.shape.slice(), 0, { dtype: t.dtype, ...opts });
}

/** Ones with t's shape and dtype. @example onesLike(x) */
export function onesLike(t: Tensor, opts?: CreateOptions): Tensor {
  return full(t.shape.slice(), 1, { dtype: t.dtype, ...opts });
}

/** Value-filled tensor with t's shape and dtype. @example fullLike(x, 0.5) */
export function fullLike(t: Tensor, value: number, opts?: CreateOptions): Tensor {
  return full(t.shape.slice(), value, { dtype: t.dtype, ...opts });
}

/**
 * The n x n identity (or n x m).
 * @example eye(2).toArray() // [[1, 0], [0, 1]]
 */
export function eye(n: number, opts?: CreateOptions & { m?: number }): Tensor {
  const m = opts?.m ?? n;
  const t = zeros([n, m], opts);
  const d = t._buf();
  for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1;
  return t;
}

/**
 * Evenly spaced values in [start, stop) (NumPy's arange). Integer arguments give float64
 * unless a dtype is given. `arange(5)` counts from 0.
 * @example arange(0, 1, 0.25).toArray() // [0, 0.25, 0.5, 0.75]
 */
export function arange(start: number, stop?: number, step = 1, opts?: CreateOptions): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step))
    throw new Error(`arange: step must be a nonzero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dt = dtypeOf(opts, "float64", "arange");
  const buf = acquire(dt, n);
  for (let i = 0; i < n; i++) buf[i] = start + i * step;
  return finish(new Tensor([n], dt, buf), opts);
}

/**
 * n evenly spaced values from a to b inclusive.
 * @example linspace(0, 1, 3).toArray() // [0, 0.5, 1]
 */
export function linspace(a: number, b: number, n: number, opts?: CreateOptions): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new Error(`linspace: n must be a non-negative integer, got ${n}`);
  const dt = dtypeOf(opts, "float64", "linspace");
  const buf = acquire(dt, n);
  const step = n > 1 ? (b - a) / (n - 1) : 0;
  for (let i = 0; i < n; i++) buf[i] = i === n - 1 && n > 1 ? b : a + i * step;
  return finish(new Tensor([n], dt, buf), opts);
}

function randomFill(
  shape: number[],
  opts: RandomOptions | undefined,
  op: string,
  draw: (g: Generator) => number,
): Tensor {
  const s = checkShape(shape, op);
  const dt = dtypeOf(opts, "float64", op);
  if (!isFloat(dt)) throw new Error(`${op}: dtype must be float32 or float64, got ${dt}`);
  const g = opts?.generator ?? globalGenerator();
  let n = 1;
  for (const d of s) n *= d;
  const buf = acquire(dt, n);
  for (let i = 0; i < n; i++) buf[i] = draw(g);
  return finish(new Tensor(s, dt, buf), opts);
}

/**
 * Uniform samples in [0, 1).
 * @example seed(0); rand([2, 2])
 */
export function rand(shape: number[], opts?: RandomOptions): Tensor {
  return randomFill(shape, opts, "rand", (g) => g.uniform());
}

/**
 * Standard normal samples.
 * @example randn([3], { generator: generator(7) })
 */
export function randn(shape: number[], opts?: RandomOptions): Tensor {
  return randomFill(shape, opts, "randn", (g) => g.normal());
}

/**
 * Uniform integers in [low, high), int32.
 * @example randint(0, 10, [5]).dtype // "int32"
 */
export function randint(
  low: number,
  high: number,
  shape: number[],
  opts?: { generator?: Generator },
): Tensor {
  const s = checkShape(shape, "randint");
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low)
    throw new ShapeError(`randint: need integers low < high, got [${low}, ${high})`);
  const g = opts?.generator ?? globalGenerator();
  let n = 1;
  for (const d of s) n *= d;
  const buf = new Int32Array(n);
  for (let i = 0; i < n; i++) buf[i] = g.integer(low, high);
  return new Tensor(s, "int32", buf);
}

/**
 * A new random stream with its own seed.
 * @example const g = generator(1); g.randn([2]); g.permutation(4)
 */
export function generator(seedValue: number): Generator {
  return new Generator(seedValue);
}

declare module "../random/generator.js" {
  interface Generator {
    /** Uniform [0,1) tensor from this stream. @example generator(0).rand([2]) */
    rand(shape: number[], opts?: CreateOptions): Tensor;
    /** Standard normal tensor from this stream. @example generator(0).randn([2]) */
    randn(shape: number[], opts?: CreateOptions): Tensor;
    /** Integers in [low, high) from this stream. @example generator(0).randint(0, 5, [3]) */
    randint(low: number, high: number, shape: number[]): Tensor;
  }
}

Generator.prototype.rand = function (this: Generator, shape: number[], opts?: CreateOptions): Tensor {
  return rand(shape, { ...opts, generator: this });
};
Generator.prototype.randn = function (this: Generator, shape: number[], opts?: CreateOptions): Tensor {
  return randn(shape, { ...opts, generator: this });
};
Generator.prototype.randint = function (this: Generator, low: number, high: number, shape: number[]): Tensor {
  return randint(low, high, shape, { generator: this });
};
