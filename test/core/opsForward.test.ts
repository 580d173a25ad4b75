import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as g from "../../src/index.js";
import { tensor, ShapeError } from "../../src/index.js";
import { assertClose } from "./closeTo.js";

const i32 = { dtype: "int32" } as const;

describe("elementwise forward values", () => {
  test("unary math", () => {
    const x = tensor([-1, 0, 0.5, 2]);
    assertClose(g.neg(x).toArray(), [1, -0, -0.5, -2]);
    assertClose(g.exp(x).toArray(), [Math.exp(-1), 1, Math.exp(0.5), Math.exp(2)]);
    assertClose(g.log(tensor([1, Math.E])).toArray(), [0, 1]);
    assertClose(g.log1p(tensor([1e-10])).toArray(), [1e-10], 1e-15);
    assertClose(g.expm1(tensor([1e-10])).toArray(), [1e-10], 1e-15);
    assertClose(g.sqrt(tensor([4, 9])).toArray(), [2, 3]);
    assertClose(g.square(x).toArray(), [1, 0, 0.25, 4]);
    assertClose(g.abs(x).toArray(), [1, 0, 0.5, 2]);
    assertClose(g.sin(x).toArray(), [Math.sin(-1), 0, Math.sin(0.5), Math.sin(2)]);
    assertClose(g.cos(x).toArray(), [Math.cos(-1), 1, Math.cos(0.5), Math.cos(2)]);
    assertClose(g.sigmoid(tensor([0, 1000, -1000])).toArray(), [0.5, 1, 0]);
    assertClose(g.softplus(tensor([0, 1000, -1000])).toArray(), [Math.LN2, 1000, 0]);
    assertClose(g.relu(x).toArray(), [0, 0, 0.5, 2]);
    assertClose(g.leakyRelu(x, 0.1).toArray(), [-0.1, 0, 0.5, 2]);
    assertClose(g.elu(x).toArray(), [Math.expm1(-1), 0, 0.5, 2]);
    assertClose(g.gelu(tensor([1, -1, 0])).toArray(), [0.8413447460685429, -0.15865525393145707, 0]);
    assertClose(g.clip(x, -0.5, 1).toArray(), [-0.5, 0, 0.5, 1]);
    assertClose(g.sign(x).toArray(), [-1, 0, 1, 1]);
    assertClose(g.step(x).toArray(), [0, 0, 1, 1]);
    assertClose(g.round(tensor([0.5, 1.5, 2.5, -0.5, 2.4])).toArray(), [0, 2, 2, -0, 2]);
    assertClose(g.floor(tensor([1.7, -1.2])).toArray(), [1, -2]);
  });
  test("fast tanh matches Math.tanh to a few ulp over a wide range", () => {
    let worst = 0;
    for (let i = -40000; i <= 40000; i++) {
      const v = i * 0.0005 + (i % 7) * 1e-7;
      const a = g.fastTanh(v),
        b = Math.tanh(v);
      const ulp = Math.max(Number.MIN_VALUE, Math.abs(b) * Number.EPSILON);
      worst = Math.max(worst, Math.abs(a - b) / ulp);
    }
    for (const v of [1e-300, -1e-20, 1e-8, 0.624999, 0.625, 21.9, 22.1, 400, -400]) {
      assert.ok(
        Math.abs(g.fastTanh(v) - Math.tanh(v)) <= 3 * Number.EPSILON * Math.abs(Math.tanh(v)),
        `tanh(${v})`,
      );
    }
    assert.ok(worst <= 3.5, `worst error ${worst} ulp`);
    assert.equal(g.fastTanh(0), 0);
    assert.ok(Number.isNaN(g.fastTanh(NaN)));
    assertClose(g.tanh(tensor([0.5, -3])).toArray(), [Math.tanh(0.5), Math.tanh(-3)], 1e-15);
  });
  test("float32 tanh (rational kernel) is within 2 float32 ulps on the js backend", () => {
    // The wasm interpreter evaluates the same rational in float32 lanes: test/wasm/fusedVm.test.ts.
    const prev = g.getBackend().name;
    g.setBackend("js");
    try {
      const xs: number[] = [];
      for (let i = -3000; i <= 3000; i++) xs.push(Math.fround(i * 0.004 + (i % 3) * 1e-5));
      xs.push(1e-30, -1e-7, 8.99, 9.5, 30, -30);
      const y = g.tanh(tensor(xs, { dtype: "float32" })).data;
      xs.forEach((v, i) => {
        const ref = Math.fround(Math.tanh(v));
        assert.ok(
          Math.abs(y[i] - ref) <= 2.5e-7 * Math.max(Math.abs(ref), 1e-30),
          `tanh(${v}) = ${y[i]} vs ${ref}`,
        );
      });
      assert.equal(g.tanh(tensor([30], { dtype: "float32" })).item(), 1);
    } finally {
      g.setBackend(prev);
    }
  });
  test("erf is accurate", () => {
    // Reference values from Python's math.erf / math.erfc.
    assertClose(g.erf(0.5), 0.5204998778130465, 1e-15);
    assertClose(g.erf(1), 0.8427007929497149, 1e-15);
    assertClose(g.erf(2.9), 0.9999589021219005, 1e-15);
    assertClose(g.erf(-3.5), -0.9999992569016276, 1e-15);
    assertClose(g.erfc(5), 1.5374597944280347e-12, 1e-13);
    assertClose(g.erfc(3.2) / 6.025761151762095e-6, 1, 1e-13);
  });
  test("binary ops broadcast NumPy-style and take numbers on either side", () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(g.add(a, tensor([10, 20, 30])).toArray(), [
      [11, 22, 33],
      [14, 25, 36],
    ]);
    assert.deepEqual(g.add(a, tensor([[100], [200]])).toArray(), [
      [101, 102, 103],
      [204, 205, 206],
    ]);
    assert.deepEqual(g.mul(tensor([[1], [2]]), tensor([1, 10])).toArray(), [
      [1, 10],
      [2, 20],
    ]);
    assert.deepEqual(g.sub(1, tensor([1, 2])).toArray(), [0, -1]);
    assert.deepEqual(g.div(tensor([1, 2]), 4).toArray(), [0.25, 0.5]);
    assert.deepEqual(g.pow(tensor([2, 3]), 2).toArray(), [4, 9]);
    assert.deepEqual(g.pow(2, tensor([3])).toArray(), [8]);
    assert.deepEqual(g.maximum(tensor([1, 5]), 3).toArray(), [3, 5]);
    assert.deepEqual(g.minimum(tensor([1, 5]), 3).toArray(), [1, 3]);
    assert.deepEqual(g.add(g.zeros([2, 1, 3]), g.ones([4, 1])).shape, [2, 4, 3]);
    assert.deepEqual(g.add(g.scalar(1), g.scalar(2)).shape, []);
    assert.equal(a.mul(2).add(1).sum().item(), 2 * 21 + 6);
  });
  test("broadcast errors name the op and both shapes", () => {
    assert.throws(
      () => g.add(g.ones([2, 3]), g.ones([4])),
      (e: Error) =>
        e instanceof ShapeError &&
        /add/.test(e.message) &&
        /\[2, 3\]/.test(e.message) &&
        /\[4\]/.test(e.message),
    );
    assert.throws(
      () => g.matmul(g.ones([2, 3]), g.ones([4, 5])),
      (e: Error) =>
        e instanceof ShapeError &&
        /matmul/.test(e.message) &&
        /\[2, 3\]/.test(e.message) &&
        /\[4, 5\]/.test(e.message),
    );
  });
  test("dtype promotion", () => {
    const i = tensor([1, 2], i32);
    assert.equal(g.add(i, 1).dtype, "int32");
    assert.equal(g.add(i, 1.5).dtype, "float64");
    assert.equal(g.div(i, 2).dtype, "float64");
    assert.equal(g.mul(tensor([1], { dtype: "float32" }), 2).dtype, "float32");
    assert.equal(g.add(tensor([1], { dtype: "float32" }), tensor([1])).dtype, "float64");
    assert.equal(g.exp(i).dtype, "float64");
    assert.equal(g.gt(i, 1).dtype, "bool");
  });
  test("comparisons and where", () => {
    const x = tensor([1, 2, 3]);
    assert.deepEqual(g.eq(x, 2).toArray(), [false, true, false]);
    assert.deepEqual(g.ne(x, 2).toArray(), [true, false, true]);
    assert.deepEqual(g.lt(x, 2).toArray(), [true, false, false]);
    assert.deepEqual(g.le(x, 2).toArray(), [true, true, false]);
    assert.deepEqual(g.gt(x, 2).toArray(), [false, false, true]);
    assert.deepEqual(g.ge(x, 2).toArray(), [false, true, true]);
    assert.deepEqual(g.where(g.gt(x, 1), x, tensor([[0], [-1]])).toArray(), [
      [0, 2, 3],
      [-1, 2, 3],
    ]);
  });
});

describe("reductions", () => {
  const a = tensor([
    [1, 5, 3],
    [7, 2, 4],
  ]);
  test("sum/mean/max/min/prod with axis and keepdims; full reductions give shape []", () => {
    assert.deepEqual(g.sum(a).shape, []);
    assert.equal(g.sum(a).item(), 22);
    assert.deepEqual(g.sum(a, { axis: 0 }).toArray(), [8, 7, 7]);
    assert.deepEqual(g.sum(a, { axis: -1, keepdims: true }).toArray(), [[9], [13]]);
    assert.deepEqual(g.sum(a, { axis: [0, 1] }).toArray(), 22);
    assert.deepEqual(g.mean(a, { axis: 1 }).toArray(), [3, 13 / 3]);
    assert.deepEqual(g.max(a, { axis: 1 }).toArray(), [5, 7]);
    assert.deepEqual(g.min(a, { axis: 0 }).toArray(), [1, 2, 3]);
    assert.deepEqual(g.prod(a, { axis: 0 }).toArray(), [7, 10, 12]);
    const b = g.arange(24).reshape([2, 3, 4]);
    assert.deepEqual(g.sum(b, { axis: [0, 2] }).toArray(), [60, 92, 124]);
    assert.deepEqual(g.sum(b, { axis: [0, 2], keepdims: true }).shape, [1, 3, 1]);
    assert.deepEqual(g.max(b, { axis: [1, 2] }).toArray(), [11, 23]);
    assert.equal(g.sum(tensor([1, 2], i32)).dtype, "int32");
    assert.throws(() => g.sum(a, { axis: 2 }), /axis 2 is out of range/);
  });
  test("logsumexp, var, std, norm", () => {
    assertClose(g.logsumexp(tensor([0, 0])).item(), Math.LN2);
    assertClose(g.logsumexp(tensor([1000, 1000])).item(), 1000 + Math.LN2);
    assertClose(
      g
        .logsumexp(
          tensor([
            [1, 2],
            [3, 4],
          ]),
          { axis: 1 },
        )
        .toArray(),
      [2 + Math.log1p(Math.exp(-1)), 4 + Math.log1p(Math.exp(-1))],
    );
    assertClose(g.variance(tensor([1, 2, 3, 4])).item(), 1.25);
    assertClose(g.var(tensor([1, 2, 3, 4]), { correction: 1 }).item(), 5 / 3);
    assertClose(g.std(tensor([1, 3])).item(), 1);
    assertClose(g.norm(tensor([3, 4])).item(), 5);
    assertClose(g.norm(tensor([3, -4]), { ord: 1 }).item(), 7);
    assertClose(g.norm(tensor([3, -4]), { ord: Infinity }).item(), 4);
    assertClose(
      g
        .norm(
          tensor([
            [3, 4],
            [0, 0],
          ]),
          { axis: 1 },
        )
        .toArray(),
      [5, 0],
    );
  });
  test("argmax/argmin are int32", () => {
    assert.deepEqual(g.argmax(a, { axis: 1 }).toArray(), [1, 0]);
    assert.deepEqual(g.argmin(a, { axis: 0 }).toArray(), [0, 1, 0]);
    assert.equal(g.argmax(a).item(), 3);
    assert.equal(g.argmax(a).dtype, "int32");
  });
  test("softmax and logSoftmax along an axis", () => {
    assertClose(g.softmax(tensor([0, 0])).toArray(), [0.5, 0.5]);
    const s = g
      .softmax(
        tensor([
          [1, 2, 3],
          [1, 1, 1000],
        ]),
        { axis: 1 },
      )
      .toArray();
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0] + e[1] + e[2];
    assertClose(s, [
      [e[0] / z, e[1] / z, e[2] / z],
      [0, 0, 1],
    ]);
    assertClose(g.logSoftmax(tensor([[1, 2, 3]])).toArray(), [
      [1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z)],
    ]);
    assertClose(
      g
        .softmax(
          tensor([
            [1, 1],
            [2, 2],
          ]),
          { axis: 0 },
        )
        .toArray(),
      [
        [1 / (1 + Math.E), 1 / (1 + Math.E)],
        [Math.E / (1 + Math.E), Math.E / (1 + Math.E)],
      ],
    );
  });
});

describe("matmul and shape ops", () => {
  test("matmul 2-D, 1-D rules, batched broadcasting, dot, outer", () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(g.matmul(a, a).toArray(), [
      [7, 10],
      [15, 22],
    ]);
    assert.deepEqual(g.matmul(a, tensor([1, 1])).toArray(), [3, 7]);
    assert.deepEqual(g.matmul(tensor([1, 1]), a).toArray(), [4, 6]);
    assert.equal(g.dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item(), 32);
    assert.deepEqual(g.outer(tensor([1, 2]), tensor([1, 10])).toArray(), [
      [1, 10],
      [2, 20],
    ]);
    const b = g.stack([a, g.mul(a, 2)]);
    assert.deepEqual(g.matmul(b, a).toArray(), [
      [
        [7, 10],
        [15, 22],
      ],
      [
        [14, 20],
        [30, 44],
      ],
    ]);
    assert.deepEqual(g.matmul(a, b).toArray(), [
      [
        [7, 10],
        [15, 22],
      ],
      [
        [14, 20],
        [30, 44],
      ],
    ]);
    assert.deepEqual(g.matmul(g.ones([3, 1, 2, 4]), g.ones([5, 4, 2])).shape, [3, 5, 2, 2]);
    assert.deepEqual(g.matmulT(a, a, false, true).toArray(), [
      [5, 11],
      [11, 25],
    ]);
    assert.deepEqual(a.T.toArray(), [
      [1, 3],
      [2, 4],
    ]);
  });
  test("larger matmul matches a naive product (float32 and float64, both transposes)", () => {
    const gen = g.generator(3);
    for (const dtype of ["float64", "float32"] as const) {
      const A = gen.randn([37, 70], { dtype }),
        B = gen.randn([70, 45], { dtype });
      const C = g.matmul(A, B).data;
      const ad = A.data,
        bd = B.data;
      let worst = 0;
      for (let i = 0; i < 37; i++)
        for (let j = 0; j < 45; j++) {
          let s = 0;
          for (let p = 0; p < 70; p++) s += ad[i * 70 + p] * bd[p * 45 + j];
          worst = Math.max(worst, Math.abs(s - C[i * 45 + j]));
        }
      assert.ok(worst < (dtype === "float32" ? 1e-4 : 1e-12), `${dtype} worst ${worst}`);
      const T1 = g.matmulT(A.T, B, true, false).data;
      const T2 = g.matmulT(A, B.T, false, true).data;
      for (let i = 0; i < C.length; i++) {
        assert.ok(Math.abs(T1[i] - C[i]) < 1e-4 && Math.abs(T2[i] - C[i]) < 1e-4);
      }
    }
  });
  test("reshape, flatten, transpose, permute, expandDims, squeeze", () => {
    const x = g.arange(6);
    assert.deepEqual(x.reshape([2, -1]).toArray(), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
    assert.throws(
      () => x.reshape([4, -1]),
      (e: Error) => e instanceof ShapeError && /\[6\]/.test(e.message),
    );
    assert.deepEqual(g.flatten(g.zeros([2, 3, 4]), 1).shape, [2, 12]);
    assert.deepEqual(g.transpose(x.reshape([2, 3])).toArray(), [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const y = g.arange(24).reshape([2, 3, 4]);
    const p = g.permute(y, [2, 0, 1]);
    assert.deepEqual(p.shape, [4, 2, 3]);
    assert.equal(p.toArray()[3][1][2], 23);
    assert.equal(p.toArray()[1][0][2], 9);
    assert.deepEqual(g.expandDims(tensor([1, 2]), 0).shape, [1, 2]);
    assert.deepEqual(g.expandDims(tensor([1, 2]), -1).shape, [2, 1]);
    assert.deepEqual(g.squeeze(g.zeros([1, 3, 1])).shape, [3]);
    assert.throws(() => g.squeeze(g.zeros([2, 3]), 0), /size 2/);
  });
  test("slice, index, concat, stack, gather, takeAlongAxis, oneHot", () => {
    assert.deepEqual(g.slice(g.arange(10), [[2, 8, 2]]).toArray(), [2, 4, 6]);
    assert.deepEqual(g.slice(g.arange(5), [[undefined, undefined, -1]]).toArray(), [4, 3, 2, 1, 0]);
    assert.deepEqual(g.slice(g.arange(5), [[-2]]).toArray(), [3, 4]);
    const m = g.arange(12).reshape([3, 4]);
    assert.deepEqual(g.slice(m, [1, 0], [3, 2]).toArray(), [
      [4, 5],
      [8, 9],
    ]);
    assert.deepEqual(g.slice(m, [null, [1, 3]]).toArray(), [
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    assert.deepEqual(g.index(m, 1).toArray(), [4, 5, 6, 7]);
    assert.deepEqual(g.index(m, -1, 1).toArray(), [3, 7, 11]);
    assert.throws(() => g.index(m, 3), /out of range/);
    assert.deepEqual(g.concat([g.ones([2, 1]), g.zeros([2, 2])], 1).toArray(), [
      [1, 0, 0],
      [1, 0, 0],
    ]);
    assert.throws(() => g.concat([g.ones([2, 1]), g.zeros([3, 2])], 1), ShapeError);
    assert.deepEqual(g.stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(), [
      [1, 3],
      [2, 4],
    ]);
    const idx = tensor([2, 0, 2], i32);
    assert.deepEqual(g.gather(m, idx, 0).toArray(), [
      [8, 9, 10, 11],
      [0, 1, 2, 3],
      [8, 9, 10, 11],
    ]);
    assert.deepEqual(g.gather(m, tensor([[3, 0]], i32), 1).shape, [3, 1, 2]);
    assert.deepEqual(g.takeAlongAxis(m, tensor([[1], [0], [3]], i32), 1).toArray(), [[1], [4], [11]]);
    assert.deepEqual(g.oneHot(tensor([0, 2], i32), 3).toArray(), [
      [1, 0, 0],
      [0, 0, 1],
    ]);
    assert.throws(() => g.gather(m, tensor([5], i32), 0), /out of range/);
  });
  test("broadcastTo and sumTo are adjoint", () => {
    assert.deepEqual(g.broadcastTo(tensor([1, 2]), [2, 2]).toArray(), [
      [1, 2],
      [1, 2],
    ]);
    assert.deepEqual(g.sumTo(g.ones([2, 3]), [3]).toArray(), [2, 2, 2]);
    assert.deepEqual(g.sumTo(g.ones([2, 3]), [2, 1]).toArray(), [[3], [3]]);
  });
});
