// gradlab: tensors with reverse-mode autodiff, plus the loss/optim/plot/data namespaces.
import { installEngine } from "./engine.js";
// The op methods' declarations (x.add(y), ...) augment Tensor's type; this import keeps them in
// the public .d.ts (the methods themselves are attached by installEngine).
import "./ops/tensorMethods.js";

installEngine();

export { Tensor, isTensor } from "./tensor/tensor.js";
export type { TensorLike, NestedArray, BackwardOptions } from "./tensor/tensor.js";
export type { DType, TypedArray } from "./tensor/dtype.js";
export type { Loose } from "./tensor/looseValue.js";
export { ShapeError } from "./tensor/shape.js";
export { dispose } from "./tensor/dispose.js";
export {
  tensor,
  scalar,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  fullLike,
  eye,
  arange,
  linspace,
  rand,
  randn,
  randint,
  generator,
} from "./tensor/creation.js";
export type { CreateOptions, RandomOptions } from "./tensor/creation.js";
export { Generator, seed, globalGenerator } from "./random/generator.js";

export {
  neg,
  exp,
  log,
  log1p,
  expm1,
  sqrt,
  square,
  abs,
  sign,
  sin,
  cos,
  tanh,
  sigmoid,
  softplus,
  relu,
  leakyRelu,
  elu,
  gelu,
  clip,
  step,
  round,
  floor,
  ceil,
  powScalar,
  normalCdf,
  normalPdf,
  reciprocal,
  isNonFinite,
  logicalNot,
} from "./ops/unaryOps.js";
export {
  add,
  sub,
  mul,
  div,
  maximum,
  minimum,
  where,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  logicalAnd,
  logicalOr,
} from "./ops/binaryOps.js";
export { pow } from "./ops/powOps.js";
export {
  sum,
  mean,
  max,
  min,
  prod,
  logsumexp,
  variance,
  var_,
  variance as var,
  std,
  norm,
  argmax,
  argmin,
  broadcastTo,
  sumTo,
} from "./ops/reductionOps.js";
export type { ReduceOptions, VarOptions, NormOptions } from "./ops/reductionOps.js";
export { softmax, logSoftmax } from "./ops/softmaxOps.js";
export { matmul, matmulT, dot, outer } from "./ops/matmulOps.js";
export {
  reshape,
  flatten,
  transpose,
  permute,
  expandDims,
  squeeze,
  slice,
  index,
  concat,
  stack,
  gather,
  takeAlongAxis,
  oneHot,
} from "./ops/shapeOps.js";
export type { SliceSpec } from "./ops/shapeOps.js";
export { castTo, stopGradient } from "./ops/castOps.js";

export { grad, valueAndGrad, vjp, jvp, jacobian, hessian } from "./autodiff/transforms.js";
export type { GradOptions } from "./autodiff/transforms.js";
export { treeMap, treeLeaves, treeFlatten, treeUnflatten } from "./autodiff/pytree.js";
export type { PyTree, TreeDef } from "./autodiff/pytree.js";
export { noGrad, enableGrad, isGradEnabled, traceOps } from "./autodiff/gradMode.js";
export { detectAnomaly, AnomalyError } from "./autodiff/anomalyCheck.js";
export { defineOp, getOp, listOps, apply } from "./autodiff/opRegistry.js";
export type { OpDef, OpContext } from "./autodiff/opRegistry.js";
export * from "./autodiff/gradcheck.js";
export * from "./autodiff/checkDifferentiable.js";

export { setBackend, getBackend, registerBackend, listBackends } from "./backend/backend.js";
export { setWasmThreads } from "./backend/wasm/wasmBackend.js";
export { setThreads, threads } from "./backend/threadBudget.js";
export type { Backend, UnaryKernel, BinaryKernel, ReduceKernel } from "./backend/backend.js";
export { poolStats, clearPool } from "./backend/bufferPool.js";
export { fastTanh, erf, erfc } from "./backend/mathKernels.js";
export { info, VERSION } from "./info.js";

export type { MimeBundle, DisplayHost } from "./displayHost.js";
export { displayHost, JUPYTER_DISPLAY, DISPLAY_HOST } from "./displayHost.js";

export * as loss from "./loss/index.js";
// The differentiability tools are loss.analyze / loss.smooth too; top-level for the tutorials' brevity.
export { analyze, type AnalysisReport, type AnalyzeOptions } from "./analyze/analyze.js";
export { smooth, straightThrough, type SmoothOptions } from "./analyze/smooth.js";
export * as optim from "./optim/index.js";
export * as plot from "./plot/index.js";
export * as data from "./data/index.js";
export * from "./train/index.js";
export * as widgets from "./widgets/index.js";
export { interact, Interactive } from "./widgets/interact.js";
export type { ControlSpec, InteractOptions, ValuesOf } from "./widgets/interact.js";
