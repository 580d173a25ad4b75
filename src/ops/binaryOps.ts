// Elementwise binary ops with NumPy broadcasting, comparisons and where. Gradients are
// reduced back to each input's shape with sumTo (the adjoint of broadcasting).
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { type DType, floatOf, promote } from "../tensor/dtype.js";
import { broadcastShapes, broadcastStrides, sameShape, SCALAR_SHAPE } from "../tensor/shape.js";
import { canFuse, fusedMulReduce } from "./fusedGradKernels.js";
import { getBackend, type BinaryKernel } from "../backend/backend.js";
import { apply, defineOp, type OpContext, type OpDef } from "../autodiff/opRegistry.js";
import { asTensor, emptyTensor } from "./tensorLike.js";
import { sumTo } from "./sumOps.js";
import { castTo } from "./castOps.js";
import { deferBinary } from "./lazyElementwise.js";
import { RELEASED } from "../tensor/tensorFlags.js";

/** Result dtype: promoted arithmetic, always float, or bool. */
export type Policy = "arith" | "float" | "bool";
export type ScalarFn = (x: number, y: number) => number;
type GradRule = (g: Tensor, ctx: OpContext<null>) => (Tensor | null)[];

function resultDType(a: DType, b: DType, policy: Policy): DType {
  if (policy === "bool") return "bool";
  const p = promote(a, b);
  if (policy === "float") return floatOf(p);
  return p === "bool" ? "int32" : p;
}

function binaryForward(name: string, kernel: BinaryKernel, scalar: ScalarFn, policy: Policy) {
  return (inputs: readonly Tensor[]): Tensor => {
    const a = inputs[0],
      b = inputs[1];
    const dt =
      a.dtype === b.dtype && a.dtype === "float64" && policy !== "bool"
        ? "float64"
        : resultDType(a.dtype, b.dtype, policy);
    if (
      a._data === null &&
      b._data === null &&
      a.shape.length === 0 &&
      b.shape.length === 0 &&
      ((a._flags | b._flags) & RELEASED) === 0
    ) {
      let v = scalar(a._s, b._s);
      if (dt === "float32") v = Math.fround(v);
      else if (dt === "int32") v = v | 0;
      return new Tensor(SCALAR_SHAPE, dt, null, v);
    }
    const shape = broadcastShapes(a.shape, b.shape, name);
    const deferred = deferBinary(kernel, a, b, shape, dt);
    if (deferred !== null) return deferred;
    const out = emptyTensor(shape, dt);
    getBackend().binary(
      kernel,
      a._buf(),
      broadcastStrides(a.shape, shape),
      b._buf(),
      broadcastStrides(b.shape, shape),
      out._buf(),
      shape,
    );
    return out;
  };
}

type ScalarGrad = (g: number, a: number, b: number, out: number, res: number[]) => void;

/** What each deferrable op's gradient rule reads (see OpDef.savedReads). */
const SAVED_READS: Record<string, { inputs: number[]; out: boolean }> = {
  add: { inputs: [], out: false },
  sub: { inputs: [], out: false },
  mul: { inputs: [0, 1], out: false },
  div: { inputs: [1], out: true },
};

/** Register a binary op from its kernel, scalar function, result dtype policy and gradient rules. @example defBinary("add", "add", (x, y) => x + y, "arith", grad, scalarGrad) */
export function defBinary(
  name: string,
  kernel: BinaryKernel,
  scalar: ScalarFn,
  policy: Policy,
  grad: GradRule | null,
  sgrad?: ScalarGrad,
): OpDef<null> {
  return defineOp<null>({
    name,
    savedReads: SAVED_READS[name],
    differentiable: grad !== null,
    forward: binaryForward(name, kernel, scalar, policy),
    backward: grad ?? undefined,
    scalarBackward:
      sgrad === undefined ? undefined : (g, ins, out, _a, res) => sgrad(g, ins[0], ins[1], out, res),
  });
}

/** The gradient for input `x` from a cotangent of the broadcast shape. @example gradFor(g, b) // g summed to b's shape */
export function gradFor(g: Tensor, x: Tensor): Tensor {
  return castTo(sumTo(g, x.shape), x.dtype);
}

/** -x as x · (-1), which is exact and keeps the sign of zero (neg is a unary op, defined above this module). */
function negated(x: Tensor): Tensor {
  return mul(x, -1);
}

const addOp = defBinary(
  "add",
  "add",
  (x, y) => x + y,
  "arith",
  (g, c) => [c.needs[0] ? gradFor(g, c.inputs[0]) : null, c.needs[1] ? gradFor(g, c.inputs[1]) : null],
  (g, _a, _b, _o, r) => {
    r[0] = g;
    r[1] = g;
  },
);
const subOp = defBinary(
  "sub",
  "sub",
  (x, y) => x - y,
  "arith",
  (g, c) => [
    c.needs[0] ? gradFor(g, c.inputs[0]) : null,
    c.needs[1] ? gradFor(negated(g), c.inputs[1]) : null,
  ],
  (g, _a, _b, _o, r) => {
    r[0] = g;
    r[1] = -g;
  },
);
// A broadcast input's gradient sums g·other over the broadcast axes: fused into one pass
// (no full-size product) when nothing is being recorded.
function mulGradFor(g: Tensor, other: Tensor, x: Tensor): Tensor {
  if (canFuse() && !sameShape(x.shape, g.shape) && g.size >= 4096)
    return fusedMulReduce(g, other, x.shape, x.dtype);
  return gradFor(mul(g, other), x);
}

const mulOp = defBinary(
  "mul",
  "mul",
  (x, y) => x * y,
  "arith",
  (g, c) => [
    c.needs[0] ? mulGradFor(g, c.inputs[1], c.inputs[0]) : null,
    c.needs[1] ? mulGradFor(g, c.inputs[0], c.inputs[1]) : null,
  ],
  (g, a, b, _o, r) => {
    r[0] = g * b;
    r[1] = g * a;
  },
);
const divOp = defBinary(
  "div",
  "div",
  (x, y) => x / y,
  "float",
  (g, c) => [
    c.needs[0] ? gradFor(div(g, c.inputs[1]), c.inputs[0]) : null,
    c.needs[1] ? gradFor(negated(div(mul(g, c.out), c.inputs[1])), c.inputs[1]) : null,
  ],
  (g, _a, b, o, r) => {
    r[0] = g / b;
    r[1] = -(g * o) / b;
  },
);
const maxMaskOp = defBinary("maxMask", "maxMask", (x, y) => (x > y ? 1 : x === y ? 0.5 : 0), "float", null);
// Ties split the gradient evenly, as PyTorch does.
const maximumOp = defBinary(
  "maximum",
  "maximum",
  (x, y) => (x > y || x !== x ? x : y),
  "arith",
  (g, c) => {
    const m = apply(maxMaskOp, [c.inputs[0], c.inputs[1]], null);
    return [
      c.needs[0] ? gradFor(mul(g, m), c.inputs[0]) : null,
      c.needs[1] ? gradFor(mul(g, sub(1, m)), c.inputs[1]) : null,
    ];
  },
  (g, a, b, _o, r) => {
    const m = a > b ? 1 : a === b ? 0.5 : 0;
    r[0] = g * m;
    r[1] = g * (1 - m);
  },
);
const minimumOp = defBinary(
  "minimum",
  "minimum",
  (x, y) => (x < y || x !== x ? x : y),
  "arith",
  (g, c) => {
    const m = apply(maxMaskOp, [c.inputs[1], c.inputs[0]], null);
    return [
      c.needs[0] ? gradFor(mul(g, m), c.inputs[0]) : null,
      c.needs[1] ? gradFor(mul(g, sub(1, m)), c.inputs[1]) : null,
    ];
  },
  (g, a, b, _o, r) => {
    const m = b > a ? 1 : a === b ? 0.5 : 0;
    r[0] = g * m;
    r[1] = g * (1 - m);
  },
);
const eqOp = defBinary("eq", "eq", (x, y) => (x === y ? 1 : 0), "bool", null);
const neOp = defBinary("ne", "ne", (x, y) => (x !== y ? 1 : 0), "bool", null);
const ltOp = defBinary("lt", "lt", (x, y) => (x < y ? 1 : 0), "bool", null);
const leOp = defBinary("le", "le", (x, y) => (x <= y ? 1 : 0), "bool", null);
const gtOp = defBinary("gt", "gt", (x, y) => (x > y ? 1 : 0), "bool", null);
const geOp = defBinary("ge", "ge", (x, y) => (x >= y ? 1 : 0), "bool", null);
const andOp = defBinary("logicalAnd", "logicalAnd", (x, y) => (x !== 0 && y !== 0 ? 1 : 0), "bool", null);
const orOp = defBinary("logicalOr", "logicalOr", (x, y) => (x !== 0 || y !== 0 ? 1 : 0), "bool", null);

/** Both operands as tensors (a plain number takes the other's dtype). @example pair(x, 2, "add") */
export function pair(a: TensorLike, b: TensorLike, name: string): Tensor[] {
  const ta = a instanceof Tensor ? a : asTensor(a, b instanceof Tensor ? b : null, name);
  const tb = b instanceof Tensor ? b : asTensor(b, ta, name);
  return [ta, tb];
}

/** a + b with broadcasting; a plain number works on either side. @example add(tensor([1, 2]), 10).toArray() // [11, 12] */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return apply(addOp, pair(a, b, "add"), null);
}
/** a - b with broadcasting. @example sub(1, tensor([1, 2])).toArray() // [0, -1] */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return apply(subOp, pair(a, b, "sub"), null);
}
/** a * b with broadcasting. @example mul(tensor([[1], [2]]), tensor([1, 10])).toArray() // [[1, 10], [2, 20]] */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return apply(mulOp, pair(a, b, "mul"), null);
}
/** a / b (true division: integers give float64). @example div(tensor([1, 2]), 4).toArray() // [0.25, 0.5] */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return apply(divOp, pair(a, b, "div"), null);
}
/** Elementwise max; a tie splits the gradient evenly. @example maximum(tensor([1, 5]), 3).toArray() // [3, 5] */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return apply(maximumOp, pair(a, b, "maximum"), null);
}
/** Elementwise min; a tie splits the gradient evenly. @example minimum(tensor([1, 5]), 3).toArray() // [1, 3] */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return apply(minimumOp, pair(a, b, "minimum"), null);
}
/** a == b (bool). Not differentiable (zero gradient). @example eq(tensor([1, 2]), 2).toArray() // [false, true] */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return apply(eqOp, pair(a, b, "eq"), null);
}
/** a != b (bool). Not differentiable (zero gradient). @example ne(tensor([1, 2]), 2).toArray() // [true, false] */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return apply(neOp, pair(a, b, "ne"), null);
}
/** a < b (bool). Not differentiable (zero gradient). @example lt(tensor([1, 2]), 2).toArray() // [true, false] */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return apply(ltOp, pair(a, b, "lt"), null);
}
/** a <= b (bool). Not differentiable (zero gradient). @example le(tensor([1, 2]), 2).toArray() // [true, true] */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return apply(leOp, pair(a, b, "le"), null);
}
/** a > b (bool). Not differentiable (zero gradient). @example gt(tensor([1, 2]), 1).toArray() // [false, true] */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return apply(gtOp, pair(a, b, "gt"), null);
}
/** a >= b (bool). Not differentiable (zero gradient). @example ge(tensor([1, 2]), 2).toArray() // [false, true] */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return apply(geOp, pair(a, b, "ge"), null);
}
/** Logical and (bool). Not differentiable. @example logicalAnd(tensor([true, true]), tensor([true, false])).toArray() // [true, false] */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return apply(andOp, pair(a, b, "logicalAnd"), null);
}
/** Logical or (bool). Not differentiable. @example logicalOr(tensor([true, false]), false).toArray() // [true, false] */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return apply(orOp, pair(a, b, "logicalOr"), null);
}

const whereOp = defineOp<null>({
  name: "where",
  differentiable: true,
  forward(inputs) {
    const [c, a, b] = inputs;
    const shape = broadcastShapes(broadcastShapes(c.shape, a.shape, "where"), b.shape, "where");
    const dt = promote(a.dtype, b.dtype);
    const out = emptyTensor(shape, dt);
    getBackend().where(
      c._buf(),
      broadcastStrides(c.shape, shape),
      a._buf(),
      broadcastStrides(a.shape, shape),
      b._buf(),
      broadcastStrides(b.shape, shape),
      out._buf(),
      shape,
    );
    return out;
  },
  backward(g, c) {
    const [cond, a, b] = c.inputs;
    return [
      null,
      c.needs[1] ? gradFor(where(cond, g, 0), a) : null,
      c.needs[2] ? gradFor(where(cond, 0, g), b) : null,
    ];
  },
});

/**
 * Pick from `a` where `cond` is true (nonzero), else from `b`, all broadcast together.
 * Differentiable in a and b.
 * @example where(tensor([true, false]), tensor([1, 2]), 0).toArray() // [1, 0]
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const tc = cond instanceof Tensor ? cond : asTensor(cond, null, "where");
  const [ta, tb] = pair(a, b, "where");
  return apply(whereOp, [tc, ta, tb], null);
}
