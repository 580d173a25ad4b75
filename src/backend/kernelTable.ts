// The one table of elementwise and reduction kernels: each kernel's name, arity, forward
// expression, gradient expression, whether it is differentiable, which WebAssembly engines
// implement it, and the accuracy it promises. Everything else that names a kernel is generated
// from here by scripts/generate-ops.mjs (run by `npm run build`): the C opcode enums
// (wasm/opcodes.h), the TypeScript opcode maps (wasm/opcodes.ts), the scalar functions of the
// ops (src/ops/kernelScalars.ts) and the bounds table of docs/contributing-an-op.md.
// The opcode of a kernel is its position in its section, so append new kernels at the end.
//
// This module has no runtime imports: the generator loads it on its own.

/**
 * One elementwise kernel. Expressions are JavaScript over `x` (and `y` for binary kernels),
 * the parameters `p0`, `p1`, and helpers of src/backend/mathKernels.ts written `H.name`.
 */
export interface KernelSpec {
  /** Number of tensor inputs. */
  readonly arity: 1 | 2;
  /** One output element: the js backend's loop, the fusion compiler's and the scalar fast path. */
  readonly forward: string;
  /** A cheaper expression for float32 outputs, when one is accurate to the float32 bound. */
  readonly forwardFloat32?: string;
  /** The float64 reference the conformance test measures against (default: `forward`). */
  readonly reference?: string;
  /**
   * The scalar reverse rule over `g` (cotangent), `x`, `y`, `out`, `p0`, `p1`: one expression
   * (unary) or one per input (binary); null when the kernel is not differentiable. The
   * tensor-level rule of the op (src/ops/*Ops.ts) must compute the same thing.
   */
  readonly gradient: string | readonly [string, string] | null;
  /** False for piecewise-constant kernels (comparisons, rounding, masks): zero gradient. */
  readonly differentiable: boolean;
  /** A SIMD loop in elementwise.c (the eager wasm backend) implements it. */
  readonly wasmEager?: boolean;
  /** fusedVm.c (the fused wasm interpreter) implements it, so chains containing it may defer. */
  readonly wasmFused?: boolean;
  /** Worst error against `reference`, in units in the last place of the output dtype, every engine. */
  readonly ulp: { readonly float32: number; readonly float64: number };
  /** Range the conformance test samples inputs from (default [-10, 10]). */
  readonly domain?: readonly [number, number];
  /** p0, p1 the conformance test passes (default 0, 0). */
  readonly params?: readonly [number, number];
  /** Output kind: "float" (a number), or "bool" (0/1). */
  readonly output?: "float" | "bool";
}

/** Unary kernels; opcode = position. */
export const UNARY_KERNELS = {
  neg: {
    arity: 1,
    forward: "-x",
    gradient: "-g",
    differentiable: true,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 0, float64: 0 },
  },
  exp: {
    arity: 1,
    forward: "Math.exp(x)",
    gradient: "g * out",
    differentiable: true,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 1, float64: 3 },
    domain: [-80, 80],
  },
  log: {
    arity: 1,
    forward: "Math.log(x)",
    gradient: "g * (1 / x)",
    differentiable: true,
    ulp: { float32: 1, float64: 1 },
    domain: [1e-6, 1e6],
  },
  log1p: {
    arity: 1,
    forward: "Math.log1p(x)",
    gradient: "g * (1 / (1 + x))",
    differentiable: true,
    ulp: { float32: 1, float64: 1 },
    domain: [-0.99, 100],
  },
  expm1: {
    arity: 1,
    forward: "Math.expm1(x)",
    gradient: "g * (out + 1)",
    differentiable: true,
    ulp: { float32: 1, float64: 1 },
    domain: [-20, 20],
  },
  sqrt: {
    arity: 1,
    forward: "Math.sqrt(x)",
    gradient: "g * (1 / (2 * out))",
    differentiable: true,
    wasmEager: true,
    ulp: { float32: 0, float64: 0 },
    domain: [0, 1e6],
  },
  square: {
    arity: 1,
    forward: "x * x",
    gradient: "g * (2 * x)",
    differentiable: true,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 0, float64: 0 },
  },
  abs: {
    arity: 1,
    forward: "Math.abs(x)",
    gradient: "g * (x > 0 ? 1 : x < 0 ? -1 : 0)",
    differentiable: true,
    wasmEager: true,
    ulp: { float32: 0, float64: 0 },
  },
  sign: {
    arity: 1,
    forward: "(x > 0 ? 1 : x < 0 ? -1 : x)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
  },
  sin: {
    arity: 1,
    forward: "Math.sin(x)",
    gradient: "g * Math.cos(x)",
    differentiable: true,
    ulp: { float32: 1, float64: 1 },
  },
  cos: {
    arity: 1,
    forward: "Math.cos(x)",
    gradient: "g * -Math.sin(x)",
    differentiable: true,
    ulp: { float32: 1, float64: 1 },
  },
  tanh: {
    arity: 1,
    forward: "H.fastTanh(x)",
    forwardFloat32: "H.tanhF32(x)",
    reference: "Math.tanh(x)",
    gradient: "g * (1 - out * out)",
    differentiable: true,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 5, float64: 4 },
  },
  sigmoid: {
    arity: 1,
    forward: "H.sigmoidScalar(x)",
    reference: "1 / (1 + Math.exp(-x))",
    gradient: "g * (out * (1 - out))",
    differentiable: true,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 2, float64: 4 },
    domain: [-30, 30],
  },
  softplus: {
    arity: 1,
    forward: "H.softplusScalar(x)",
    gradient: "g * H.sigmoidScalar(x)",
    differentiable: true,
    ulp: { float32: 1, float64: 2 },
    domain: [-30, 30],
  },
  relu: {
    arity: 1,
    forward: "(x > 0 ? x : 0)",
    gradient: "g * (x > 0 ? 1 : 0)",
    differentiable: true,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 0, float64: 0 },
  },
  step: {
    arity: 1,
    forward: "(x > 0 ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
  },
  round: {
    arity: 1,
    forward: "H.roundHalfEven(x)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
  },
  floor: {
    arity: 1,
    forward: "Math.floor(x)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
  },
  ceil: {
    arity: 1,
    forward: "Math.ceil(x)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
  },
  leakyRelu: {
    arity: 1,
    forward: "(x > 0 ? x : x * p0)",
    gradient: "g * (x > 0 ? 1 : p0)",
    differentiable: true,
    ulp: { float32: 0, float64: 0 },
    params: [0.1, 0],
  },
  leakyReluGrad: {
    arity: 1,
    forward: "(x > 0 ? 1 : p0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    params: [0.1, 0],
  },
  elu: {
    arity: 1,
    forward: "(x > 0 ? x : p0 * Math.expm1(x))",
    gradient: "g * (x > 0 ? 1 : out + p0)",
    differentiable: true,
    ulp: { float32: 1, float64: 2 },
    params: [1.5, 0],
  },
  clip: {
    arity: 1,
    forward: "(x < p0 ? p0 : x > p1 ? p1 : x)",
    gradient: "g * (x >= p0 && x <= p1 ? 1 : 0)",
    differentiable: true,
    ulp: { float32: 0, float64: 0 },
    params: [-2, 3],
  },
  clipMask: {
    arity: 1,
    forward: "(x >= p0 && x <= p1 ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    params: [-2, 3],
  },
  powScalar: {
    arity: 1,
    forward: "Math.pow(x, p0)",
    gradient: "g * (p0 === 0 ? 0 : p0 * Math.pow(x, p0 - 1))",
    differentiable: true,
    ulp: { float32: 1, float64: 1 },
    domain: [0, 100],
    params: [2.5, 0],
  },
  normalCdf: {
    arity: 1,
    forward: "H.normalCdf(x)",
    gradient: "g * (0.3989422804014327 * Math.exp(-0.5 * x * x))",
    differentiable: true,
    ulp: { float32: 1, float64: 8 },
    domain: [-8, 8],
  },
  normalPdf: {
    arity: 1,
    forward: "0.3989422804014327 * Math.exp(-0.5 * x * x)",
    gradient: "g * (-x * out)",
    differentiable: true,
    ulp: { float32: 1, float64: 4 },
    domain: [-8, 8],
  },
  reciprocal: {
    arity: 1,
    forward: "1 / x",
    gradient: "g * (-out * out)",
    differentiable: true,
    ulp: { float32: 0, float64: 0 },
    domain: [0.01, 100],
  },
  copy: {
    arity: 1,
    forward: "x",
    gradient: null,
    differentiable: false,
    wasmEager: true,
    ulp: { float32: 0, float64: 0 },
  },
  isNonFinite: {
    arity: 1,
    forward: "(x - x !== 0 ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    output: "bool",
  },
  logicalNot: {
    arity: 1,
    forward: "(x === 0 ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    output: "bool",
  },
} as const satisfies Record<string, KernelSpec>;

/** Binary kernels (NumPy broadcasting); opcode = FIRST_BINARY_OPCODE + position. */
export const BINARY_KERNELS = {
  add: {
    arity: 2,
    forward: "x + y",
    gradient: ["g", "g"],
    differentiable: true,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 0, float64: 0 },
  },
  sub: {
    arity: 2,
    forward: "x - y",
    gradient: ["g", "-g"],
    differentiable: true,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 0, float64: 0 },
  },
  mul: {
    arity: 2,
    forward: "x * y",
    gradient: ["g * y", "g * x"],
    differentiable: true,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 0, float64: 0 },
  },
  div: {
    arity: 2,
    forward: "x / y",
    gradient: ["g / y", "-(g * out) / y"],
    differentiable: true,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 0, float64: 0 },
    domain: [0.5, 10],
  },
  pow: {
    arity: 2,
    forward: "Math.pow(x, y)",
    gradient: ["g * (y * Math.pow(x, y - 1))", "g * (out * Math.log(x === 0 ? 1 : x))"],
    differentiable: true,
    ulp: { float32: 1, float64: 1 },
    domain: [0, 5],
  },
  maximum: {
    arity: 2,
    forward: "(x > y || x !== x ? x : y)",
    gradient: ["g * (x > y ? 1 : x === y ? 0.5 : 0)", "g * (1 - (x > y ? 1 : x === y ? 0.5 : 0))"],
    differentiable: true,
    wasmEager: true,
    ulp: { float32: 0, float64: 0 },
  },
  minimum: {
    arity: 2,
    forward: "(x < y || x !== x ? x : y)",
    gradient: ["g * (y > x ? 1 : x === y ? 0.5 : 0)", "g * (1 - (y > x ? 1 : x === y ? 0.5 : 0))"],
    differentiable: true,
    wasmEager: true,
    ulp: { float32: 0, float64: 0 },
  },
  maxMask: {
    arity: 2,
    forward: "(x > y ? 1 : x === y ? 0.5 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
  },
  eq: {
    arity: 2,
    forward: "(x === y ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    output: "bool",
  },
  ne: {
    arity: 2,
    forward: "(x !== y ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    output: "bool",
  },
  lt: {
    arity: 2,
    forward: "(x < y ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    output: "bool",
  },
  le: {
    arity: 2,
    forward: "(x <= y ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    output: "bool",
  },
  gt: {
    arity: 2,
    forward: "(x > y ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    output: "bool",
  },
  ge: {
    arity: 2,
    forward: "(x >= y ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    output: "bool",
  },
  logicalAnd: {
    arity: 2,
    forward: "(x !== 0 && y !== 0 ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    output: "bool",
  },
  logicalOr: {
    arity: 2,
    forward: "(x !== 0 || y !== 0 ? 1 : 0)",
    gradient: null,
    differentiable: false,
    ulp: { float32: 0, float64: 0 },
    output: "bool",
  },
  // Fused first-order gradient kernels: x = cotangent, y = the saved value (out or input).
  tanhGrad: {
    arity: 2,
    forward: "x * (1 - y * y)",
    gradient: null,
    differentiable: false,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 1, float64: 1 },
    domain: [-1, 1],
  },
  sigmoidGrad: {
    arity: 2,
    forward: "x * (y * (1 - y))",
    gradient: null,
    differentiable: false,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 1, float64: 1 },
    domain: [0, 1],
  },
  reluGrad: {
    arity: 2,
    forward: "(y > 0 ? x : 0)",
    gradient: null,
    differentiable: false,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 0, float64: 0 },
  },
  squareGrad: {
    arity: 2,
    forward: "x * (2 * y)",
    gradient: null,
    differentiable: false,
    wasmEager: true,
    wasmFused: true,
    ulp: { float32: 0, float64: 0 },
  },
} as const satisfies Record<string, KernelSpec>;

/** Opcode of the first binary kernel: unary opcodes stay below it, so an opcode tells its arity. */
export const FIRST_BINARY_OPCODE = 64;

/**
 * A reduction along one axis. A sum's result is within `k·eps·Σ|terms|` of the exact sum (eps of
 * the output dtype, the terms the reduced elements); a product's within `k·eps·r·|result|` (r
 * factors); max and min return one of their inputs. For float32 data, sums accumulate in
 * float64, so the bound holds for any data; for float64 it is what random-walk rounding errors
 * of any length keep to (the worst case of adversarial data is (r − 1)·eps·Σ|terms|).
 */
export interface ReductionSpec {
  /** The reduce_* loops of elementwise.c implement it (float dtypes). */
  readonly wasmEager: boolean;
  /** k of the bound (0: the result is one of the inputs, exactly). */
  readonly k: number;
}

/** Reductions (`Backend.reduce`); opcode = position. */
export const REDUCTIONS = {
  sum: { wasmEager: true, k: 2 },
  max: { wasmEager: true, k: 0 },
  min: { wasmEager: true, k: 0 },
  prod: { wasmEager: false, k: 2 },
} as const satisfies Record<string, ReductionSpec>;

/**
 * k of the matrix product's bound |C − C_ref| ≤ k·eps·Σ_p |A_ip·B_pj| (eps of the dtype). The
 * float32 wasm kernel accumulates in float32 and the float64 kernels in float64, whose rounding
 * errors add as a random walk: k holds for random data of any depth, as for sums.
 */
export const MATMUL_K = 4;

/** Unary kernel names. @example const k: UnaryKernel = "tanh"; */
export type UnaryKernel = keyof typeof UNARY_KERNELS;
/** Binary kernel names. @example const k: BinaryKernel = "add"; */
export type BinaryKernel = keyof typeof BINARY_KERNELS;
/** Reduction kernel names. @example const k: ReduceKernel = "sum"; */
export type ReduceKernel = keyof typeof REDUCTIONS;
