// Functional transforms (JAX's faces of the engine): grad, valueAndGrad, vjp, jvp,
// jacobian, hessian. Each wraps its arguments in fresh variables, evaluates f while
// recording, and runs a reverse sweep that stops at those variables. When called inside
// another transform (or on arguments that carry a graph) the sweep records itself, which
// is what makes grad(grad(f)) exact.
import { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { release } from "../backend/bufferPool.js";
import { gradState } from "./gradMode.js";
import { sweep } from "./backwardPass.js";
import { treeFlatten, treeUnflatten, type PyTree } from "./pytree.js";
import { identity } from "../ops/castOps.js";
import { scalarTensor } from "../ops/tensorLike.js";
import { full, zerosLike } from "../tensor/creation.js";
import { reshape, stack } from "../ops/shapeOps.js";
import { dropDeferred, tensorSerial } from "../tensor/tensor.js";
import type { Loose } from "../tensor/looseValue.js";
import { FROM_NO_GRAD, GRAPH_FREED, RELEASED } from "../tensor/tensorFlags.js";

/** Which positional arguments grad/valueAndGrad differentiate: one index, or several. */
export type Argnums = number | readonly number[];

/** Options of grad/valueAndGrad: which positional arguments to differentiate. */
export interface GradOptions<A extends Argnums = Argnums> {
  /** An argument index (default 0) or several (then the result is an array, one entry per index). */
  argnums?: A;
}

/**
 * The gradient of a value of type `T`: a tensor or a number becomes a Tensor, and arrays and
 * objects (pytrees) keep their structure with a Tensor at every leaf. An untyped (`any`)
 * argument gives an untyped gradient.
 */
export type GradOf<T> = 0 extends 1 & T
  ? Loose
  : T extends Tensor | number
    ? Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: GradOf<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: GradOf<T[K]> }
        : Tensor;

/** `T`, not used to infer a type parameter (so a contextual return type cannot widen argnums). */
type Fixed<T> = [T][T extends unknown ? 0 : never];

/**
 * What grad returns for a function with parameters `P` and argnums `A`: the gradient of
 * argument `A`, or a tuple of gradients when `A` is a list of indices.
 */
export type GradsFor<P extends readonly unknown[], A extends Argnums> = A extends number
  ? GradOf<P[A]>
  : { -readonly [K in keyof A]: A[K] extends number ? GradOf<P[A[K]]> : never };

interface Wrapped {
  /** The argument list with differentiated arguments replaced by fresh variables. */
  args: unknown[];
  /** The fresh variables (flattened, per argnum). */
  vars: Tensor[][];
  defs: ReturnType<typeof treeFlatten>[1][];
  /** Some argument carries an outer graph: results must be recorded. */
  connected: boolean;
}

function wrapArgs(fname: string, args: unknown[], argnums: number[], outerDepth: number): Wrapped {
  const out = args.slice();
  const vars: Tensor[][] = [];
  const defs: ReturnType<typeof treeFlatten>[1][] = [];
  let connected = false;
  for (const k of argnums) {
    if (k < 0 || k >= args.length || !Number.isInteger(k)) {
      throw new Error(
        `${fname}: argnums contains ${k} but the function was called with ${args.length} argument${args.length === 1 ? "" : "s"}`,
      );
    }
    const [leaves, def] = treeFlatten<unknown>(args[k]);
    const vs = leaves.map((leaf, i) => {
      const where = leaves.length === 1 ? `argument ${k}` : `leaf ${i} of argument ${k}`;
      let t: Tensor;
      if (typeof leaf === "number") t = scalarTensor(leaf, "float64");
      else if (leaf instanceof Tensor) t = leaf;
      else
        throw new TypeError(
          `${fname}: ${where} is ${leaf === null ? "null" : typeof leaf}; differentiate with respect to tensors (or numbers), in arrays or plain objects`,
        );
      if (!isFloat(t.dtype)) {
        throw new TypeError(
          `${fname}: ${where} has dtype ${t.dtype}; gradients are defined only for float tensors (convert with .astype("float64"))`,
        );
      }
      if (gradState.enabled && t._rg && (outerDepth > 0 || t._op !== null)) {
        connected = true;
        return identity(t);
      }
      // A fresh leaf sharing t's storage; neither may be recycled while both live.
      if (t._lazy !== null) t._buf();
      const v = new Tensor(t.shape, t.dtype, t._sharedStorage(), t._s);
      v._rg = true;
      return v;
    });
    out[k] = treeUnflatten(def, vs);
    vars.push(vs);
    defs.push(def);
  }
  return { args: out, vars, defs, connected };
}

function normArgnums(opts: GradOptions | undefined): { list: number[]; multi: boolean } {
  const a: Argnums = opts?.argnums ?? 0;
  return typeof a === "number" ? { list: [a], multi: false } : { list: [...a], multi: true };
}

/** Evaluate f on wrapped arguments while recording; returns the output and bookkeeping. */
function traceCall<T>(
  fname: string,
  f: (...args: Loose[]) => T,
  args: unknown[],
  argnums: number[],
): { out: T; w: Wrapped; createGraph: boolean; serial0: number; firstId: number } {
  const outerDepth = gradState.transformDepth;
  const firstId = tensorSerial.n + 1;
  const w = wrapArgs(fname, args, argnums, outerDepth);
  const createGraph = gradState.enabled && (outerDepth > 0 || w.connected);
  const serial0 = tensorSerial.n;
  const out = gradState.scoped({ transformDepth: outerDepth + 1, enabled: true }, () => f(...w.args));
  return { out, w, createGraph, serial0, firstId };
}

function checkScalarOutput(fname: string, out: unknown): Tensor {
  if (!(out instanceof Tensor)) {
    throw new TypeError(
      `${fname}: the function must return a scalar Tensor, got ${out === null ? "null" : Array.isArray(out) ? "an array" : typeof out}`,
    );
  }
  if (out.size !== 1) {
    throw new Error(
      `${fname}: the function must return a scalar (shape []), got shape ${fmtShape(out.shape)}; reduce it (e.g. .sum() or .mean()), or use vjp/jacobian for non-scalar outputs`,
    );
  }
  if (!isFloat(out.dtype))
    throw new TypeError(
      `${fname}: the function returned a ${out.dtype} tensor, which cannot be differentiated`,
    );
  return out;
}

function unconnectedCheck(fname: string, out: Tensor): void {
  if (!out._rg && (out._flags & FROM_NO_GRAD) !== 0) {
    throw new Error(
      `${fname}: the output was computed under noGrad() (or from a tensor that was), so no gradient can flow to the inputs; move the computation out of noGrad, or use stopGradient to cut the gradient on purpose`,
    );
  }
}

/** Recycle the intermediates f created, once their gradients are out (no graph recorded). */
function releaseIntermediates(order: readonly Tensor[], serial0: number, keep: Set<Tensor>): void {
  for (const t of order) {
    if (t._id <= serial0 || keep.has(t)) continue;
    t._cutGraph();
    t._flags |= GRAPH_FREED;
    // A deferred intermediate nobody read: its expression would read released buffers.
    if (t._lazy !== null) dropDeferred(t);
    if (t._storage !== null && !t._storage.shared) {
      release(t._storage.array);
      t._data = null;
      t._flags |= RELEASED;
    }
  }
}

function gradsOf(
  fname: string,
  f: (...args: Loose[]) => Tensor,
  opts: GradOptions | undefined,
  args: unknown[],
): [Tensor, unknown] {
  const { list, multi } = normArgnums(opts);
  const { out: raw, w, createGraph, serial0, firstId } = traceCall(fname, f, args, list);
  const out = checkScalarOutput(fname, raw);
  unconnectedCheck(fname, out);
  const targets = w.vars.flat();
  let flatGrads: Tensor[];
  if (!out._rg) {
    flatGrads = targets.map((t) => zerosLike(t));
  } else {
    const seed =
      out.shape.length === 0 ? scalarTensor(1, out.dtype) : full(out.shape, 1, { dtype: out.dtype });
    const { grads, order } = sweep([out], [seed], { targets, createGraph, minId: firstId });
    flatGrads = grads.map((g, i) => g ?? zerosLike(targets[i]));
    if (!createGraph) {
      const keep = new Set<Tensor>(flatGrads);
      keep.add(out);
      releaseIntermediates(order, serial0, keep);
      out._cutGraph();
      out._rg = false;
    }
  }
  let pos = 0;
  const perArg = w.defs.map((def, k) => {
    const n = w.vars[k].length;
    const g = treeUnflatten(def, flatGrads.slice(pos, pos + n));
    pos += n;
    return g;
  });
  return [out, multi ? perArg : perArg[0]];
}

/**
 * The gradient of a scalar-valued f with respect to argument `argnums` (default 0), as a
 * function. Arguments may be pytrees (arrays/objects of tensors); the gradient has the same
 * structure. With an array of argnums the result is an array of gradients. Nests:
 * grad(grad(f)) is the exact second derivative.
 *
 * Memory: intermediates f creates are recycled into the buffer pool when the gradient is out
 * (unless called inside another transform). Return what you need from f (valueAndGrad gives
 * you the output) rather than keeping its intermediates in outer variables.
 * The result is typed from f and argnums: `grad((p: { w: Tensor; b: Tensor }) => ...)` returns
 * `{ w: Tensor; b: Tensor }`, and `{ argnums: [0, 1] }` a tuple `[Tensor, Tensor]`.
 * @example
 * const f = (x: Tensor) => x.mul(x).sum();
 * grad(f)(tensor([1, 2])).toArray() // [2, 4]
 * grad((x: Tensor) => grad(f)(x).sum())(tensor([1, 2])).toArray() // [2, 2]
 * const [dx, dy] = grad((x: Tensor, y: Tensor) => x.mul(y).sum(), { argnums: [0, 1] })(tensor([1]), tensor([3]));
 * @typeParam F the function; the gradient function takes its parameters
 * @typeParam A the argnums, inferred from `opts` (0 when omitted)
 */
export function grad<F extends (...args: Loose[]) => Tensor, const A extends Argnums = 0>(
  f: F,
  opts?: GradOptions<A>,
): (...args: Parameters<F>) => GradsFor<Parameters<F>, Fixed<A>> {
  return (...args: Parameters<F>) => gradsOf("grad", f, opts, args)[1] as GradsFor<Parameters<F>, A>;
}

/**
 * Like grad, but returns [value, grads] (JAX's value_and_grad), grads typed as grad's.
 * @example
 * const x = tensor([1, 2]), y = tensor([2, 4]);
 * const [value, g] = valueAndGrad((p: { w: Tensor }) => p.w.mul(x).sub(y).square().mean())({ w: tensor(1) });
 * g.w; // tensor(-5.)
 * @typeParam F the function; the returned function takes its parameters
 * @typeParam A the argnums, inferred from `opts` (0 when omitted)
 */
export function valueAndGrad<F extends (...args: Loose[]) => Tensor, const A extends Argnums = 0>(
  f: F,
  opts?: GradOptions<A>,
): (...args: Parameters<F>) => [Tensor, GradsFor<Parameters<F>, Fixed<A>>] {
  return (...args: Parameters<F>) =>
    gradsOf("valueAndGrad", f, opts, args) as [Tensor, GradsFor<Parameters<F>, A>];
}

/**
 * Vector-Jacobian product (JAX's vjp): evaluates f at the primals and returns
 * [out, vjpFn] where vjpFn(cotangent) gives one gradient per primal (an array),
 * cotangent having out's structure. vjpFn can be called many times.
 * @example const [y, back] = vjp((x: Tensor) => x.mul(2), tensor([1, 2])); back(tensor([1, 1]))[0].toArray() // [2, 2]
 * @typeParam F the function; the primals are its arguments
 */
export function vjp<F extends (...args: Loose[]) => Loose>(
  f: F,
  ...primals: Parameters<F>
): [ReturnType<F>, (cotangent: GradOf<ReturnType<F>>) => GradOf<Parameters<F>>] {
  const argnums = primals.map((_, i) => i);
  const { out, w, createGraph: cg0, firstId } = traceCall("vjp", f, primals, argnums);
  const [outLeaves, outDef] = treeFlatten<unknown>(out);
  for (const o of outLeaves)
    if (!(o instanceof Tensor))
      throw new TypeError(`vjp: the function must return tensors (in arrays/objects), found ${typeof o}`);
  const outs = outLeaves as Tensor[];
  const targets = w.vars.flat();
  const vjpFn = (cotangent: GradOf<ReturnType<F>>): GradOf<Parameters<F>> => {
    const [cts, ctDef] = treeFlatten<unknown>(cotangent);
    if (cts.length !== outs.length || JSON.stringify(ctDef) !== JSON.stringify(outDef)) {
      throw new Error(
        `vjp: the cotangent must have the structure of the output (${outs.length} tensor${outs.length === 1 ? "" : "s"})`,
      );
    }
    const roots: Tensor[] = [],
      seeds: Tensor[] = [];
    let ctConnected = false;
    outs.forEach((o, i) => {
      const c = cts[i];
      if (!(c instanceof Tensor)) throw new TypeError("vjp: cotangent leaves must be tensors");
      if (c.shape.length !== o.shape.length || c.shape.some((d, j) => d !== o.shape[j])) {
        throw new Error(
          `vjp: cotangent ${i} has shape ${fmtShape(c.shape)} but the output has shape ${fmtShape(o.shape)}`,
        );
      }
      if (c._rg) ctConnected = true;
      if (o._rg) {
        roots.push(o);
        seeds.push(c);
      }
    });
    const createGraph = gradState.enabled && (cg0 || gradState.transformDepth > 0 || ctConnected);
    const flat =
      roots.length === 0
        ? targets.map(() => null)
        : sweep(roots, seeds, { targets, createGraph, minId: firstId }).grads;
    let pos = 0;
    return w.defs.map((def, k) => {
      const n = w.vars[k].length;
      const g = treeUnflatten(
        def,
        flat.slice(pos, pos + n).map((g, i) => g ?? zerosLike(targets[pos + i])),
      );
      pos += n;
      return g;
    }) as GradOf<Parameters<F>>;
  };
  return [out as ReturnType<F>, vjpFn];
}

/**
 * Jacobian-vector product (forward mode): [f(primals), J·tangents]. Computed as the
 * derivative of the (linear) vjp with respect to its cotangent, so every op's single
 * gradient rule serves both modes.
 * @example jvp((x: Tensor) => x.mul(x), [tensor([3])], [tensor([1])])[1].toArray() // [6]
 * @typeParam F the function; the primals are its arguments
 */
export function jvp<F extends (...args: Loose[]) => Loose>(
  f: F,
  primals: Parameters<F>,
  tangents: unknown[],
): [ReturnType<F>, GradOf<ReturnType<F>>] {
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new Error(
      "jvp: pass primals and tangents as two arrays of the same length (one entry per argument of f)",
    );
  }
  primals.forEach((p, i) => {
    const [pl] = treeFlatten<unknown>(p),
      [tl] = treeFlatten<unknown>(tangents[i]);
    if (pl.length !== tl.length)
      throw new Error(`jvp: tangent ${i} has ${tl.length} leaves, primal ${i} has ${pl.length}`);
    pl.forEach((pt, j) => {
      const tt = tl[j];
      if (
        pt instanceof Tensor &&
        tt instanceof Tensor &&
        (pt.shape.length !== tt.shape.length || pt.shape.some((d, q) => d !== tt.shape[q]))
      ) {
        throw new Error(
          `jvp: tangent ${i} has shape ${fmtShape(tt.shape)} but primal ${i} has shape ${fmtShape(pt.shape)}`,
        );
      }
    });
  });
  const outerDepth = gradState.transformDepth;
  let out!: ReturnType<F>, us!: Tensor[], uDef!: ReturnType<typeof treeFlatten>[1], gs!: Tensor[];
  gradState.scoped({ transformDepth: outerDepth + 1, enabled: true }, () => {
    const [o, back] = vjp(f, ...primals);
    out = o;
    const [outLeaves, def] = treeFlatten<Tensor>(o);
    uDef = def;
    us = outLeaves.map((t) => {
      const u = zerosLike(t);
      u._rg = true;
      return u;
    });
    gs = treeFlatten<Tensor>(back(treeUnflatten(uDef, us)))[0];
  });
  const tl = treeFlatten<unknown>(tangents)[0].map((t, i) =>
    t instanceof Tensor ? t : scalarTensor(t as number, gs[i]?.dtype ?? "float64"),
  );
  const roots: Tensor[] = [],
    seeds: Tensor[] = [];
  gs.forEach((g, i) => {
    if (g._rg) {
      roots.push(g);
      seeds.push(tl[i]);
    }
  });
  const createGraph = gradState.enabled && (outerDepth > 0 || tl.some((t) => t._rg));
  const flat =
    roots.length === 0 ? us.map(() => null) : sweep(roots, seeds, { targets: us, createGraph }).grads;
  const tangentOut = treeUnflatten(
    uDef,
    flat.map((g, i) => g ?? zerosLike(us[i])),
  );
  return [out, tangentOut as GradOf<ReturnType<F>>];
}

/**
 * The Jacobian of f at x (reverse mode, one sweep per output element): shape
 * [...outShape, ...xShape].
 * @example jacobian((x: Tensor) => x.mul(x))(tensor([1, 2])).toArray() // [[2, 0], [0, 4]]
 */
export function jacobian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x: Tensor) => {
    if (!(x instanceof Tensor)) throw new TypeError("jacobian: the argument must be a Tensor");
    const [out, back] = vjp(f, x);
    if (!(out instanceof Tensor)) throw new TypeError("jacobian: the function must return a single Tensor");
    const rows: Tensor[] = [];
    for (let i = 0; i < out.size; i++) {
      const ct = full([out.size], 0, { dtype: out.dtype });
      ct._buf()[i] = 1;
      rows.push(back(reshape(ct, out.shape) as GradOf<ReturnType<typeof f>>)[0]);
    }
    if (rows.length === 0) return full([...out.shape, ...x.shape], 0, { dtype: x.dtype });
    return reshape(stack(rows, 0), [...out.shape, ...x.shape]);
  };
}

/**
 * The Hessian of a scalar f at x: jacobian(grad(f)), shape [...xShape, ...xShape], exact
 * because every gradient rule is itself differentiable.
 * @example hessian((x) => x.mul(x).mul(x).sum())(tensor([1, 2])).toArray() // [[6, 0], [0, 12]]
 */
export function hessian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return jacobian(grad(f));
}

export type { PyTree };
