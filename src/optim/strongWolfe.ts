// The strong-Wolfe line search of torch.optim.LBFGS (itself from minFunc): bracket a step
// satisfying sufficient decrease and the curvature condition, then zoom with safeguarded
// cubic interpolation. Ported statement by statement so the step sizes agree with torch.

/** Values and directional data of one trial step along `d`. */
export type DirectionalEvaluate = (t: number) => { loss: number; grad: Float64Array };

/** Dot product of two equal-length vectors. @example dot([1, 2], [3, 4]) // 11 */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** max |v_i|. @example maxAbs([1, -3, 2]) // 3 */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > m || Number.isNaN(a)) m = a;
  }
  return m;
}

/**
 * Minimizer of the cubic interpolating (x1, f1, g1) and (x2, f2, g2), clamped to `bounds`
 * (default: the interval between x1 and x2); the midpoint when the cubic has no minimum.
 *
 * @example
 * cubicInterpolate(0, 1, -1, 1, 1, 1); // 0.5
 */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos =
      x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/** Result of {@link strongWolfe}. */
export interface LineSearchResult {
  loss: number;
  grad: Float64Array;
  t: number;
  evaluations: number;
}

/**
 * Strong-Wolfe line search from step `t` along `d`, starting at loss `f`, gradient `g` and
 * directional derivative `gtd` (< 0).
 *
 * @example
 * // Along d = -g0 from x0 = [1] on f(x) = x²: f0 = 1, g0 = [2].
 * const d = Float64Array.of(-2), g0 = Float64Array.of(2);
 * const evalAt = (t: number) => {
 *   const xt = 1 + d[0] * t;
 *   return { loss: xt * xt, grad: Float64Array.of(2 * xt) };
 * };
 * const r = strongWolfe(evalAt, d, 1, 1, g0, g0[0] * d[0]);
 * r.t; // the accepted step
 */
export function strongWolfe(
  evaluate: DirectionalEvaluate,
  d: Float64Array,
  t: number,
  f: number,
  g: Float64Array,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): LineSearchResult {
  const dNorm = maxAbs(d);
  g = g.slice();
  let { loss: fNew, grad: gNew } = evaluate(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let tPrev = 0,
    fPrev = f,
    gPrev = g,
    gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [],
    bracketF: number[] = [],
    bracketG: Float64Array[] = [],
    bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew.slice()];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t];
      bracketF = [fNew];
      bracketG = [gNew];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew.slice()];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.slice();
    gtdPrev = gtdNew;
    ({ loss: fNew, grad: gNew } = evaluate(t));
    evals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
  }
  if (lsIter === maxLs) {
    bracket = [0, t];
    bracketF = [f, fNew];
    bracketG = [g, gNew];
  }

  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(
      bracket[0]!,
      bracketF[0]!,
      bracketGtd[0]!,
      bracket[1]!,
      bracketF[1]!,
      bracketGtd[1]!,
    );
    const bMax = Math.max(...bracket),
      bMin = Math.min(...bracket);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    ({ loss: fNew, grad: gNew } = evaluate(t));
    evals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]!) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew.slice();
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[highPos]! - bracket[lowPos]!) >= 0) {
        bracket[highPos] = bracket[lowPos]!;
        bracketF[highPos] = bracketF[lowPos]!;
        bracketG[highPos] = bracketG[lowPos]!;
        bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew.slice();
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return { loss: bracketF[lowPos]!, grad: bracketG[lowPos]!, t: bracket[lowPos]!, evaluations: evals };
}
