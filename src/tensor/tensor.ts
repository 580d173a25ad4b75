// The Tensor: an n-d, contiguous, row-major array plus the autodiff bookkeeping.
// Scalars produced by ops keep their value in a number field and only materialise a
// typed array when someone reads `.data`, which keeps micrograd-style graphs cheap.
import { type DType, type TypedArray, checkDType, isFloat } from "./dtype.js";
import { acquire, POOL_MIN_LENGTH } from "../backend/bufferPool.js";
import { fmtShape, sizeOf } from "./shape.js";
import { gradState } from "../autodiff/gradMode.js";
import { Node, type OpDef } from "../autodiff/opRegistry.js";
import { formatTensor, tensorHtml } from "./format.js";
import { JUPYTER_DISPLAY } from "../displayHost.js";
import { tensorEngine } from "./tensorEngine.js";
import type { Loose } from "./looseValue.js";
import { RELEASED, REQUIRES_GRAD } from "./tensorFlags.js";
import { Storage } from "./storage.js";

/** Nested arrays of numbers (any depth), as accepted by `tensor()`. */
export type NestedArray = number | boolean | NestedArray[];

/** Anything ops accept where a tensor is expected. */
export type TensorLike = Tensor | number | boolean | NestedArray[] | TypedArray | readonly number[];

/** Options of `Tensor.backward`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run again through it (default false). */
  retainGraph?: boolean;
  /** Record the backward pass itself so the resulting .grad can be differentiated (default false). */
  createGraph?: boolean;
}

/**
 * A deferred elementwise op (see src/ops/lazyElementwise.ts): kernel name and argument tensors,
 * each either materialised or itself deferred; `n` counts the ops in the inlinable tree.
 * @example x.mul(w)._lazy // { k: "mul", a: [x, w], n: 1 } for large float tensors on the js backend
 */
export interface LazyNode {
  readonly k: string;
  readonly a: Tensor[];
  readonly n: number;
  /** How many deferred consumers (and recorded gradient rules) will read this tensor; above 1 it is materialised once instead of being recomputed inline. */
  uses: number;
}

/** @internal forget a deferred tensor's expression: it is now unreadable (its inputs were recycled). @example dropDeferred(t) */
export function dropDeferred(t: Tensor): void {
  t._lazy = null;
  t._flags |= RELEASED;
}

/** Creation counter: each tensor gets the next serial, so a transform knows which tensors its function made. @example const before = tensorSerial.n; zeros([2]); tensorSerial.n > before // true */
export const tensorSerial = { n: 0 };

/**
 * An n-dimensional array with reverse-mode autodiff. Create one with `tensor()`, `zeros()`,
 * `randn()`...; every op is also a method (`x.add(y)`, `x.sum({axis: 0})`, `x.matmul(w)`).
 * @example
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * x.grad!.toArray(); // [[2, 4], [6, 8]]
 */
export class Tensor {
  /** Dimensions, outermost first. [] for a scalar. */
  readonly shape: number[];
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** The gradient accumulated by `backward()` (null until then). */
  grad: Tensor | null = null;
  /** @internal the memory this tensor views; null for an unmaterialised scalar or a released intermediate. */
  _storage: Storage | null;
  /** @internal value of a scalar whose storage is not materialised. */
  _s = 0;
  /** @internal the op that produced this tensor (null for leaves), its inputs and attributes. Kept on the tensor (no separate node object) so each recorded op allocates less. */
  _op: OpDef | null = null;
  /** @internal its recorded inputs: the first two in fields, so recording a scalar op allocates no array; all of them in _inMore when there are more than two. */
  _in0: Tensor | null = null;
  _in1: Tensor | null = null;
  _inMore: Tensor[] | null = null;
  _attrs: unknown = null;
  /** @internal bits from tensorFlags.ts (REQUIRES_GRAD, RELEASED, FROM_NO_GRAD, GRAPH_FREED). */
  _flags = 0;
  /** @internal cotangent being accumulated during a backward pass, valid when _stamp says so: a plain number on the scalar fast path. */
  _g: Tensor | number | null = null;
  /** @internal where the current backward pass stands with this tensor (visited, a target, holding a cotangent): see backwardPass.ts. */
  _stamp = 0;
  /** @internal a deferred elementwise expression computed on first read (null once materialised). */
  _lazy: LazyNode | null = null;
  /** @internal creation serial (see tensorSerial). */
  readonly _id: number;

  /** @internal use tensor()/zeros()/... instead. `data` is a new array, or the Storage of the tensor this one views. */
  constructor(shape: number[], dtype: DType, data: TypedArray | Storage | null, scalar = 0) {
    this.shape = shape;
    this.dtype = dtype;
    this.size = shape.length === 0 ? 1 : sizeOf(shape);
    this._storage = data === null ? null : data instanceof Storage ? data : new Storage(data);
    this._s = scalar;
    this._id = ++tensorSerial.n;
    const temps = gradState.temporaries;
    if (temps !== null && this.size >= POOL_MIN_LENGTH) temps.push(this);
  }

  /** @internal whether this tensor participates in differentiation (a flag bit: every field costs memory on each node of a scalar graph). */
  get _rg(): boolean {
    return (this._flags & REQUIRES_GRAD) !== 0;
  }

  /** @internal */
  set _rg(v: boolean) {
    this._flags = v ? this._flags | REQUIRES_GRAD : this._flags & ~REQUIRES_GRAD;
  }

  /** Number of dimensions. @example zeros([2, 3]).ndim // 2 */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * The contiguous row-major storage (live: writes are visible, but are not recorded by autodiff).
   * @example tensor([1, 2]).data // Float64Array [1, 2]
   */
  get data(): TypedArray {
    const d = this._buf();
    // Storage handed to user code may be kept beyond this tensor's life: never recycle it.
    this._storage!.shared = true;
    // ... and may be written at any time: deferred results never see those writes.
    tensorEngine.expose(d);
    return d;
  }

  /** @internal the typed array of the storage (null when there is none). */
  get _data(): TypedArray | null {
    const s = this._storage;
    return s === null ? null : s.array;
  }

  /** @internal replace the storage by a new one holding `a` (not shared), or drop it. */
  set _data(a: TypedArray | null) {
    this._storage = a === null ? null : new Storage(a);
  }

  /** @internal this tensor's storage marked shared, for a new tensor viewing it (null when there is none). */
  _sharedStorage(): Storage | null {
    const s = this._storage;
    if (s !== null) s.shared = true;
    return s;
  }

  /** @internal the storage for engine code (does not pin it against recycling). */
  _buf(): TypedArray {
    const d = this._data;
    if (d !== null) return d;
    if (this._lazy !== null) {
      tensorEngine.materialise(this);
      return this._data!;
    }
    if ((this._flags & RELEASED) !== 0) {
      throw new Error(
        `This ${this.dtype} tensor of shape ${fmtShape(this.shape)} was released: its buffer went back to the pool (an intermediate of a graph released by grad/valueAndGrad, or a tensor passed to dispose()). ` +
          "Keep values you need by returning them from the function (valueAndGrad returns the output), or clone() them inside it.",
      );
    }
    const arr = acquire(this.dtype, 1);
    arr[0] = this._s;
    this._data = arr;
    return arr;
  }

  /** Replace the storage with an array of the same length and dtype (not recorded by autodiff). */
  set data(v: TypedArray) {
    if (v.length !== this.size)
      throw new Error(
        `Tensor.data: new storage has ${v.length} elements, the tensor ${fmtShape(this.shape)} needs ${this.size}`,
      );
    // Deferred results reading the old storage through this tensor keep reading the old values.
    if (this._lazy !== null) void this._buf();
    if (this._data !== null) tensorEngine.beforeWrite(this._data);
    this._storage = new Storage(v);
    this._storage.shared = true;
    tensorEngine.expose(v);
  }

  /**
   * Whether gradients flow to this tensor. Only float tensors can require grad.
   * @example const w = zeros([3]); w.requiresGrad = true;
   */
  get requiresGrad(): boolean {
    return this._rg;
  }

  /** Start (true) or stop (false) recording operations on this tensor for gradients. */
  set requiresGrad(v: boolean) {
    if (v && !isFloat(this.dtype)) {
      throw new Error(
        `requiresGrad: only float tensors can require gradients; this tensor is ${this.dtype} (convert with .astype("float64"))`,
      );
    }
    this._rg = v;
  }

  /** True when this tensor was produced by a recorded op (not a leaf). @example x.mul(2).isLeaf // false if x requires grad */
  get isLeaf(): boolean {
    return this._op === null;
  }

  /**
   * @internal the recorded op application as an object ({op, inputs, attrs, out, needs}), or null
   * for leaves; built on access (for tools that walk the graph). Setting null cuts the graph here.
   */
  get _node(): Node | null {
    return this._op === null ? null : new Node(this._op, this._inputList()!, this._attrs, this);
  }

  /** @internal */
  set _node(v: Node | null) {
    if (v === null) this._cutGraph();
    else {
      this._op = v.op;
      this._setInputs(v.inputs);
      this._attrs = v.attrs;
    }
  }

  /** @internal record the inputs of the op that produced this tensor. */
  _setInputs(inputs: Tensor[]): void {
    if (inputs.length > 2) {
      this._in0 = this._in1 = null;
      this._inMore = inputs;
    } else {
      this._in0 = inputs.length > 0 ? inputs[0] : null;
      this._in1 = inputs.length > 1 ? inputs[1] : null;
      this._inMore = null;
    }
  }

  /** @internal the recorded inputs as a new array (null for a leaf). */
  _inputList(): Tensor[] | null {
    if (this._inMore !== null) return this._inMore.slice();
    if (this._in0 === null) return this._op === null ? null : [];
    return this._in1 === null ? [this._in0] : [this._in0, this._in1];
  }

  /** @internal forget the op that produced this tensor (it becomes a leaf of later graphs). */
  _cutGraph(): void {
    this._op = null;
    this._in0 = this._in1 = null;
    this._inMore = null;
    this._attrs = null;
  }

  /**
   * The single value of a one-element tensor.
   * @example tensor([[3]]).item() // 3
   */
  item(): number {
    if (this.size !== 1)
      throw new Error(
        `item(): the tensor has ${this.size} elements (shape ${fmtShape(this.shape)}); item() needs exactly one`,
      );
    if (this._data === null && this._lazy === null && (this._flags & RELEASED) === 0) return this._s;
    return this._buf()[0];
  }

  /**
   * Nested JavaScript arrays (a number for shape []). Bool tensors give booleans.
   * @example tensor([[1, 2], [3, 4]]).toArray() // [[1, 2], [3, 4]]
   */
  toArray(): Loose {
    if (this.shape.length === 0) return this.dtype === "bool" ? this.item() !== 0 : this.item();
    const d = this._buf();
    const isBool = this.dtype === "bool";
    const shape = this.shape;
    let pos = 0;
    const build = (dim: number): unknown[] => {
      const n = shape[dim];
      const out = new Array<unknown>(n);
      if (dim === shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = isBool ? d[pos++] !== 0 : d[pos++];
      } else {
        for (let i = 0; i < n; i++) out[i] = build(dim + 1);
      }
      return out;
    };
    return build(0);
  }

  /**
   * Backpropagate from this tensor: accumulates d(this)/d(leaf) into every leaf's `.grad`.
   * A non-scalar output needs a cotangent of its shape. The graph is freed afterwards
   * unless `{retainGraph: true}`.
   * @example const x = scalar(3, { requiresGrad: true }); x.mul(x).backward(); x.grad!.item() // 6
   */
  backward(cotangent?: Tensor, opts: BackwardOptions = {}): void {
    tensorEngine.backward(this, cotangent, opts);
  }

  /**
   * Forget the accumulated gradient (sets `.grad` to null).
   * @example w.zeroGrad()
   */
  zeroGrad(): void {
    this.grad = null;
  }

  /**
   * A tensor sharing this one's storage but cut from the graph (no gradient flows through).
   * @example const c = x.detach(); // c.requiresGrad === false
   */
  detach(): Tensor {
    if (this._lazy !== null) this._buf();
    return new Tensor(this.shape, this.dtype, this._sharedStorage(), this._s);
  }

  /**
   * A copy with its own storage, cut from the graph.
   * @example const c = x.clone(); c.assign(0); // x unchanged
   */
  clone(): Tensor {
    if (this._data === null && this._lazy === null && (this._flags & RELEASED) === 0)
      return new Tensor(this.shape.slice(), this.dtype, null, this._s);
    const src = this._buf();
    const d = acquire(this.dtype, this.size);
    d.set(src);
    return new Tensor(this.shape.slice(), this.dtype, d);
  }

  /**
   * Overwrite the values in place (not recorded by autodiff; for optimizers and initialisers).
   * Accepts a tensor broadcastable to this shape, an array of `size` numbers, or a number.
   * @example w.assign(w.sub(w.grad!.mul(0.1)))
   */
  assign(value: Tensor | ArrayLike<number> | number): this {
    tensorEngine.assign(this, value);
    return this;
  }

  /**
   * Convert to another dtype (differentiable between float types).
   * @example tensor([1.7]).astype("int32").toArray() // [1]
   */
  astype(dtype: DType): Tensor {
    return tensorEngine.astype(this, checkDType(dtype, "astype"));
  }

  /**
   * NumPy-like text, e.g. `tensor([[1., 2.], [3., 4.]])`.
   * @example console.log(String(eye(2)))
   */
  toString(): string {
    return formatTensor(this);
  }

  /**
   * The MIME bundle Jupyter shows: NumPy-like text/plain and a small HTML table.
   * @example tensor([1, 2])[JUPYTER_DISPLAY]()["text/plain"]
   */
  [JUPYTER_DISPLAY](): { "text/plain": string; "text/html": string } {
    return { "text/plain": formatTensor(this), "text/html": tensorHtml(this) };
  }

  /** Node's util.inspect shows the NumPy-like text too. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return formatTensor(this);
  }
}

/**
 * True for gradlab tensors.
 * @example isTensor(zeros([2])) // true
 */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
