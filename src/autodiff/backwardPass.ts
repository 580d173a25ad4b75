// The reverse sweep. Iterative everywhere (an explicit DFS stack for the topological
// order, a flat loop for the sweep) so a chain of a million ops cannot overflow the stack.
import { dropDeferred, Tensor, type BackwardOptions } from "../tensor/tensor.js";
import { fmtShape, sameShape } from "../tensor/shape.js";
import { release } from "../backend/bufferPool.js";
import { gradState } from "./gradMode.js";
import { AnomalyError, firstNonFinite } from "./anomalyCheck.js";
import { addRaw, onesLikeRaw } from "./gradArithmetic.js";
import { scalarTensor } from "../ops/tensorLike.js";
import { Node } from "./opRegistry.js";
import { materialiseTogether } from "../ops/lazyElementwise.js";
import { FROM_NO_GRAD, GRAPH_FREED, RELEASED } from "../tensor/tensorFlags.js";

let stampCounter = 0;

/** Options of one reverse sweep. */
export interface SweepOptions {
  /** Stop at these tensors and return their cotangents (functional transforms). Otherwise accumulate into leaves' .grad. */
  targets?: readonly Tensor[];
  /** Record the sweep so its results are differentiable. */
  createGraph: boolean;
  /** Tensors created before this serial cannot lead to the targets: the sweep does not enter them. */
  minId?: number;
}

/** Result of a sweep: target cotangents (null where unreached) and the visited tensors, roots first. */
export interface SweepResult {
  grads: (Tensor | null)[];
  order: Tensor[];
}

/**
 * Topological order (post-order DFS from the roots over recorded nodes), computed without
 * recursion. A tensor is stamped `open` when its inputs are pushed and `open + 1` when it is
 * listed; one may sit on the stack twice (pushed by two consumers) and is listed once.
 * Tensors already stamped above `open + 1` (this sweep's targets) are neither entered nor listed.
 */
function topoOrder(roots: readonly Tensor[], open: number, minId: number): Tensor[] {
  const done = open + 1;
  const order: Tensor[] = [];
  const stack: Tensor[] = [];
  for (const r of roots) {
    if (r._stamp >= open) continue;
    stack.push(r);
    while (stack.length > 0) {
      const t = stack[stack.length - 1];
      const st = t._stamp;
      if (st >= open) {
        stack.pop();
        if (st === open) {
          t._stamp = done;
          order.push(t);
        }
        continue;
      }
      t._stamp = open;
      const more = t._inMore;
      if (more !== null) {
        for (let i = 0; i < more.length; i++) {
          const child = more[i];
          if (child._rg && child._stamp < open && child._id >= minId) stack.push(child);
        }
        continue;
      }
      const a = t._in0;
      if (a !== null && a._rg && a._stamp < open && a._id >= minId) stack.push(a);
      const b = t._in1;
      if (b !== null && b._rg && b._stamp < open && b._id >= minId) stack.push(b);
    }
  }
  return order;
}

/** A float scalar held as a plain number (no storage), whose value the scalar fast path can read. */
function plainScalar(t: Tensor): boolean {
  return t._data === null && t.shape.length === 0 && (t._flags & RELEASED) === 0;
}

/** A cotangent of the scalar fast path, checked for NaN/Inf when anomaly detection is on. */
function checkedNumber(v: number, opName: string): number {
  if (gradState.anomaly > 0 && v - v !== 0)
    throw new AnomalyError(opName, "backward", scalarTensor(v, "float64"), 0);
  return v;
}

/**
 * Run one reverse sweep from `roots` with cotangents `cots`.
 * @example sweep([loss], [onesLike(loss)], { createGraph: false })
 */
export function sweep(roots: readonly Tensor[], cots: readonly Tensor[], opts: SweepOptions): SweepResult {
  // One field, Tensor._stamp, holds where this sweep stands with a tensor, as four values
  // above every earlier sweep's: opened and listed by the DFS, a target (marked before the
  // DFS so it stops there), holding a cotangent. A tensor stamped below `open` is untouched.
  const open = stampCounter + 1;
  const stopStamp = open + 2;
  const gstamp = open + 3;
  stampCounter = gstamp;
  const targets = opts.targets;
  if (targets) for (const t of targets) t._stamp = stopStamp;
  const order = topoOrder(roots, open, targets ? (opts.minId ?? 0) : 0);
  const isTarget = (t: Tensor): boolean => t._stamp === stopStamp;
  const targetGrads = new Map<Tensor, Tensor>();

  const temps: Tensor[] | null = opts.createGraph ? null : [];
  const scalarPath = !opts.createGraph;
  const leaves: Tensor[] = [];
  const leafGrads: (Tensor | number)[] = [];
  const res = [0, 0];
  const vals = [0, 0];
  try {
    return gradState.scoped({ enabled: opts.createGraph, temporaries: temps, backwardOf: null }, () => {
      const give = (t: Tensor, g: Tensor): void => {
        if (isTarget(t)) {
          const prev = targetGrads.get(t);
          targetGrads.set(t, prev === undefined ? g : addRaw(prev, g));
        } else if (t._stamp === gstamp) {
          const prev = t._g!;
          t._g = typeof prev === "number" ? addRaw(g, scalarTensor(prev, g.dtype)) : addRaw(prev, g);
        } else {
          t._g = g;
          t._stamp = gstamp;
        }
      };
      const giveNum = (t: Tensor, v: number): void => {
        if (t._stamp === gstamp) {
          const prev = t._g!;
          t._g = typeof prev === "number" ? prev + v : addRaw(prev, scalarTensor(v, prev.dtype));
        } else if (isTarget(t)) give(t, scalarTensor(v, t.dtype));
        else {
          t._g = v;
          t._stamp = gstamp;
        }
      };
      for (let i = 0; i < roots.length; i++) give(roots[i], cots[i]);
      for (let k = order.length - 1; k >= 0; k--) {
        const t = order[k];
        // Targets are never listed; a listed tensor without a cotangent has nothing to pass on.
        if (t._stamp !== gstamp) continue;
        const ct = t._g!;
        t._g = null;
        const op = t._op;
        if (op === null) {
          if ((t._flags & GRAPH_FREED) !== 0) {
            throw new Error(
              `backward(): this graph goes through a tensor of shape ${fmtShape(t.shape)} whose graph was freed by an earlier backward(); pass { retainGraph: true } to that first backward`,
            );
          }
          if (!targets) {
            leaves.push(t);
            leafGrads.push(ct);
          }
          continue;
        }
        // Scalar fast path: plain numbers in, plain numbers out, no tensors allocated.
        const a = t._in0;
        const b = t._in1;
        if (
          scalarPath &&
          a !== null &&
          op.scalarBackward !== undefined &&
          t._data === null &&
          t.shape.length === 0 &&
          (typeof ct === "number" || (ct._data === null && ct.shape.length === 0)) &&
          plainScalar(a) &&
          (b === null || plainScalar(b))
        ) {
          vals[0] = a._s;
          if (b !== null) vals[1] = b._s;
          op.scalarBackward(typeof ct === "number" ? ct : ct._s, vals, t._s, t._attrs, res);
          if (a._rg) giveNum(a, checkedNumber(res[0], op.name));
          if (b !== null && b._rg) giveNum(b, checkedNumber(res[1], op.name));
          continue;
        }
        const inputs = t._inputList()!;
        const g = typeof ct === "number" ? scalarTensor(ct, t.dtype) : ct;
        const node = new Node(op, inputs, t._attrs, t);
        const grads = gradState.scoped({ backwardOf: op.name }, () => op.backward!(g, node));
        for (let j = 0; j < inputs.length; j++) {
          const gj = grads[j];
          const inp = inputs[j];
          if (gj === null || gj === undefined || !inp._rg) continue;
          if (gradState.anomaly > 0) {
            const bad = firstNonFinite(gj);
            if (bad >= 0) throw new AnomalyError(op.name, "backward", gj, bad);
          }
          if (!sameShape(gj.shape, inp.shape)) {
            throw new Error(
              `internal: gradient rule of ${op.name} returned shape ${fmtShape(gj.shape)} for an input of shape ${fmtShape(inp.shape)}`,
            );
          }
          give(inp, gj);
        }
      }
      const grads = targets ? targets.map((t) => targetGrads.get(t) ?? null) : [];
      const keep = temps !== null ? new Set<Tensor>() : null;
      if (!targets) {
        for (let i = 0; i < leaves.length; i++) {
          const leaf = leaves[i];
          const lg = leafGrads[i];
          const prev = leaf.grad;
          let next: Tensor;
          if (typeof lg === "number") {
            next =
              prev === null
                ? scalarTensor(lg, leaf.dtype)
                : prev._data === null && prev.shape.length === 0 && !opts.createGraph
                  ? scalarTensor(prev._s + lg, leaf.dtype)
                  : addRaw(prev, scalarTensor(lg, leaf.dtype));
          } else next = prev === null ? lg : addRaw(prev, lg);
          leaf.grad = next;
          if (keep !== null) keep.add(next);
        }
      }
      if (temps !== null && temps.length > 0) {
        // Cotangent temporaries never escape except as results; recycle the rest.
        for (const g of grads) if (g !== null) keep!.add(g);
        // Deferred (fused) results read temporaries: compute them before those are recycled,
        // together (results of one shape share a loop: what they have in common is computed once),
        // oldest first so a later result reads an earlier one instead of recomputing it.
        const deferred = [...keep!].filter((t) => t._lazy !== null).sort((p, q) => p._id - q._id);
        materialiseTogether(deferred);
        for (const t of temps) {
          if (t._lazy !== null && !keep!.has(t)) {
            dropDeferred(t);
            continue;
          }
          if (keep!.has(t) || t._storage === null || t._storage.shared) continue;
          release(t._storage.array);
          t._data = null;
          t._flags |= RELEASED;
        }
      }
      return { grads, order };
    });
  } finally {
    if (targets) for (const t of targets) if (t._stamp === stopStamp) t._stamp = 0;
    for (const t of order) t._g = null;
  }
}

/**
 * Drop the graph behind `order` (the result of a sweep) so its memory can be reclaimed;
 * backward through it again raises a clear error.
 * @example freeGraph(sweep([y], [ones], opts).order)
 */
export function freeGraph(order: readonly Tensor[]): void {
  for (const t of order) {
    if (t._op !== null) {
      t._cutGraph();
      t._flags |= GRAPH_FREED;
    }
  }
}

/**
 * Tensor.backward: check the cotangent, sweep from `root`, then free the graph unless retained.
 * @example backwardFrom(loss, undefined, {}) // same as loss.backward()
 */
export function backwardFrom(root: Tensor, cotangent: Tensor | undefined, opts: BackwardOptions): void {
  if (!root._rg) {
    if ((root._flags & GRAPH_FREED) !== 0) {
      throw new Error(
        "backward(): the graph of this tensor was freed by an earlier backward(); call backward(undefined, { retainGraph: true }) the first time to go through it twice",
      );
    }
    if ((root._flags & FROM_NO_GRAD) !== 0) {
      throw new Error(
        "backward(): this tensor was computed under noGrad() (or from a tensor that was), so no graph was recorded; compute it outside noGrad to differentiate it",
      );
    }
    throw new Error(
      `backward(): this tensor does not require grad: none of the tensors it was computed from has requiresGrad = true (shape ${fmtShape(root.shape)})`,
    );
  }
  if ((root._flags & GRAPH_FREED) !== 0 && root._op === null) {
    throw new Error(
      "backward(): the graph of this tensor was freed by an earlier backward(); pass { retainGraph: true } to the first backward to go through it twice",
    );
  }
  let ct: Tensor;
  if (cotangent === undefined) {
    if (root.size !== 1) {
      throw new Error(
        `backward(): the output has shape ${fmtShape(root.shape)}, not a scalar; pass a cotangent of that shape (e.g. y.backward(onesLike(y))) or reduce it first (y.sum().backward())`,
      );
    }
    ct = onesLikeRaw(root);
  } else {
    if (!(cotangent instanceof Tensor))
      throw new Error("backward(cotangent): the cotangent must be a Tensor");
    if (!sameShape(cotangent.shape, root.shape)) {
      throw new Error(
        `backward(): cotangent shape ${fmtShape(cotangent.shape)} does not match the output shape ${fmtShape(root.shape)}`,
      );
    }
    ct = cotangent;
  }
  const { order } = sweep([root], [ct], { createGraph: opts.createGraph === true });
  if (opts.retainGraph !== true && opts.createGraph !== true) freeGraph(order);
}
