// pow, the one binary op whose gradient needs a unary op (log): defined above both.
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { apply } from "../autodiff/opRegistry.js";
import { binaryOp, eq, gradFor, mul, pair, sub, where } from "./binaryOps.js";
import { log } from "./unaryOps.js";

const powOp = binaryOp({
  kernel: "pow",
  dtypes: "float",
  backward: (g, c) => {
    const [a, b] = c.inputs;
    return [
      c.needs[0] ? gradFor(mul(g, mul(b, pow(a, sub(b, 1)))), a) : null,
      // d/db a^b = a^b log a; defined as 0 where a == 0 (PyTorch's convention).
      c.needs[1] ? gradFor(mul(g, mul(c.out, log(where(eq(a, 0), 1, a)))), b) : null,
    ];
  },
});

/**
 * a ** b elementwise; differentiable in both (d/db is 0 where a == 0).
 * @example pow(tensor([2, 3]), 2).toArray() // [4, 9]
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return apply(powOp, pair(a, b, "pow"), null);
}
