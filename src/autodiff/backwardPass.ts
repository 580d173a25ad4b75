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
 * Topological order (post-order DFS from the roots over recorded nodes), computed without recursion.
 * Tensors whose _vstamp equals `stamp` and that are in `stopAt` are not expanded.
 */
function topoOrder(roots: readonly Tensor[], stamp: number, stopStamp: number, minId: number): Tensor[] {
  const order: Tensor[] = [];
  const stackT: Tensor[] = [];
  const stackI: number[] = [];
  for (const r of roots) {
    if (r._vstamp === stamp) continue;
    r._vstamp = stamp;
    stackT.push(r);
    stackI.push(0);
    while (stackT.length > 0) {
      const top = stackT.length - 1;
      const t = stackT[top];
      const inputs = t._inputs;
      const i = stackI[top];
      if (inputs !== null && t._gstamp !== stopStamp && i < inputs.length) {
        stackI[top] = i + 1;
        const child = inputs[i];
        if (child._rg && child._vstamp !== stamp && child._id >= minId) {
          child._vstamp = stamp;
          stackT.push(child);
          stackI.push(0);
        }
      } else {
        stackT.pop();
        stackI.pop();
        order.push(t);
      }
    }
  }
  return order;
}

/**
 * Run one reverse sweep from `roots` with cotangents `cots`.
 * @example sweep([loss], [onesLike(loss)], { createGraph: false })
 */
export function sweep(roots: readonly Tensor[], cots: readonly Tensor[], opts: SweepOptions): SweepResult {
  const stamp = ++stampCounter;
  const targets = opts.targets;
  // Targets are marked with a distinct stamp in _gstamp before the DFS so it stops there.
  const stopStamp = targets ? ++stampCounter : -1;
  if (targets) for (const t of targets) t._gstamp = stopStamp;
  const order = topoOrder(roots, stamp, stopStamp, targets ? (opts.minId ?? 0) : 0);
  const gstamp = ++stampCounter;
  const isTarget = (t: Tensor): boolean => t._gstamp === stopStamp;
  const targetGrads = new Map<Tensor, Tensor>();

  const prevEnabled = gradState.enabled;
  const prevTemps = gradState.temporaries;
  const temps: Tensor[] | null = opts.createGraph ? null : [];
  const scalarPath = !opts.createGraph;
  gradState.enabled = opts.createGraph;
  gradState.temporaries = temps;
  const leaves: Tensor[] = [];
  const leafGrads: (Tensor | number)[] = [];
  const res = [0, 0, 0];
  const vals = [0, 0, 0];
  try {
    const give = (t: Tensor, g: Tensor): void => {
      if (isTarget(t)) {
        const prev = targetGrads.get(t);
        targetGrads.set(t, prev === undefined ? g : addRaw(prev, g));
      } else if (t._gstamp === gstamp)
        t._g = t._g === null ? addRaw(g, scalarTensor(t._gn, g.dtype)) : addRaw(t._g, g);
      else {
        t._g = g;
        t._gstamp = gstamp;
      }
    };
    const giveNum = (t: Tensor, v: number): void => {
      if (t._gstamp === gstamp) {
        if (t._g === null) t._gn += v;
        else t._g = addRaw(t._g, scalarTensor(v, t._g.dtype));
      } else if (isTarget(t)) give(t, scalarTensor(v, t.dtype));
      else {
        t._g = null;
        t._gn = v;
        t._gstamp = gstamp;
      }
    };
    for (let i = 0; i < roots.length; i++) give(roots[i], cots[i]);
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k];
      if (isTarget(t)) continue;
      if (t._gstamp !== gstamp) continue;
      let g = t._g;
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
          leafGrads.push(g === null ? t._gn : g);
        }
        continue;
      }
      const inputs = t._inputs!;
      // Scalar fast path: plain numbers in, plain numbers out, no tensors allocated.
      if (
        scalarPath &&
        op.scalarBackward !== undefined &&
        t._data === null &&
        t.shape.length === 0 &&
        (g === null || (g._data === null && g.shape.length === 0))
      ) {
        let ok = inputs.length <= 3;
        for (let j = 0; ok && j < inputs.length; j++) {
          const inp = inputs[j];
          if (inp._data !== null || inp.shape.length !== 0 || (inp._flags & RELEASED) !== 0) ok = false;
          else vals[j] = inp._s;
        }
        if (ok) {
          const gv = g === null ? t._gn : g._s;
          op.scalarBackward(gv, vals, t._s, t._attrs, res);
          for (let j = 0; j < inputs.length; j++) {
            const inp = inputs[j];
            if (!inp._rg) continue;
            const v = res[j];
            if (gradState.anomaly > 0 && v - v !== 0) {
              throw new AnomalyError(op.name, "backward", scalarTensor(v, "float64"), 0);
            }
            giveNum(inp, v);
          }
          continue;
        }
      }
      if (g === null) g = scalarTensor(t._gn, t.dtype);
      gradState.backwardOf = op.name;
      const grads = op.backward!(g, new Node(op, inputs, t._attrs, t));
      gradState.backwardOf = null;
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
  } finally {
    gradState.backwardOf = null;
    gradState.enabled = prevEnabled;
    gradState.temporaries = prevTemps;
    if (targets) for (const t of targets) if (t._gstamp === stopStamp) t._gstamp = 0;
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
      t._op = null;
      t._inputs = null;
      t._attrs = null;
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
