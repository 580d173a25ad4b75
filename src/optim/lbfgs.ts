// L-BFGS as torch.optim.LBFGS implements it: up to maxIter quasi-Newton iterations per step,
// a two-loop recursion over the last historySize curvature pairs, and either a fixed step
// or the strong-Wolfe line search. Needs the objective (it re-evaluates the loss).
import { dispose } from "../tensor/dispose.js";
import {
  Optimizer,
  gradStorage,
  parameterLeaves,
  type FloatArray,
  type Objective,
  type ParamTree,
} from "./optimizer.js";
import { dot, maxAbs, strongWolfe } from "./strongWolfe.js";

/** Options of {@link lbfgs} (torch.optim.LBFGS's, in camelCase). */
export interface LbfgsOptions {
  lr?: number;
  maxIter?: number;
  maxEval?: number;
  toleranceGrad?: number;
  toleranceChange?: number;
  historySize?: number;
  lineSearchFn?: "strong_wolfe" | "strongWolfe" | null;
}

/** The L-BFGS memory, carried from one step to the next (inspectable). */
export interface LbfgsState {
  funcEvals: number;
  nIter: number;
  d: Float64Array | null;
  t: number;
  oldDirs: Float64Array[];
  oldStps: Float64Array[];
  ro: number[];
  hDiag: number;
  prevFlatGrad: Float64Array | null;
  prevLoss: number;
}

/** L-BFGS; see {@link lbfgs}. @example new Lbfgs({ lineSearchFn: "strong_wolfe" }).step(params, f) */
export class Lbfgs extends Optimizer {
  readonly name = "lbfgs";
  readonly options: Required<Omit<LbfgsOptions, "lineSearchFn">> & { lineSearchFn: "strong_wolfe" | null };
  readonly state: LbfgsState = {
    funcEvals: 0,
    nIter: 0,
    d: null,
    t: 0,
    oldDirs: [],
    oldStps: [],
    ro: [],
    hDiag: 1,
    prevFlatGrad: null,
    prevLoss: NaN,
  };

  constructor(options: LbfgsOptions = {}) {
    const maxIter = options.maxIter ?? 20;
    const ls = options.lineSearchFn ?? null;
    if (ls !== null && ls !== "strong_wolfe" && ls !== "strongWolfe") {
      throw new Error(`lbfgs: lineSearchFn must be "strong_wolfe" or null, got ${JSON.stringify(ls)}`);
    }
    const o = {
      lr: 1,
      maxIter,
      maxEval: Math.floor((maxIter * 5) / 4),
      toleranceGrad: 1e-7,
      toleranceChange: 1e-9,
      historySize: 100,
      ...options,
      lineSearchFn: ls === null ? null : ("strong_wolfe" as const),
    };
    if (!(o.lr > 0)) throw new Error(`lbfgs: lr must be > 0, got ${o.lr}`);
    super(o.lr);
    this.options = o;
  }

  /**
   * Up to `maxIter` L-BFGS iterations on `params` (in place). Returns the loss at the start of the step.
   *
   * @example
   * const opt = optim.lbfgs({ lineSearchFn: "strong_wolfe" });
   * for (let i = 0; i < 10; i++) opt.step(params, rosenbrock);
   */
  step(params: ParamTree, objective?: ParamTree | Objective): number {
    if (typeof objective !== "function") {
      throw new Error(
        "lbfgs.step: needs the objective, step(params, (params) => loss), because it re-evaluates the loss during the step",
      );
    }
    const leaves = parameterLeaves(params, "lbfgs.step");
    const numel = leaves.reduce((a, p) => a + p.size, 0);
    const { maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = this.options;
    const lr = this.lr;
    const st = this.state;
    this.steps += 1;

    const closure = (): { loss: number; grad: Float64Array } => {
      const r = this.evaluateWithGrad(objective as Objective, params);
      const flat = new Float64Array(numel);
      let off = 0;
      for (let i = 0; i < leaves.length; i++) {
        const g = r.grads[i];
        if (g) flat.set(gradStorage(g), off);
        off += leaves[i]!.size;
      }
      dispose(r.grads);
      return { loss: r.loss, grad: flat };
    };
    const addGrad = (t: number, d: Float64Array): void => {
      let off = 0;
      for (const p of leaves) {
        const data = p.data as FloatArray;
        for (let i = 0; i < p.size; i++) data[i] = data[i]! + t * d[off + i]!;
        off += p.size;
      }
    };
    const cloneParams = (): FloatArray[] => leaves.map((p) => (p.data as FloatArray).slice(0, p.size));
    const setParams = (x: FloatArray[]): void => leaves.forEach((p, i) => (p.data as FloatArray).set(x[i]!));

    const first = closure();
    const origLoss = first.loss;
    let loss = first.loss;
    let flatGrad = first.grad;
    let currentEvals = 1;
    st.funcEvals += 1;
    let optCond = maxAbs(flatGrad) <= toleranceGrad;
    if (optCond) return origLoss;

    let { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss } = st;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      st.nIter += 1;
      if (st.nIter === 1) {
        d = flatGrad.map((v) => -v);
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = flatGrad.map((v, i) => v - prevFlatGrad![i]!);
        const s = d!.map((v) => v * t);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(1 / ys);
          hDiag = ys / dot(y, y);
        }
        const numOld = oldDirs.length;
        const al = new Array<number>(numOld);
        const q = flatGrad.map((v) => -v);
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = dot(oldStps[i]!, q) * ro[i]!;
          const dir = oldDirs[i]!,
            a = -al[i]!;
          for (let k = 0; k < q.length; k++) q[k] = q[k]! + a * dir[k]!;
        }
        const r = q.map((v) => v * hDiag);
        for (let i = 0; i < numOld; i++) {
          const beI = dot(oldDirs[i]!, r) * ro[i]!;
          const stp = oldStps[i]!,
            a = al[i]! - beI;
          for (let k = 0; k < r.length; k++) r[k] = r[k]! + a * stp[k]!;
        }
        d = r;
      }
      prevFlatGrad = flatGrad.slice();
      prevLoss = loss;
      if (st.nIter === 1) {
        let abssum = 0;
        for (const v of flatGrad) abssum += Math.abs(v);
        t = Math.min(1, 1 / abssum) * lr;
      } else {
        t = lr;
      }
      const gtd = dot(flatGrad, d!);
      if (gtd > -toleranceChange) break;

      let lsEvals = 0;
      if (lineSearchFn !== null) {
        const x0 = cloneParams();
        const dir = d!;
        const evaluateAt = (tt: number): { loss: number; grad: Float64Array } => {
          addGrad(tt, dir);
          const r = closure();
          setParams(x0);
          return r;
        };
        const r = strongWolfe(evaluateAt, dir, t, loss, flatGrad, gtd);
        loss = r.loss;
        flatGrad = r.grad;
        t = r.t;
        lsEvals = r.evaluations;
        addGrad(t, dir);
        optCond = maxAbs(flatGrad) <= toleranceGrad;
      } else {
        addGrad(t, d!);
        if (nIter !== maxIter) {
          const r = closure();
          loss = r.loss;
          flatGrad = r.grad;
          optCond = maxAbs(flatGrad) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      st.funcEvals += lsEvals;
      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      let stepMax = 0;
      for (const v of d!) stepMax = Math.max(stepMax, Math.abs(v * t));
      if (stepMax <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    Object.assign(st, { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss });
    return origLoss;
  }
}

/**
 * L-BFGS (torch.optim.LBFGS). Each `step(params, objective)` runs up to `maxIter` iterations;
 * with `lineSearchFn: "strong_wolfe"` every iteration searches for a step meeting the strong
 * Wolfe conditions. Defaults lr 1, maxIter 20, historySize 100, toleranceGrad 1e-7.
 *
 * @example
 * const opt = optim.lbfgs({ lineSearchFn: "strong_wolfe" });
 * const params = { xy: tensor([-1.2, 1]) };
 * for (let i = 0; i < 5; i++) opt.step(params, (p) => rosenbrock(p.xy));
 * opt.evaluations; // { loss: ..., grad: ... } closure calls, like torch's func_evals
 */
export function lbfgs(options: LbfgsOptions = {}): Lbfgs {
  return new Lbfgs(options);
}
