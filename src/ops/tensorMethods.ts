// Every op as a Tensor method (x.add(y), x.sum({axis: 0}), ...), declared by module
// augmentation so the methods type-check and show up in completion.
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import * as U from "./unaryOps.js";
import * as B from "./binaryOps.js";
import { pow } from "./powOps.js";
import * as R from "./reductionOps.js";
import * as S from "./shapeOps.js";
import * as M from "./matmulOps.js";
import * as X from "./softmaxOps.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** this + other (broadcasting). @example x.add(1) */ add(other: TensorLike): Tensor;
    /** this - other. @example x.sub(y) */ sub(other: TensorLike): Tensor;
    /** this * other. @example x.mul(2) */ mul(other: TensorLike): Tensor;
    /** this / other. @example x.div(y) */ div(other: TensorLike): Tensor;
    /** this ** other. @example x.pow(2) */ pow(other: TensorLike): Tensor;
    /** Elementwise max with other. @example x.maximum(0) */ maximum(other: TensorLike): Tensor;
    /** Elementwise min with other. @example x.minimum(1) */ minimum(other: TensorLike): Tensor;
    /** this == other (bool, no gradient). @example x.eq(0) */ eq(other: TensorLike): Tensor;
    /** this != other (bool, no gradient). @example x.ne(0) */ ne(other: TensorLike): Tensor;
    /** this < other (bool, no gradient). @example x.lt(0) */ lt(other: TensorLike): Tensor;
    /** this <= other (bool, no gradient). @example x.le(0) */ le(other: TensorLike): Tensor;
    /** this > other (bool, no gradient). @example x.gt(0) */ gt(other: TensorLike): Tensor;
    /** this >= other (bool, no gradient). @example x.ge(0) */ ge(other: TensorLike): Tensor;
    /** -this. @example x.neg() */ neg(): Tensor;
    /** e^this. @example x.exp() */ exp(): Tensor;
    /** ln this. @example x.log() */ log(): Tensor;
    /** log(1 + this). @example x.log1p() */ log1p(): Tensor;
    /** e^this - 1. @example x.expm1() */ expm1(): Tensor;
    /** Square root. @example x.sqrt() */ sqrt(): Tensor;
    /** this². @example x.square() */ square(): Tensor;
    /** |this|. @example x.abs() */ abs(): Tensor;
    /** Sign (no gradient). @example x.sign() */ sign(): Tensor;
    /** Sine. @example x.sin() */ sin(): Tensor;
    /** Cosine. @example x.cos() */ cos(): Tensor;
    /** tanh. @example x.tanh() */ tanh(): Tensor;
    /** Logistic sigmoid. @example x.sigmoid() */ sigmoid(): Tensor;
    /** softplus. @example x.softplus() */ softplus(): Tensor;
    /** ReLU. @example x.relu() */ relu(): Tensor;
    /** Leaky ReLU. @example x.leakyRelu(0.1) */ leakyRelu(slope?: number): Tensor;
    /** ELU. @example x.elu() */ elu(alpha?: number): Tensor;
    /** GELU (exact). @example x.gelu() */ gelu(): Tensor;
    /** Clamp into [lo, hi]. @example x.clip(0, 1) */ clip(lo: number, hi: number): Tensor;
    /** Step function (no gradient). @example x.step() */ step(): Tensor;
    /** Round half to even (no gradient). @example x.round() */ round(): Tensor;
    /** Floor (no gradient). @example x.floor() */ floor(): Tensor;
    /** Sum over axes. @example x.sum({ axis: 0 }) */ sum(opts?: R.ReduceOptions): Tensor;
    /** Mean over axes. @example x.mean() */ mean(opts?: R.ReduceOptions): Tensor;
    /** Max over axes. @example x.max({ axis: -1 }) */ max(opts?: R.ReduceOptions): Tensor;
    /** Min over axes. @example x.min() */ min(opts?: R.ReduceOptions): Tensor;
    /** Product over axes. @example x.prod() */ prod(opts?: R.ReduceOptions): Tensor;
    /** log-sum-exp over axes. @example x.logsumexp({ axis: 1 }) */ logsumexp(opts?: R.ReduceOptions): Tensor;
    /** Variance (correction 0 by default). @example x.var({ axis: 0 }) */ var(opts?: R.VarOptions): Tensor;
    /** Standard deviation. @example x.std() */ std(opts?: R.VarOptions): Tensor;
    /** p-norm. @example x.norm() */ norm(opts?: R.NormOptions): Tensor;
    /** Index of the max (int32). @example x.argmax({ axis: 1 }) */ argmax(opts?: { axis?: number }): Tensor;
    /** Index of the min (int32). @example x.argmin() */ argmin(opts?: { axis?: number }): Tensor;
    /** softmax along an axis. @example x.softmax() */ softmax(opts?: { axis?: number }): Tensor;
    /** log-softmax along an axis. @example x.logSoftmax() */ logSoftmax(opts?: { axis?: number }): Tensor;
    /** Matrix product. @example x.matmul(w) */ matmul(other: TensorLike): Tensor;
    /** Inner product. @example v.dot(u) */ dot(other: TensorLike): Tensor;
    /** Outer product. @example v.outer(u) */ outer(other: TensorLike): Tensor;
    /** New shape (one -1 allowed), no copy. @example x.reshape([2, -1]) */ reshape(
      shape: readonly number[],
    ): Tensor;
    /** Flatten. @example x.flatten() */ flatten(startAxis?: number): Tensor;
    /** Permute axes (reverse by default). @example x.transpose() */ transpose(
      perm?: readonly number[],
    ): Tensor;
    /** Permute axes. @example x.permute([1, 0]) */ permute(perm: readonly number[]): Tensor;
    /** Insert a size-1 axis. @example x.expandDims(0) */ expandDims(axis: number): Tensor;
    /** Drop size-1 axes. @example x.squeeze() */ squeeze(axis?: number | number[]): Tensor;
    /** Python-style slice per axis. @example x.slice([[0, 2], null]) */ slice(
      spec: S.SliceSpec | readonly number[],
      ends?: readonly number[],
    ): Tensor;
    /** Select index i along an axis. @example x.index(0) */ index(i: number, axis?: number): Tensor;
    /** Take along an axis at int32 indices. @example x.gather(idx, 0) */ gather(
      indices: TensorLike,
      axis?: number,
    ): Tensor;
    /** Broadcast to a shape. @example x.broadcastTo([3, 2]) */ broadcastTo(shape: number[]): Tensor;
    /** The matrix transpose of the last two axes. @example w.T */ readonly T: Tensor;
  }
}

let installed = false;

/** A method calling `fn(this, opts)`. */
function withOptions<O>(fn: (x: Tensor, opts?: O) => Tensor): (this: Tensor, opts?: O) => Tensor {
  return function (this: Tensor, opts?: O) {
    return fn(this, opts);
  };
}

/**
 * Attach every op as a Tensor method (done once by src/engine.ts).
 * @example installTensorMethods(); tensor([1]).add(1)
 */
export function installTensorMethods(): void {
  if (installed) return;
  installed = true;
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  const binary = {
    add: B.add,
    sub: B.sub,
    mul: B.mul,
    div: B.div,
    pow,
    maximum: B.maximum,
    minimum: B.minimum,
    eq: B.eq,
    ne: B.ne,
    lt: B.lt,
    le: B.le,
    gt: B.gt,
    ge: B.ge,
    matmul: M.matmul,
    dot: M.dot,
    outer: M.outer,
  };
  for (const [name, fn] of Object.entries(binary))
    P[name] = function (this: Tensor, other: TensorLike) {
      return fn(this, other);
    };
  const unary = {
    neg: U.neg,
    exp: U.exp,
    log: U.log,
    log1p: U.log1p,
    expm1: U.expm1,
    sqrt: U.sqrt,
    square: U.square,
    abs: U.abs,
    sign: U.sign,
    sin: U.sin,
    cos: U.cos,
    tanh: U.tanh,
    sigmoid: U.sigmoid,
    softplus: U.softplus,
    relu: U.relu,
    gelu: U.gelu,
    step: U.step,
    round: U.round,
    floor: U.floor,
  };
  for (const [name, fn] of Object.entries(unary))
    P[name] = function (this: Tensor) {
      return fn(this);
    };
  const withOpts = {
    sum: withOptions(R.sum),
    mean: withOptions(R.mean),
    max: withOptions(R.max),
    min: withOptions(R.min),
    prod: withOptions(R.prod),
    logsumexp: withOptions(R.logsumexp),
    var: withOptions(R.variance),
    std: withOptions(R.std),
    norm: withOptions(R.norm),
    argmax: withOptions(R.argmax),
    argmin: withOptions(R.argmin),
    softmax: withOptions(X.softmax),
    logSoftmax: withOptions(X.logSoftmax),
  };
  Object.assign(P, withOpts);
  P.leakyRelu = function (this: Tensor, slope?: number) {
    return U.leakyRelu(this, slope);
  };
  P.elu = function (this: Tensor, alpha?: number) {
    return U.elu(this, alpha);
  };
  P.clip = function (this: Tensor, lo: number, hi: number) {
    return U.clip(this, lo, hi);
  };
  P.reshape = function (this: Tensor, shape: number[]) {
    return S.reshape(this, shape);
  };
  P.flatten = function (this: Tensor, startAxis?: number) {
    return S.flatten(this, startAxis);
  };
  P.transpose = function (this: Tensor, perm?: number[]) {
    return S.transpose(this, perm);
  };
  P.permute = function (this: Tensor, perm: number[]) {
    return S.permute(this, perm);
  };
  P.expandDims = function (this: Tensor, axis: number) {
    return S.expandDims(this, axis);
  };
  P.squeeze = function (this: Tensor, axis?: number | number[]) {
    return S.squeeze(this, axis);
  };
  P.slice = function (this: Tensor, spec: S.SliceSpec, ends?: number[]) {
    return S.slice(this, spec, ends);
  };
  P.index = function (this: Tensor, i: number, axis?: number) {
    return S.index(this, i, axis);
  };
  P.gather = function (this: Tensor, indices: TensorLike, axis?: number) {
    return S.gather(this, indices, axis);
  };
  P.broadcastTo = function (this: Tensor, shape: number[]) {
    return R.broadcastTo(this, shape);
  };
  Object.defineProperty(P, "T", {
    get(this: Tensor) {
      const nd = this.shape.length;
      if (nd < 2) return S.reshape(this, this.shape);
      const perm = Array.from({ length: nd }, (_, i) => i);
      perm[nd - 1] = nd - 2;
      perm[nd - 2] = nd - 1;
      return S.transpose(this, perm);
    },
  });
}
