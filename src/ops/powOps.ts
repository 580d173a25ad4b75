// pow, the one binary op whose gradient needs a unary op (log): defined above both.
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { apply } from "../autodiff/opRegistry.js";
import { defBinary, eq, gradFor, mul, pair, sub, where } from "./binaryOps.js";
import { log } from "./unaryOps.js";

const powOp = defBinary(
  "pow",
  "pow",
  Math.pow,
  "float",
  (g, c) => {
    const [a, b] = c.inputs;
    return [
      c.needs[0] ? gradFor(mul(g, mul(b, pow(a, sub(b, 1)))), a) : null,
      // d/db a^b = a^b log a; defined as 0 where a == 0 (PyTorch's convention).
      c.needs[1] ? gradFor(mul(g, mul(c.out, log(where(eq(a, 0), 1, a)))), b) : null,
    ];
  },
  (g, a, b, o, r) => {
    r[0] = g * (b * Math.pow(a, b - 1));
    r[1] = g * (o * Math.log(a === 0 ? 1 : a));
  },
);

/**
 * a ** b elementwise; differentiable in both (d/db is 0 where a == 0).
 * @example pow(tensor([2, 3]), 2).toArray() // [4, 9]
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return apply(powOp, pair(a, b, "pow"), null);
}
