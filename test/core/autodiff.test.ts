import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as g from "../../src/index.js";
import { tensor, scalar, grad, valueAndGrad, vjp, jvp, jacobian, hessian, Tensor } from "../../src/index.js";
import { assertClose } from "./closeTo.js";

/** d/dx sum(f(x)) must equal the analytic derivative elementwise. */
function checkUnary(name: string, f: (x: Tensor) => Tensor, df: (v: number) => number, xs: number[]): void {
  test(`${name}: gradient equals the analytic derivative`, () => {
    const x = tensor(xs, { requiresGrad: true });
    f(x).sum().backward();
    assertClose(x.grad!.toArray(), xs.map(df), 1e-12, name);
    // The functional face gives the same result, and the scalar fast path too.
    assertClose(grad((t: Tensor) => f(t).sum())(tensor(xs)).toArray(), xs.map(df), 1e-12, name);
    for (const v of xs) {
      const s = scalar(v, { requiresGrad: true });
      f(s).backward();
      assertClose(s.grad!.item(), df(v), 1e-12, `${name} scalar at ${v}`);
    }
  });
}

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const pdf = (v: number) => Math.exp((-v * v) / 2) / Math.sqrt(2 * Math.PI);
const cdf = (v: number) => 0.5 * (1 + g.erf(v / Math.SQRT2));

describe("unary gradients", () => {
  const pts = [-1.5, -0.3, 0.4, 2];
  const pos = [0.3, 1, 2.5];
  checkUnary("neg", g.neg, () => -1, pts);
  checkUnary("exp", g.exp, Math.exp, pts);
  checkUnary("log", g.log, (v) => 1 / v, pos);
  checkUnary("log1p", g.log1p, (v) => 1 / (1 + v), pos);
  checkUnary("expm1", g.expm1, Math.exp, pts);
  checkUnary("sqrt", g.sqrt, (v) => 0.5 / Math.sqrt(v), pos);
  checkUnary("square", g.square, (v) => 2 * v, pts);
  checkUnary("abs", g.abs, Math.sign, pts);
  checkUnary("sin", g.sin, Math.cos, pts);
  checkUnary("cos", g.cos, (v) => -Math.sin(v), pts);
  checkUnary("tanh", g.tanh, (v) => 1 - Math.tanh(v) ** 2, pts);
  checkUnary("sigmoid", g.sigmoid, (v) => sig(v) * (1 - sig(v)), pts);
  checkUnary("softplus", g.softplus, sig, pts);
  checkUnary("relu", g.relu, (v) => (v > 0 ? 1 : 0), pts);
  checkUnary(
    "leakyRelu",
    (x) => g.leakyRelu(x, 0.2),
    (v) => (v > 0 ? 1 : 0.2),
    pts,
  );
  checkUnary(
    "elu",
    (x) => g.elu(x, 1.5),
    (v) => (v > 0 ? 1 : 1.5 * Math.exp(v)),
    pts,
  );
  checkUnary("gelu", g.gelu, (v) => cdf(v) + v * pdf(v), pts);
  checkUnary(
    "clip",
    (x) => g.clip(x, -1, 1),
    (v) => (v >= -1 && v <= 1 ? 1 : 0),
    pts,
  );
  checkUnary(
    "powScalar",
    (x) => g.powScalar(x, 3),
    (v) => 3 * v * v,
    pts,
  );
  checkUnary(
    "pow (number exponent)",
    (x) => g.pow(x, 2.5),
    (v) => 2.5 * v ** 1.5,
    pos,
  );
  checkUnary("reciprocal", g.reciprocal, (v) => -1 / (v * v), pos);
  checkUnary(
    "div (number numerator)",
    (x) => g.div(2, x),
    (v) => -2 / (v * v),
    pos,
  );
  for (const [name, f] of [
    ["sign", g.sign],
    ["step", g.step],
    ["round", g.round],
    ["floor", g.floor],
  ] as const) {
    test(`${name} is not differentiable: zero gradient, flagged in the registry`, () => {
      assertClose(
        grad((x: Tensor) => f(x).mul(x).sum())(tensor([1.3, -2.2])).toArray(),
        f(tensor([1.3, -2.2])).toArray() as number[],
      );
      assert.equal(g.getOp(name)!.differentiable, false);
    });
  }
  test("comparisons and argmax are flagged non-differentiable", () => {
    for (const n of ["eq", "ne", "lt", "le", "gt", "ge", "argmax", "argmin"])
      assert.equal(g.getOp(n)!.differentiable, false, n);
    for (const n of ["add", "mul", "tanh", "matmul", "sum"])
      assert.equal(g.getOp(n)!.differentiable, true, n);
    const trace = g.traceOps(() => g.sign(tensor([1], { requiresGrad: true })).sum());
    assert.deepEqual(
      trace.ops.map((o) => [o.name, o.differentiable]),
      [
        ["sign", false],
        ["sum", true],
      ],
    );
  });
});

describe("binary, reduction, matmul and shape gradients", () => {
  test("binary ops with broadcasting reduce gradients to each input's shape", () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([0.5, -1, 2]);
    const [ga, gb] = grad((x: Tensor, y: Tensor) => x.mul(y).sum(), { argnums: [0, 1] })(a, b);
    assert.deepEqual(ga.toArray(), [
      [0.5, -1, 2],
      [0.5, -1, 2],
    ]);
    assert.deepEqual(gb.toArray(), [5, 7, 9]);
    const [da, db] = grad((x: Tensor, y: Tensor) => x.div(y).sum(), { argnums: [0, 1] })(a, b);
    assertClose(da.toArray(), [
      [2, -1, 0.5],
      [2, -1, 0.5],
    ]);
    assertClose(db.toArray(), [-5 / 0.25, -7 / 1, -9 / 4]);
    const [pa, pb] = grad((x: Tensor, y: Tensor) => g.pow(x, y).sum(), { argnums: [0, 1] })(
      tensor([2, 3]),
      tensor([3, 0.5]),
    );
    assertClose(pa.toArray(), [3 * 4, 0.5 / Math.sqrt(3)]);
    assertClose(pb.toArray(), [8 * Math.LN2, Math.sqrt(3) * Math.log(3)]);
    const [sa, sb] = grad((x: Tensor, y: Tensor) => x.sub(y).sum(), { argnums: [0, 1] })(
      tensor([[1], [2]]),
      tensor([1, 2, 3]),
    );
    assert.deepEqual(sa.toArray(), [[3], [3]]);
    assert.deepEqual(sb.toArray(), [-2, -2, -2]);
  });
  test("large broadcast products use the fused reduction and match the plain rule", () => {
    const gen = g.generator(5);
    const w = gen.randn([10, 10, 1]),
      x = gen.randn([1000]),
      y = gen.randn([7, 1, 1, 1000], { dtype: "float32" });
    const f = (a: Tensor, b: Tensor) => a.mul(b).square().mean({ axis: -1 }).sum();
    const [gw, gx] = grad(f, { argnums: [0, 1] })(w, x);
    const wd = w.toArray() as number[][][],
      xd = x.toArray() as number[];
    let sx2 = 0;
    for (const v of xd) sx2 += v * v;
    assertClose((gw.toArray() as number[][][])[3][7][0], (2 * wd[3][7][0] * sx2) / 1000, 1e-12);
    let sw2 = 0;
    for (const row of wd) for (const c of row) sw2 += c[0] * c[0];
    assertClose((gx.toArray() as number[])[42], (2 * xd[42] * sw2) / 1000, 1e-12);
    const gy = grad((t: Tensor) => t.mul(g.ones([10, 1])).sum())(y);
    assert.equal(gy.dtype, "float32");
    assert.deepEqual(gy.shape, [7, 1, 1, 1000]);
    assertClose(gy.toArray()[6][0][0][999], 10);
  });
  test("maximum/minimum split ties, where routes gradients", () => {
    const [ga, gb] = grad((x: Tensor, y: Tensor) => g.maximum(x, y).sum(), { argnums: [0, 1] })(
      tensor([1, 2, 3]),
      tensor([2, 2, 2]),
    );
    assert.deepEqual(ga.toArray(), [0, 0.5, 1]);
    assert.deepEqual(gb.toArray(), [1, 0.5, 0]);
    const gm = grad((x: Tensor) => g.minimum(x, 2).sum())(tensor([1, 2, 3]));
    assert.deepEqual(gm.toArray(), [1, 0.5, 0]);
    const [wa, wb] = grad(
      (x: Tensor, y: Tensor) =>
        g
          .where(tensor([true, false]), x, y)
          .mul(tensor([3, 4]))
          .sum(),
      { argnums: [0, 1] },
    )(tensor([1, 1]), tensor([1, 1]));
    assert.deepEqual(wa.toArray(), [3, 0]);
    assert.deepEqual(wb.toArray(), [0, 4]);
  });
  test("reductions", () => {
    const x = tensor([
      [1, 5, 3],
      [7, 2, 7],
    ]);
    assert.deepEqual(
      grad((t: Tensor) =>
        t
          .sum({ axis: 0 })
          .mul(tensor([1, 2, 3]))
          .sum(),
      )(x).toArray(),
      [
        [1, 2, 3],
        [1, 2, 3],
      ],
    );
    assertClose(grad((t: Tensor) => t.mean())(x).toArray(), [
      [1 / 6, 1 / 6, 1 / 6],
      [1 / 6, 1 / 6, 1 / 6],
    ]);
    assert.deepEqual(grad((t: Tensor) => t.max({ axis: 1 }).sum())(x).toArray(), [
      [0, 1, 0],
      [0.5, 0, 0.5],
    ]);
    assert.deepEqual(grad((t: Tensor) => t.min())(x).toArray(), [
      [1, 0, 0],
      [0, 0, 0],
    ]);
    assert.deepEqual(grad((t: Tensor) => t.prod({ axis: 1 }).sum())(tensor([[1, 2, 3]])).toArray(), [
      [6, 3, 2],
    ]);
    const v = tensor([0.5, -1, 2]);
    const s = Math.exp(0.5) + Math.exp(-1) + Math.exp(2);
    assertClose(grad((t: Tensor) => g.logsumexp(t))(v).toArray(), [
      Math.exp(0.5) / s,
      Math.exp(-1) / s,
      Math.exp(2) / s,
    ]);
    const m = (0.5 - 1 + 2) / 3;
    assertClose(
      grad((t: Tensor) => g.variance(t))(v).toArray(),
      [0.5, -1, 2].map((u) => (2 * (u - m)) / 3),
    );
    assertClose(grad((t: Tensor) => g.norm(t))(tensor([3, 4])).toArray(), [0.6, 0.8]);
    assert.deepEqual(grad((t: Tensor) => g.norm(t))(tensor([0, 0])).toArray(), [0, 0]);
  });
  test("softmax / logSoftmax gradients", () => {
    const x = tensor([[0.2, -1, 0.5]]);
    const w = tensor([[1, 2, 3]]);
    const p = g.softmax(x).toArray()[0] as number[];
    const dot = p[0] * 1 + p[1] * 2 + p[2] * 3;
    assertClose(grad((t: Tensor) => g.softmax(t).mul(w).sum())(x).toArray(), [
      p.map((pi, i) => pi * (i + 1 - dot)),
    ]);
    assertClose(grad((t: Tensor) => g.logSoftmax(t).mul(w).sum())(x).toArray(), [
      p.map((pi, i) => i + 1 - pi * 6),
    ]);
  });
  test("matmul gradients (2-D, batched with broadcasting, 1-D)", () => {
    const a = tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      b = tensor([
        [1, -1, 2],
        [0.5, 3, -2],
      ]);
    const [ga, gb] = grad((x: Tensor, y: Tensor) => x.matmul(y).sum(), { argnums: [0, 1] })(a, b);
    assert.deepEqual(ga.toArray(), [
      [2, 1.5],
      [2, 1.5],
      [2, 1.5],
    ]);
    assert.deepEqual(gb.toArray(), [
      [9, 9, 9],
      [12, 12, 12],
    ]);
    const batch = g.stack([a, a.mul(2)]);
    const [gA, gB] = grad((x: Tensor, y: Tensor) => x.matmul(y).sum(), { argnums: [0, 1] })(batch, b);
    assert.deepEqual(gA.shape, [2, 3, 2]);
    assert.deepEqual(gB.toArray(), [
      [27, 27, 27],
      [36, 36, 36],
    ]);
    const gv = grad((v: Tensor) => a.matmul(v).sum())(tensor([1, 1]));
    assert.deepEqual(gv.toArray(), [9, 12]);
  });
  test("shape op gradients", () => {
    const x = g.arange(6).reshape([2, 3]);
    const w = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assert.deepEqual(grad((t: Tensor) => t.transpose().mul(w).sum())(x).toArray(), [
      [1, 3, 5],
      [2, 4, 6],
    ]);
    assert.deepEqual(
      grad((t: Tensor) =>
        g
          .slice(t, [null, [1, 3]])
          .mul(tensor([10, 20]))
          .sum(),
      )(x).toArray(),
      [
        [0, 10, 20],
        [0, 10, 20],
      ],
    );
    assert.deepEqual(grad((t: Tensor) => g.index(t, 1).sum())(x).toArray(), [
      [0, 0, 0],
      [1, 1, 1],
    ]);
    const [c1, c2] = grad(
      (p: Tensor, q: Tensor) =>
        g
          .concat([p, q], 0)
          .mul(tensor([[1], [2], [3]]))
          .sum(),
      { argnums: [0, 1] },
    )(
      tensor([[1, 1]]),
      tensor([
        [1, 1],
        [1, 1],
      ]),
    );
    assert.deepEqual(c1.toArray(), [[1, 1]]);
    assert.deepEqual(c2.toArray(), [
      [2, 2],
      [3, 3],
    ]);
    const gi = grad((t: Tensor) => g.gather(t, tensor([0, 0, 2], { dtype: "int32" }), 0).sum())(
      tensor([1, 2, 3]),
    );
    assert.deepEqual(gi.toArray(), [2, 0, 1]);
    assert.deepEqual(
      grad((t: Tensor) => t.expandDims(0).squeeze().reshape([3, 2]).flatten().sum())(x).toArray(),
      [
        [1, 1, 1],
        [1, 1, 1],
      ],
    );
    assert.deepEqual(
      grad((t: Tensor) => g.broadcastTo(t, [4, 3]).sum())(tensor([1, 2, 3])).toArray(),
      [4, 4, 4],
    );
  });
});

describe("transforms", () => {
  test("grad and valueAndGrad over pytrees and argnums", () => {
    const params = { w: tensor([1, 2]), b: [tensor(0.5)] };
    const x = tensor([3, 4]);
    const f = (p: typeof params) => p.w.mul(x).sum().add(p.b[0]).square();
    const [v, gr] = valueAndGrad(f)(params);
    const inner = 3 + 8 + 0.5;
    assertClose(v.item(), inner * inner);
    assertClose(gr.w.toArray(), [2 * inner * 3, 2 * inner * 4]);
    assertClose(gr.b[0].item(), 2 * inner);
    const [g0, g1] = grad((a: Tensor, b: Tensor) => a.mul(b).sum(), { argnums: [0, 1] })(
      tensor([1, 2]),
      tensor([3, 4]),
    );
    assert.deepEqual(
      [g0.toArray(), g1.toArray()],
      [
        [3, 4],
        [1, 2],
      ],
    );
    assert.equal(grad((a: Tensor) => a.mul(a))(3 as unknown as Tensor).item(), 6);
    // A function that ignores its input has zero gradient.
    assert.deepEqual(grad((_a: Tensor) => tensor(1).mul(2))(tensor([1, 2])).toArray(), [0, 0]);
  });
  test("nested transforms: grad(grad(f)) is exact; no perturbation confusion", () => {
    const f = (x: Tensor) => x.mul(x).mul(x);
    const d2 = grad(grad(f));
    assertClose(d2(scalar(2)).item(), 12);
    const d3 = grad(grad(grad((x: Tensor) => g.sin(x))));
    assertClose(d3(scalar(0.7)).item(), -Math.cos(0.7));
    // d/dx [x * d/dy (x * y)] = d/dx x^2 = 2x
    const h = grad((x: Tensor) => x.mul(grad((y: Tensor) => x.mul(y))(scalar(1))));
    assertClose(h(scalar(3)).item(), 6);
    const confusion = grad((x: Tensor) => grad((y: Tensor) => x.mul(y))(x));
    assertClose(confusion(scalar(5)).item(), 1);
    assertClose(
      grad(grad((x: Tensor) => g.tanh(x)))(scalar(0.3)).item(),
      -2 * Math.tanh(0.3) * (1 - Math.tanh(0.3) ** 2),
    );
  });
  test("Hessian of Rosenbrock equals the analytic one", () => {
    const rosen = (p: Tensor) => {
      const x = g.index(p, 0),
        y = g.index(p, 1);
      return g.square(g.sub(1, x)).add(g.square(y.sub(x.square())).mul(100));
    };
    for (const [x, y] of [
      [-1.2, 1],
      [1, 1],
      [0.3, -0.7],
    ]) {
      const H = hessian(rosen)(tensor([x, y]));
      assert.deepEqual(H.shape, [2, 2]);
      assertClose(
        H.toArray(),
        [
          [1200 * x * x - 400 * y + 2, -400 * x],
          [-400 * x, 200],
        ],
        1e-10,
      );
      assertClose(
        grad(rosen)(tensor([x, y])).toArray(),
        [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
        1e-10,
      );
    }
  });
  test("Hessian of softmax cross-entropy is diag(p) - p pᵀ", () => {
    const z = tensor([0.3, -1.2, 2.0, 0.1]);
    const y = tensor([0, 0, 1, 0]);
    const ce = (t: Tensor) => g.logSoftmax(t).mul(y).sum().neg();
    const p = g.softmax(z).toArray() as number[];
    const H = hessian(ce)(z).toArray() as number[][];
    const expected = p.map((pi, i) => p.map((pj, j) => (i === j ? pi : 0) - pi * pj));
    assertClose(H, expected, 1e-12);
    // Through the composite path (softmax, log, sum) as well.
    const ce2 = (t: Tensor) => g.log(g.softmax(t)).mul(y).sum().neg();
    assertClose(hessian(ce2)(z).toArray(), expected, 1e-12);
  });
  test("jacobian shape is [...outShape, ...xShape]", () => {
    const J = jacobian((x: Tensor) => x.mul(x))(tensor([1, 2]));
    assert.deepEqual(J.toArray(), [
      [2, 0],
      [0, 4],
    ]);
    const w = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const J2 = jacobian((x: Tensor) => w.matmul(x))(tensor([[1], [1], [1]]));
    assert.deepEqual(J2.shape, [2, 1, 3, 1]);
    assertClose(J2.reshape([2, 3]).toArray(), w.toArray());
  });
  test("jvp agrees with vjp (⟨u, J t⟩ = ⟨Jᵀ u, t⟩)", () => {
    const gen = g.generator(11);
    const w = gen.randn([3, 4]);
    const f = (x: Tensor) =>
      g
        .tanh(w.matmul(x))
        .mul(x.sum())
        .add(g.softmax(w.matmul(x)));
    const x = gen.randn([4]),
      t = gen.randn([4]),
      u = gen.randn([3]);
    const [out, jt] = jvp(f, [x], [t]);
    const [out2, back] = vjp(f, x);
    const [jtu] = back(u);
    assertClose((out as Tensor).toArray(), (out2 as Tensor).toArray());
    assertClose(g.dot(u, jt).item(), g.dot(jtu, t).item(), 1e-12);
    // And against the full Jacobian.
    const J = jacobian(f)(x);
    assertClose(jt.toArray(), J.matmul(t).toArray(), 1e-12);
  });
  test("vjp over pytrees; jvp of a scalar function equals the directional derivative", () => {
    const [out, back] = vjp((p: { a: Tensor; b: Tensor }) => [p.a.mul(p.b), p.a.sum()], {
      a: tensor([1, 2]),
      b: tensor([3, 4]),
    });
    assert.equal(out.length, 2);
    const [gp] = back([tensor([1, 1]), tensor(2)]);
    assert.deepEqual(gp.a.toArray(), [5, 6]);
    assert.deepEqual(gp.b.toArray(), [1, 2]);
    const [, d] = jvp((x: Tensor) => x.square().sum(), [tensor([1, 2])], [tensor([1, 0])]);
    assertClose(d.item(), 2);
  });
  test("stopGradient and noGrad", () => {
    assert.deepEqual(grad((x: Tensor) => x.mul(g.stopGradient(x)).sum())(tensor([3])).toArray(), [3]);
    const w = tensor([1, 2], { requiresGrad: true });
    const y = g.noGrad(() => w.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(g.isGradEnabled(), true);
  });
});

describe("imperative face", () => {
  test("backward accumulates into leaves; zeroGrad clears; retainGraph allows a second pass", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    assert.deepEqual(x.grad!.toArray(), [4, 8]);
    assert.throws(() => y.backward(), /freed/);
    x.zeroGrad();
    assert.equal(x.grad, null);
    x.mul(3).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [3, 3]);
    const s = scalar(2, { requiresGrad: true });
    const t = s.mul(s).add(s);
    t.backward();
    t.zeroGrad();
    assert.equal(s.grad!.item(), 5);
  });
  test("createGraph gives differentiable .grad", () => {
    const x = scalar(3, { requiresGrad: true });
    x.mul(x).mul(x).backward(undefined, { createGraph: true });
    const gx = x.grad!;
    assert.equal(gx.item(), 27);
    x.zeroGrad();
    gx.backward();
    assert.equal(x.grad!.item(), 18);
  });
  test("backward of a non-scalar needs a cotangent", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    assert.throws(() => x.mul(2).backward(), /not a scalar; pass a cotangent/);
    x.mul(2).backward(tensor([1, 10]));
    assert.deepEqual(x.grad!.toArray(), [2, 20]);
    assert.throws(
      () => x.mul(2).backward(tensor([1])),
      /cotangent shape \[1\] does not match the output shape \[2\]/,
    );
  });
  test("a chain of 1,000,000 scalar ops backpropagates without stack overflow and frees its graph", () => {
    const x = scalar(0.5, { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 1_000_000; i++) y = y.mul(1.0000001);
    y.backward();
    assertClose(x.grad!.item(), Math.pow(1.0000001, 1_000_000), 1e-9);
    assert.equal(y.isLeaf, true, "the graph was released after backward");
    // The same depth through the tensor (non-scalar) path and the functional face.
    const f = (v: Tensor) => {
      let z = v;
      for (let i = 0; i < 200_000; i++) z = z.add(1);
      return z.sum();
    };
    assert.deepEqual(grad(f)(tensor([1, 2])).toArray(), [1, 1]);
  });
});

describe("errors", () => {
  test("grad of a non-scalar output", () => {
    assert.throws(
      () => grad((x: Tensor) => x.mul(2))(tensor([1, 2])),
      /must return a scalar \(shape \[\]\), got shape \[2\]/,
    );
  });
  test("grad with respect to an int or bool input", () => {
    assert.throws(
      () => grad((x: Tensor) => x.sum())(tensor([1, 2], { dtype: "int32" })),
      /argument 0 has dtype int32; gradients are defined only for float tensors/,
    );
    assert.throws(() => grad((x: Tensor) => x.sum())(tensor([true])), /dtype bool/);
  });
  test("a tensor created under noGrad then differentiated", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const y = g.noGrad(() => w.mul(2).sum());
    assert.throws(() => y.backward(), /computed under noGrad/);
    assert.throws(
      () => grad((x: Tensor) => g.noGrad(() => x.mul(2)).sum())(tensor([1])),
      /computed under noGrad/,
    );
    assert.throws(() => scalar(1).backward(), /does not require grad/);
  });
  test("detectAnomaly names the first op producing NaN/Inf, forward and backward", () => {
    assert.throws(
      () => g.detectAnomaly(() => g.log(tensor([-1, 1])).sum()),
      (e: Error) =>
        e instanceof g.AnomalyError && /output of log/.test(e.message) && /forward/.test(e.message),
    );
    // sqrt(0) is fine forward, its gradient 1/(2·0) is Inf: caught in backward.
    assert.throws(
      () => g.detectAnomaly(() => grad((x: Tensor) => g.sqrt(x).sum())(tensor([0, 1]))),
      (e: Error) => e instanceof g.AnomalyError && /sqrt's backward/.test(e.message),
    );
    assert.throws(
      () =>
        g.detectAnomaly(() => {
          const s = scalar(0, { requiresGrad: true });
          g.sqrt(s).backward();
        }),
      /sqrt's backward/,
    );
    assert.equal(
      g.detectAnomaly(() => g.exp(tensor([1])).item()),
      Math.E,
    );
  });
  test("intermediates released by grad say so when read", () => {
    let leaked: Tensor | null = null;
    grad((x: Tensor) => {
      leaked = x.mul(2).add(1).mul(x);
      return leaked.sum();
    })(g.ones([100]));
    assert.throws(() => leaked!.data, /released: its buffer went back to the pool/);
  });
  test("storage read through .data inside f is never recycled", () => {
    let kept: ArrayLike<number> | null = null;
    grad((x: Tensor) => {
      const h = x.mul(2);
      kept = h.data;
      return h.sum();
    })(g.ones([100]));
    grad((x: Tensor) => x.mul(3).sum())(g.ones([100]));
    assert.equal(kept![0], 2);
  });
  test("dispose returns buffers to the pool and blocks later reads", () => {
    const t = g.ones([256]).mul(2);
    assert.equal(g.dispose({ a: t, b: [g.ones([256]).mul(3)] }), 2);
    assert.throws(() => t.sum(), /released/);
  });
});
