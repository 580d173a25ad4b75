// Automatic fusion of elementwise op chains. Each eager op over a large tensor would write a
// full intermediate (80 MB for a [100,100,1000] float64), so a chain such as
// `w.mul(x).add(b).sub(y).square().mean(-1)` would be bound by memory traffic, not arithmetic.
// Instead, a float elementwise op returns a *deferred* tensor: `_lazy` holds the op and its
// argument tensors, which may be deferred themselves. The first read of the storage (`_buf()`:
// any non-elementwise op, `.data`, display) turns the tree into one plan and fills the buffer;
// a sum over all axes or over the last axis consumes a deferred input inside the same loop and
// never materialises it. On the js backend the plan runs as a loop generated with
// `new Function` (cached by structure); on wasm and auto, in the wasm block interpreter
// (FusedEvaluator), which may decline a plan, and then the generated loop runs it.
//
// Why the results stay exact: every node evaluates the same per-element expression string as
// the eager kernel (shared from jsBackend), in the same dependency order, and float32 nodes
// are rounded with Math.fround exactly where the eager op stored into a Float32Array. Sums
// accumulate in the same order as the eager reduce kernel (jsBackend's interleavedSum).
//
// Why a later write never changes a deferred result: see pendingReaders.ts (engine writes
// rebind the pending readers of the written storage to a snapshot; storage handed to user
// code is never read by a deferred op).
//
// Why work is never repeated beyond a small constant: a deferred tensor is inlined into a
// consumer's loop when it has the consumer's shape and at most one reader (`_lazy.uses` counts
// deferred consumers plus recorded gradient rules that will read it), or when it is shared
// but cheap to recompute (see `inlinable`: at most 8 ops reading at most 2 full-size arrays);
// otherwise it is materialised once and read as a leaf. Trees are capped at MAX_NODES ops.
// Gradient rules defer too (the fused gradient kernels and broadcastTo become tree nodes); the
// backward sweep computes deferred results before it recycles the cotangent temporaries they
// read, so the pool's rules still hold.
import { Tensor } from "../tensor/tensor.js";
import type { DType, TypedArray } from "../tensor/dtype.js";
import { acquire, acquireForOverwrite, release } from "../backend/bufferPool.js";
import { getBackend } from "../backend/backend.js";
import { BINARY_EXPR, H, UNARY_EXPR } from "../backend/jsBackend.js";
import { broadcastStrides } from "../tensor/shape.js";
import type { BinaryKernel, UnaryKernel } from "../backend/backend.js";
import { RELEASED } from "../tensor/tensorFlags.js";
import { BINARY_KERNELS, UNARY_KERNELS, type KernelSpec } from "../backend/kernelTable.js";
import { beforeWrite, expose, isExposed, noteReader, settled, snapshotOf } from "./pendingReaders.js";

export { beforeWrite, expose };

/** Kernels that may be deferred: those the fused interpreter implements (the kernel table's wasmFused). */
const fusable = (table: Record<string, KernelSpec>) =>
  new Set(Object.keys(table).filter((name) => table[name].wasmFused === true));
const FUSABLE_UNARY = fusable(UNARY_KERNELS);
const FUSABLE_BINARY = fusable(BINARY_KERNELS);
/** Largest tree (in ops) inlined into one loop: bounds code size and compile cache variety. */
const MAX_NODES = 24;
/** Smallest output worth deferring; the pool's minimum keeps deferred tensors on its release rules. */
const POOL_FLOOR = 64;
let minSize = 4096;

/**
 * Set the smallest output size (elements) that is deferred for fusion; returns the previous
 * value. Below it, ops run eagerly (compiling a loop costs more than it saves on small arrays).
 * Values below 64 are raised to 64; Infinity turns fusion off.
 * @example const prev = setFusionMinSize(64); try { ... } finally { setFusionMinSize(prev); }
 */
export function setFusionMinSize(n: number): number {
  const prev = minSize;
  minSize = Math.max(POOL_FLOOR, n);
  return prev;
}

function isFloatDType(d: DType): boolean {
  return d === "float32" || d === "float64";
}

/** Whether the current backend fuses `dt` chains: "js" always, others when an evaluator takes them. */
function fusesOn(dt: DType): boolean {
  const name = getBackend().name;
  return name === "js" || (evaluator !== null && evaluator.defers(name, dt));
}

/** Whether an op producing `size` elements of `dt` may be deferred right now. */
function deferrable(size: number, ndim: number, dt: DType): boolean {
  return size >= minSize && ndim > 0 && isFloatDType(dt) && fusesOn(dt);
}

/**
 * Evaluates fused plans somewhere other than the generated JS loop (the wasm block
 * interpreter, src/backend/wasm/fusedPlanRunner.ts). `run` returns the mode-1 total (0 in the
 * other modes) after filling `out` (mode 0) or `outs` (mode 2), or null to decline, in which
 * case the JS loop runs. Plans reach it only with at least one element, and with the name of
 * the (non-js) backend their root was deferred on.
 * @example setFusedEvaluator({ defers: (b) => b === "wasm", run: () => null }) // defer, always decline
 */
export interface FusedEvaluator {
  defers(backend: string, dt: DType): boolean;
  run(
    plan: FusedPlan,
    mode: FusedMode,
    shape: readonly number[],
    dt: DType,
    out: TypedArray,
    outs: TypedArray[],
    backend: string,
    stored: TypedArray[],
  ): number | null;
}

let evaluator: FusedEvaluator | null = null;
/** The backend each deferred tensor was created on: its plan runs as that backend would, whatever is current when it is read. */
const deferredOn = new WeakMap<Tensor, string>();

/**
 * Install (or, with null, remove) the evaluator asked first for every fused plan; returns the previous one.
 * @example const prev = setFusedEvaluator(wasmFusedEvaluator(rt)); try { ... } finally { setFusedEvaluator(prev); }
 */
export function setFusedEvaluator(e: FusedEvaluator | null): FusedEvaluator | null {
  const prev = evaluator;
  evaluator = e;
  return prev;
}

/**
 * A usable argument: materialised, deferred, or an unmaterialised one-element value (not
 * released), such as a sum's cotangent reshaped to [1] before it is broadcast back.
 */
function readable(t: Tensor): boolean {
  return t._data !== null || t._lazy !== null || (t.size === 1 && (t._flags & RELEASED) === 0);
}

/** Kernel name of a deferred last-axis sum (a reduction, never inlined into an elementwise loop). */
const ROW_SUM = "rowSum";

/** Whether t is a deferred elementwise expression (not a deferred row sum). */
function isElementwise(t: Tensor): boolean {
  return t._lazy !== null && t._lazy.k !== ROW_SUM;
}

function treeSize(t: Tensor): number {
  return isElementwise(t) && t._lazy!.uses === 0 ? t._lazy!.n : 0;
}

/**
 * The arguments a deferred op of `size` elements reads, or null when it must run eagerly. What
 * a later write cannot reach: an unmaterialised scalar is replaced by a constant of its value
 * (assign changes it in place), and storage user code holds (exposed) by a snapshot when it is
 * smaller than the output (a broadcast parameter); a full-size exposed argument makes the op
 * eager, which costs what the snapshot would.
 */
function guardedArgs(args: Tensor[], size: number): Tensor[] | null {
  let out = args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let r = a;
    if (a._lazy === null && a._data === null) r = new Tensor(a.shape, a.dtype, null, a._s);
    else if (a._data !== null && isExposed(a._data)) {
      if (a.size >= size) return null;
      r = snapshotOf(a);
    }
    if (r !== a) {
      if (out === args) out = args.slice();
      out[i] = r;
    }
  }
  return out;
}

function makeDeferred(kernel: string, rawArgs: Tensor[], shape: number[], dt: DType): Tensor | null {
  let size = 1;
  for (const d of shape) size *= d;
  const args = guardedArgs(rawArgs, size);
  if (args === null) return null;
  let n = 1;
  for (const a of args) n += treeSize(a);
  if (n > MAX_NODES) {
    for (const a of args) if (a._lazy !== null) a._buf();
    n = 1;
  }
  for (const a of args) if (a._lazy !== null) a._lazy.uses++;
  const out = new Tensor(shape, dt, null);
  out._lazy = { k: kernel, a: args, n, uses: 0 };
  deferredOn.set(out, getBackend().name);
  for (const a of args) noteReader(out, a);
  return out;
}

/** Deferred `t` computed into `buf`: it reads nothing any more (see pendingReaders.ts). */
function settle(t: Tensor, buf: TypedArray): void {
  const args = t._lazy!.a;
  t._data = buf;
  t._lazy = null;
  settled(t, args);
}

/** Whether t's tree reads a released tensor (reading t would throw). */
function readsReleased(t: Tensor, seen: Set<Tensor>): boolean {
  for (const a of t._lazy!.a) {
    if (seen.has(a)) continue;
    seen.add(a);
    if (a._lazy !== null ? readsReleased(a, seen) : a._data === null && (a._flags & RELEASED) !== 0)
      return true;
  }
  return false;
}

/**
 * The deferred result of unary `kernel` on x, or null when the op must run eagerly
 * (small, non-float, released input, another backend, or inside a gradient rule).
 * @example deferUnary("tanh", x, "float32") // a tensor whose loop runs on first read
 */
export function deferUnary(kernel: UnaryKernel, x: Tensor, dt: DType): Tensor | null {
  if (!FUSABLE_UNARY.has(kernel) || dt !== x.dtype || !deferrable(x.size, x.shape.length, dt) || !readable(x))
    return null;
  return makeDeferred(kernel, [x], x.shape, dt);
}

/**
 * The deferred result of binary `kernel` on a, b broadcast to `shape`, or null to run eagerly.
 * Both inputs must already have the output dtype (no casts inside fused loops).
 * @example deferBinary("mul", w, x, [100, 100, 1000], "float64")
 */
export function deferBinary(
  kernel: BinaryKernel,
  a: Tensor,
  b: Tensor,
  shape: number[],
  dt: DType,
): Tensor | null {
  if (!FUSABLE_BINARY.has(kernel) || a.dtype !== dt || b.dtype !== dt) return null;
  let size = 1;
  for (const d of shape) size *= d;
  if (!deferrable(size, shape.length, dt) || !readable(a) || !readable(b)) return null;
  return makeDeferred(kernel, [a, b], shape, dt);
}

/** 0 store every element, 1 sum over everything, 2 sum each last-axis row. @example const m: FusedMode = 2 */
export type FusedMode = 0 | 1 | 2;
type Mode = FusedMode;
type FusedFn = (
  L: TypedArray[],
  S: number[],
  st: number[][],
  out: TypedArray,
  shape: number[],
  n: number,
  last: number,
  O: TypedArray[],
  W: TypedArray[],
) => number;

/**
 * One fused loop: `body` holds the JS statements; `ops` the same inlined ops as data (kernel,
 * argument names, result name) for other evaluators. Names: v<i> leaves[i], s<i> scalars[i],
 * t<i> the i-th op's result.
 * @example planOf([x.mul(w).tanh()]).ops // [{ k: "mul", a: ["v0", "v1"], out: "t0" }, { k: "tanh", a: ["t0"], out: "t1" }]
 */
export interface FusedPlan {
  body: string[];
  ops: Array<{ k: string; a: string[]; out: string }>;
  leaves: Tensor[];
  leafKinds: string[];
  scalars: number[];
  results: string[];
  /**
   * Side stores: ops whose every element the loop also writes out (into the `stored` array of
   * the same index), because other readers need them materialised. A shared intermediate is
   * computed once in the loop that first needs it and stored there, instead of in a pass of
   * its own that the loop would then read back (see planOf).
   */
  stores: string[];
}
type Plan = FusedPlan & { storeTensors: Tensor[] };

/** Largest shared tree recomputed inline rather than stored. */
const MAX_RECOMPUTE_OPS = 8;
/** Most full-size arrays a recomputed shared tree may read (each read costs about what storing it saves). */
const MAX_RECOMPUTE_FULL_READS = 2;

/**
 * Whether a loop over `n` elements computes deferred `t` inline. A single reader: always.
 * A shared tensor: only when recomputing it is cheaper than storing and re-reading it, i.e. a
 * small tree that reads at most two full-size arrays (a residual `w*x + b - y` built from
 * broadcast parameters reads almost no memory at all); anything else is materialised once.
 */
function inlinable(t: Tensor, n: number): boolean {
  if (!isElementwise(t) || t.size !== n) return false;
  if (t._lazy!.uses <= 1) return true;
  const full = new Set<Tensor>();
  let ops = 0;
  const walk = (u: Tensor): boolean => {
    const lz = u._lazy;
    if (lz !== null && lz.k !== ROW_SUM && u.size === n && (u === t || lz.uses <= 1)) {
      if (++ops > MAX_RECOMPUTE_OPS) return false;
      for (const a of lz.a) if (!walk(a)) return false;
      return true;
    }
    if (u.size === n) full.add(u);
    return full.size <= MAX_RECOMPUTE_FULL_READS;
  };
  return walk(t);
}

/**
 * Walk the tree: inline single-reader deferred nodes of the root's size; a shared deferred
 * node of that size which is not worth recomputing (see inlinable) is inlined too and stored
 * as a side output (its elements are computed here either way, and a pass of its own would
 * write them only for this loop to read them back), within a budget of SIDE_STORE_OPS ops, when
 * `sideStores` (plans for other evaluators: in the generated JS loops a sum that also stores
 * its tanh subtree measured slower, 9.5 ms vs 8.8 for row c of bench:core, than two loops);
 * everything else is a leaf. `alsoStore`: further deferred tensors of the roots' shape to
 * compute and store in the same loop (the results of one backward sweep).
 */
function planOf(roots: readonly Tensor[], alsoStore: readonly Tensor[] = [], sideStores = false): Plan {
  const plan: Plan = {
    body: [],
    ops: [],
    leaves: [],
    leafKinds: [],
    scalars: [],
    results: [],
    stores: [],
    storeTensors: [],
  };
  const f32 = roots[0].dtype === "float32";
  const n = roots[0].size;
  const names = new Map<Tensor, string>();
  let temps = 0;
  let sideBudget = sideStores ? SIDE_STORE_OPS : 0;
  const visit = (t: Tensor, isRoot: boolean): string => {
    const known = names.get(t);
    if (known !== undefined) return known;
    const lz = t._lazy;
    let name: string;
    let store = false;
    if (
      lz !== null &&
      !isRoot &&
      isElementwise(t) &&
      t.size === n &&
      lz.uses > 1 &&
      lz.n <= sideBudget &&
      !inlinable(t, n)
    ) {
      sideBudget -= lz.n;
      store = true;
    }
    if (lz !== null && (isRoot || store || inlinable(t, n))) {
      const args = lz.a.map((a) => visit(a, false));
      const src =
        lz.a.length === 1
          ? lz.k === "tanh" && f32
            ? "H.tanhF32(x)"
            : UNARY_EXPR[lz.k as UnaryKernel]
          : BINARY_EXPR[lz.k as BinaryKernel];
      const expr = src.replace(/\b[xy]\b/g, (m) => (m === "x" ? args[0] : args[1]));
      name = "t" + temps++;
      plan.body.push(`const ${name} = ${f32 ? `Math.fround(${expr})` : expr};`);
      plan.ops.push({ k: lz.k, a: args, out: name });
      if (store) {
        plan.stores.push(name);
        plan.storeTensors.push(t);
      }
    } else {
      const d = t._buf();
      if (t.size === 1) {
        name = "s" + plan.scalars.length;
        plan.scalars.push(d[0]);
      } else {
        const i = plan.leaves.length;
        name = "v" + i;
        plan.leaves.push(t);
        // "f": same size as the output, read at the flat index; "b": broadcast, read by strides.
        plan.leafKinds.push(t.size === n ? "f" : "b");
      }
    }
    names.set(t, name);
    return name;
  };
  // Several roots share one loop (sibling row sums): a subexpression they share is computed once per element.
  for (const root of roots) plan.results.push(visit(root, true));
  for (const t of alsoStore) {
    if (t._lazy === null || plan.storeTensors.includes(t)) continue;
    const name = visit(t, true);
    if (plan.results.includes(name)) continue;
    plan.stores.push(name);
    plan.storeTensors.push(t);
  }
  return plan;
}

/** Most ops of shared nodes one loop inlines as side stores (bounds the loop's size like MAX_NODES). */
const SIDE_STORE_OPS = MAX_NODES;

const cache = new Map<string, FusedFn>();

/**
 * How the loop reads each leaf: "f" at the flat index; broadcast leaves by their last-axis
 * stride, "0" once per row, "1" contiguous from the row's offset, "s" strided, and "r" when
 * every row reads the same contiguous run (a vector broadcast over all outer axes: no offset).
 */
type LeafAccess = "f" | "0" | "1" | "s" | "r";

/**
 * Generate the loop. Rows run along the last axis; broadcast leaves keep an offset advanced
 * by an odometer over the outer axes, and their last-axis stride is specialised (see
 * LeafAccess) because that is where the time goes. Ops reading only row constants (stride-0
 * leaves, scalars) are computed once per row, before the row's loop: the same expression on
 * the same values, so the results do not change.
 *
 * Sums (modes 1 and 2) follow jsBackend's interleavedSum order: four partial sums by index
 * mod 4, combined as (S0 + S1) + (S2 + S3), so a sum is bound by add throughput, not by the
 * latency of one running total, and equals the eager kernel's bit for bit. The row loop is
 * unrolled by four, element j feeding accumulator j mod 4. A row sum (mode 2) restarts the
 * index at every row. A full sum (mode 1) indexes the flattened tensor: when a row's length
 * is not a multiple of 4 the next row starts at another phase, so the accumulators rotate by
 * `last & 3` (compiled in) between rows, and the final phase `n & 3` says which local
 * accumulator holds which S_k.
 */
function compile(plan: Plan, mode: Mode, access: readonly LeafAccess[], lastMod4: number): FusedFn {
  // Leaves whose offset moves with the outer axes (an "r" leaf's offset is always 0).
  const bIdx: number[] = [];
  access.forEach((k, i) => {
    if (k === "0" || k === "1" || k === "s") bIdx.push(i);
  });
  const rot = mode === 1 ? lastMod4 : 0;
  const key =
    mode +
    "|" +
    rot +
    "|" +
    access.join(",") +
    "|" +
    plan.body.join("") +
    "|" +
    plan.results.join(",") +
    "|" +
    plan.stores.join(",");
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  // Split the body into per-row statements (reading only row constants) and per-element ones.
  const invariant = new Set<string>(access.flatMap((k, i) => (k === "0" ? ["v" + i] : [])));
  const rowBody: string[] = [],
    elemBody: string[] = [];
  for (const line of plan.body) {
    const m = /^const (t\d+) = /.exec(line);
    const reads = line.slice(m === null ? 0 : m[0].length).match(/\b[vt]\d+\b/g) ?? [];
    if (m !== null && reads.every((r) => invariant.has(r))) {
      invariant.add(m[1]);
      rowBody.push(line);
    } else elemBody.push(line);
  }
  const res = plan.results;
  const sums = mode === 0 ? 0 : mode === 1 ? 1 : res.length;
  const acc = (r: number, k: number): string => `a${r}_${k}`;
  // One element at row position `j + off`, its results added to accumulator slot `k` (mode 0 stores).
  const element = (off: number, k: number): string => {
    const at = off === 0 ? "j" : `j + ${off}`;
    const ls: string[] = [];
    access.forEach((kind, i) => {
      if (kind === "f") ls.push(`const v${i} = L${i}[base + ${at}];`);
      else if (kind === "r") ls.push(`const v${i} = L${i}[${at}];`);
      else if (kind === "1") ls.push(`const v${i} = L${i}[o${i} + ${at}];`);
      else if (kind === "s") ls.push(`const v${i} = L${i}[o${i} + (${at}) * z${i}];`);
    });
    ls.push(...elemBody);
    plan.stores.forEach((name, i) => ls.push(`W${i}[base + ${at}] = ${name};`));
    if (mode === 0) ls.push(`out[base + ${at}] = ${res[0]};`);
    else for (let r = 0; r < sums; r++) ls.push(`${acc(r, k)} += ${res[r]};`);
    return "{ " + ls.join(" ") + " }";
  };
  const lines: string[] = [];
  if (mode === 2) res.forEach((_, r) => lines.push(`const O${r} = O[${r}];`));
  for (let r = 0; r < sums; r++) lines.push(`let ${[0, 1, 2, 3].map((k) => acc(r, k) + " = 0").join(", ")};`);
  plan.leaves.forEach((_, i) => lines.push(`const L${i} = L[${i}];`));
  plan.stores.forEach((_, i) => lines.push(`const W${i} = W[${i}];`));
  plan.scalars.forEach((_, i) => lines.push(`const s${i} = S[${i}];`));
  for (const i of bIdx)
    lines.push(`let o${i} = 0; const st${i} = st[${i}]; const z${i} = st${i}[st${i}.length - 1];`);
  if (bIdx.length > 0) lines.push("const nd = shape.length; const idx = new Array(nd).fill(0);");
  lines.push("let row = 0;");
  lines.push("for (let base = 0; base < n; base += last) {");
  if (mode === 2)
    for (let r = 0; r < sums; r++) lines.push(`${[0, 1, 2, 3].map((k) => acc(r, k) + " = 0").join("; ")};`);
  for (const i of bIdx) if (access[i] === "0") lines.push(`const v${i} = L${i}[o${i}];`);
  lines.push(...rowBody);
  if (mode === 0) {
    lines.push("for (let j = 0; j < last; j++) " + element(0, 0));
  } else {
    lines.push("let j = 0;");
    lines.push("for (; j + 3 < last; j += 4) {");
    for (let k = 0; k < 4; k++) lines.push(element(k, k));
    lines.push("}");
    lines.push(
      `if (j < last) { ${element(0, 0)} if (j + 1 < last) { ${element(1, 1)} if (j + 2 < last) ${element(2, 2)} } }`,
    );
  }
  if (mode === 2)
    res.forEach((_, r) =>
      lines.push(`O${r}[row] = (${acc(r, 0)} + ${acc(r, 1)}) + (${acc(r, 2)} + ${acc(r, 3)});`),
    );
  if (rot !== 0) {
    // Next row starts at flat phase + rot: local slot k takes over the partial sum of slot k + rot.
    const from = [0, 1, 2, 3].map((k) => acc(0, (k + rot) & 3));
    lines.push(
      `{ const r0 = ${from[0]}, r1 = ${from[1]}, r2 = ${from[2]}, r3 = ${from[3]}; ${[0, 1, 2, 3].map((k) => `${acc(0, k)} = r${k};`).join(" ")} }`,
    );
  }
  lines.push("row++;");
  if (bIdx.length > 0) {
    lines.push("let d = nd - 2;");
    lines.push("while (d >= 0) {");
    lines.push("idx[d]++;");
    for (const i of bIdx) lines.push(`o${i} += st${i}[d];`);
    lines.push("if (idx[d] < shape[d]) break;");
    for (const i of bIdx) lines.push(`o${i} -= st${i}[d] * shape[d];`);
    lines.push("idx[d] = 0; d--;");
    lines.push("}");
  }
  lines.push("}");
  if (mode === 1) {
    // Local slot k holds S_((k + n) mod 4) after the last row (see above).
    lines.push(`const A = [${[0, 1, 2, 3].map((k) => acc(0, k)).join(", ")}]; const p = n & 3;`);
    lines.push("return (A[(4 - p) & 3] + A[(5 - p) & 3]) + (A[(6 - p) & 3] + A[(7 - p) & 3]);");
  } else lines.push("return 0;");
  const fn = new Function(
    "H",
    `return function fused(L, S, st, out, shape, n, last, O, W) {\n${lines.join("\n")}\n};`,
  )(H) as FusedFn;
  cache.set(key, fn);
  return fn;
}

/** Run the fused loop of `roots` (one, except for sibling row sums) in `mode`; returns the total for mode 1. */
function run(
  roots: readonly Tensor[],
  mode: Mode,
  out: TypedArray,
  outs: TypedArray[] = [],
  alsoStore: readonly Tensor[] = [],
): number {
  const backend = deferredOn.get(roots[0]) ?? getBackend().name;
  const plan = planOf(roots, alsoStore, evaluator !== null && backend !== "js");
  const stored = plan.storeTensors.map((t) => acquireForOverwrite(t.dtype, t.size));
  const result = runPlan(plan, roots, backend, mode, out, outs, stored);
  plan.storeTensors.forEach((t, i) => {
    // Computed meanwhile (a leaf's own loop stored it too): keep that copy, same values.
    if (t._lazy !== null) settle(t, stored[i]);
  });
  return result;
}

function runPlan(
  plan: Plan,
  roots: readonly Tensor[],
  backend: string,
  mode: Mode,
  out: TypedArray,
  outs: TypedArray[],
  stored: TypedArray[],
): number {
  const shape = roots[0].shape;
  const n = roots[0].size;
  if (evaluator !== null && n > 0 && backend !== "js") {
    const done = evaluator.run(plan, mode, shape, roots[0].dtype, out, outs, backend, stored);
    if (done !== null) return done;
  }
  const hasB = plan.leafKinds.includes("b");
  // Without broadcast leaves the whole tensor is one row, unless rows are what we sum.
  const last = hasB || mode === 2 ? shape[shape.length - 1] : n;
  const st: number[][] = [];
  const access: LeafAccess[] = [];
  plan.leaves.forEach((t, i) => {
    if (plan.leafKinds[i] === "b") {
      const s = broadcastStrides(t.shape, shape);
      st.push(s);
      const z = s[s.length - 1];
      access.push(
        z === 0 ? "0" : z !== 1 ? "s" : s.every((v, d) => d === s.length - 1 || v === 0) ? "r" : "1",
      );
    } else {
      st.push([]);
      access.push("f");
    }
  });
  const fn = compile(plan, mode, access, last & 3);
  if (n === 0 || last === 0) return 0;
  return fn(
    plan.leaves.map((t) => t._buf()),
    plan.scalars,
    st,
    out,
    shape,
    n,
    last,
    outs,
    stored,
  );
}

/**
 * Compute a deferred tensor's storage (its first read).
 * @example materialise(x.mul(w)) // fills _data, clears _lazy
 */
export function materialise(t: Tensor): void {
  if (t._lazy!.k === ROW_SUM) {
    materialiseRowSums(t);
    return;
  }
  const out = acquireForOverwrite(t.dtype, t.size);
  run([t], 0, out);
  settle(t, out);
}

/**
 * Compute deferred tensors together: those of one shape, dtype and backend share a loop (the
 * first is its result, the others side stores), so what they have in common is computed once
 * and the inputs are read once. A backward sweep's results are the case: the gradient of a
 * bias `g` and of a weight `g * x` come out of one pass instead of two, the second reading
 * `g` back. Tensors in `ts` that are not deferred elementwise results are computed alone.
 * @example materialiseTogether([gb, gw]) // one loop writes both
 */
export function materialiseTogether(ts: readonly Tensor[]): void {
  const groups = new Map<string, Tensor[]>();
  for (const t of ts) {
    if (t._lazy === null) continue;
    if (!isElementwise(t)) {
      t._buf();
      continue;
    }
    const key = t.dtype + "|" + (deferredOn.get(t) ?? "") + "|" + t.shape.join(",");
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [t]);
    else g.push(t);
  }
  for (const g of groups.values()) {
    const first = g[0];
    if (first._lazy === null) continue;
    const out = acquireForOverwrite(first.dtype, first.size);
    run([first], 0, out, [], g.slice(1));
    if (first._lazy === null) {
      release(out);
      continue;
    }
    settle(first, out);
  }
}

/**
 * Recently deferred row sums, where materialiseRowSums looks for siblings to share a loop with.
 * Only a speed-up: a row sum left out of this list is computed in a loop of its own when read.
 */
const recentRowSums: Tensor[] = [];
const MAX_RECENT_ROW_SUMS = 16;

/** Push the pending row sums that x's expression reads, if x is deferred (not looking inside them). */
function pendingRowSums(x: Tensor, found: Tensor[], seen: Set<Tensor>): Tensor[] {
  if (x._lazy === null) return found;
  for (const a of x._lazy.a) {
    if (a._lazy === null || seen.has(a)) continue;
    seen.add(a);
    if (a._lazy.k === ROW_SUM) found.push(a);
    else pendingRowSums(a, found, seen);
  }
  return found;
}

/**
 * Compute deferred row sum t together with every other pending row sum over a source of the
 * same shape and dtype (the gradients of a broadcast weight and bias read the same residual):
 * one loop, one accumulator per sum, each in the eager kernel's order. Row sums t's source
 * reads are computed first, and a sibling whose source reads a pending row sum (t itself, as
 * in variance's sum((x - mean)^2) next to the mean's sum) is left for later: evaluating it
 * inside t's loop would need t's result before the loop ends.
 */
function materialiseRowSums(t: Tensor): void {
  const src = t._lazy!.a[0];
  for (const d of pendingRowSums(src, [], new Set())) if (d._lazy !== null) d._buf();
  if (t._lazy === null) return;
  const group: Tensor[] = [t];
  for (const u of recentRowSums) {
    if (u === t || u._lazy === null || u._lazy.k !== ROW_SUM || u.dtype !== t.dtype) continue;
    const us = u._lazy.a[0];
    if (us.shape.length !== src.shape.length || us.shape.some((d, i) => d !== src.shape[i])) continue;
    if (!isElementwise(us) || readsReleased(u, new Set()) || pendingRowSums(us, [], new Set()).length > 0)
      continue;
    group.push(u);
  }
  const outs = group.map((u) => acquire(u.dtype, u.size));
  run(
    group.map((u) => u._lazy!.a[0]),
    2,
    NO_OUT,
    outs,
  );
  group.forEach((u, i) => settle(u, outs[i]));
  let k = 0;
  for (const u of recentRowSums) if (u._lazy !== null) recentRowSums[k++] = u;
  recentRowSums.length = k;
}

/**
 * A deferred sum of x over its last axis (shape `shape`: x's shape without, or with 1 for,
 * the last axis), or null when it cannot be deferred. Deferring lets sibling sums over the
 * same expression share one loop when the first of them is read.
 * @example deferRowSum(g.mul(x), [100, 100, 1], "float64")
 */
export function deferRowSum(x: Tensor, shape: number[], dt: DType): Tensor | null {
  // A shape-[] result keeps the scalar fast path (a plain number), so it is summed at once.
  if (
    shape.length === 0 ||
    !isElementwise(x) ||
    x._lazy!.uses > 0 ||
    x.size === 0 ||
    dt !== x.dtype ||
    !fusesOn(dt)
  )
    return null;
  const out = new Tensor(shape, dt, null);
  out._lazy = { k: ROW_SUM, a: [x], n: 0, uses: 0 };
  deferredOn.set(out, getBackend().name);
  noteReader(out, x);
  recentRowSums.push(out);
  if (recentRowSums.length > MAX_RECENT_ROW_SUMS) recentRowSums.shift();
  return out;
}

const NO_OUT = new Float64Array(0);

/**
 * Sum a deferred tensor over all axes (`axes` = every axis) or over its last axis inside its
 * own fused loop, or return null when the eager reduction should run (not deferred, other
 * readers pending, or other axes). For all axes the result is a number, else the row sums.
 * @example fusedSum(x.mul(w).square(), [0]) // the number sum((x*w)^2) for a 1-d x
 */
export function fusedSum(x: Tensor, axes: readonly number[], dt: DType): number | TypedArray | null {
  if (!isElementwise(x) || x._lazy!.uses > 0 || x.size === 0) return null;
  const nd = x.shape.length;
  if (axes.length === nd) {
    for (let i = 0; i < nd; i++) if (axes[i] !== i) return null;
    // x stays deferred: a later reader recomputes it (x was no one else's pending input).
    const v = run([x], 1, NO_OUT);
    return dt === "float32" ? Math.fround(v) : v;
  }
  if (axes.length === 1 && axes[0] === nd - 1) {
    const rows = acquire(dt, x.size / x.shape[nd - 1]);
    run([x], 2, NO_OUT, [rows]);
    return rows;
  }
  return null;
}
