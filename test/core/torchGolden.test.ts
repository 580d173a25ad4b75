// Golden tests against PyTorch: every case in test/fixtures/core-*.json (written by
// test/fixtures/torch_core.py) is re-implemented here with gradlab ops, and its value,
// gradients, Jacobian and Hessian must match torch's float64 numbers to 1e-10.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as g from "../../src/index.js";
import { type Tensor } from "../../src/index.js";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { type FixtureTensor, fixtureData, loadFixture, repoRoot, toTensor } from "../fixtureLoader.js";

const TOL = 1e-10;
/** float32 runs of the same cases: torch's float64 numbers to float32 precision (scaled error). */
const TOL_FLOAT32 = 1e-4;

/** A large input rebuilt from four numbers: x_k = scale * sin(alpha * k + beta) over the flat index k. */
interface FormulaInput {
  shape: number[];
  alpha: number;
  beta: number;
  scale?: number;
}

/** kind "large": formula inputs; the value, a weighted checksum of each gradient and a few gradient entries. */
interface LargeCase {
  name: string;
  formula: string;
  kind: "large";
  inputs: Record<string, FormulaInput>;
  value: FixtureTensor;
  gradChecksums: Record<string, FixtureTensor>;
  gradSamples: Record<string, { index: number[]; values: FixtureTensor }>;
}

interface GoldenCase {
  name: string;
  formula: string;
  kind: "scalar" | "vector";
  inputs: Record<string, FixtureTensor>;
  constants: Record<string, FixtureTensor>;
  params: Record<string, unknown>;
  value: FixtureTensor;
  grads: Record<string, FixtureTensor>;
  cotangent?: FixtureTensor;
  jacobian?: FixtureTensor;
  hessian?: FixtureTensor;
}

type Args = Record<string, Tensor>;
type Fn = (a: Args) => Tensor;

/** Python-style indexing per axis: [start, end, step?], null for the whole axis, or a number to pick (and drop) that index. */
type AxisSpec = [number, number] | [number, number, number] | number | null;

/** x[spec] with Python semantics, from the core's slice and squeeze. */
function pyslice(x: Tensor, spec: AxisSpec[]): Tensor {
  const picked: number[] = [];
  const ranges = spec.map((s, axis) => {
    if (typeof s !== "number") return s;
    picked.push(axis);
    return [s, s + 1] as [number, number];
  });
  const out = g.slice(x, ranges);
  return picked.length > 0 ? g.squeeze(out, picked) : out;
}

const sqrt2OverPi = Math.sqrt(2 / Math.PI);

const rosenbrock: Fn = ({ x }) => {
  const n = x.shape[0];
  const head = pyslice(x, [[0, n - 1]]);
  const tail = pyslice(x, [[1, n]]);
  return tail.sub(head.square()).square().mul(100).add(g.sub(1, head).square()).sum();
};

/** Each fixture case, written with gradlab ops exactly as torch_core.py writes it with torch. */
const IMPLEMENTATIONS: Record<string, Fn> = {
  // elementwise and broadcasting
  arith_broadcast: ({ x, y }) =>
    x
      .mul(y)
      .add(x.div(g.add(1, y.pow(2))))
      .sub(x.sub(y).pow(2).mul(0.5))
      .add(g.div(3, g.add(2, y.pow(2))))
      .sum(),
  pow_tensor: ({ a, b }) => g.pow(a, b).add(g.pow(a, 3)).add(g.pow(2, b)).sum(),
  exp_log_family: ({ x }) =>
    g
      .log1p(x.pow(2))
      .add(g.expm1(x.mul(0.5)))
      .add(g.sqrt(x.pow(2).add(1)))
      .add(g.log(g.exp(x).add(2)))
      .add(g.square(x))
      .add(g.neg(x))
      .sum(),
  trig_outer_broadcast: ({ x, y }) =>
    g
      .sin(x)
      .mul(g.cos(y))
      .add(g.tanh(x.mul(y)))
      .sum(),
  activations: ({ x }) =>
    g
      .sigmoid(x)
      .mul(g.softplus(x))
      .add(g.elu(x, 1))
      .add(g.leakyRelu(x, 0.1))
      .add(g.relu(x))
      .add(g.abs(x).mul(x))
      .sum(),
  elu_alpha: ({ x }) => g.elu(x, 0.7).pow(2).sum(),
  gelu_chain: ({ x }) => g.softplus(g.elu(g.gelu(x).mul(1.5).sub(0.3))).sum(),
  gelu_tanh_formula: ({ x }) =>
    x
      .mul(0.5)
      .mul(g.add(1, g.tanh(x.add(x.pow(3).mul(0.044715)).mul(sqrt2OverPi))))
      .sum(),
  where_maximum_clip: ({ x, y }) =>
    g
      .where(g.gt(x, 0), x.pow(2), g.sin(x))
      .add(g.maximum(x, y).mul(g.minimum(x, y.mul(0.5))))
      .add(g.clip(x, -0.5, 0.5).mul(y))
      .sum(),
  maximum_broadcast_scalar: ({ x, y }) => g.maximum(x, 0.3).add(g.minimum(y, x)).sum(),
  zero_grad_ops: ({ x }) =>
    x
      .mul(g.sign(x))
      .add(g.step(x).mul(x.pow(2)))
      .add(g.round(x.mul(3)).mul(x))
      .add(g.floor(x))
      .sum(),

  // reductions
  sum_mean_axes: ({ x, c }) =>
    g
      .mean(x, { axis: [0, 2] })
      .mul(c)
      .sum()
      .add(g.sum(x, { axis: 1, keepdims: true }).pow(2).sum())
      .add(x.mean()),
  max_min_axes: ({ x, w }) =>
    g
      .max(x, { axis: 1 })
      .sum()
      .add(g.min(x))
      .add(g.max(x, { axis: 0, keepdims: true }).mul(w).sum()),
  max_negative_axis: ({ x }) => g.min(x, { axis: -1 }).pow(2).sum().add(g.max(x)),
  prod_axis: ({ x }) => g.prod(x, { axis: 1 }).sum().add(g.prod(x)),
  logsumexp_axis: ({ x, c }) => g.logsumexp(x, { axis: 1 }).mul(c).sum().add(g.logsumexp(x)),
  logsumexp_extreme: ({ x }) => g.logsumexp(x, { axis: -1 }).sum(),
  var_std: ({ x }) =>
    g
      .var(x, { axis: 0, correction: 1 })
      .sum()
      .add(g.std(x, { axis: 1, correction: 0 }).sum())
      .add(g.var(x, { correction: 1 }))
      .add(g.std(x, { correction: 1 })),
  var_keepdims: ({ x, w }) =>
    x
      .sub(g.mean(x, { axis: -1, keepdims: true }))
      .div(g.sqrt(g.var(x, { axis: -1, keepdims: true, correction: 0 }).add(1e-5)))
      .mul(w)
      .sum(),
  norms: ({ x }) =>
    g
      .norm(x)
      .add(g.norm(x, { ord: 2, axis: 1 }).sum())
      .add(g.norm(x, { ord: 1, axis: 0 }).sum()),
  softmax_logsoftmax: ({ x, w, v }) =>
    g
      .softmax(x, { axis: 0 })
      .mul(w)
      .sum()
      .add(g.logSoftmax(x, { axis: -1 }).mul(v).sum()),
  softmax_jacobian: ({ x }) => g.softmax(x, { axis: -1 }),

  // linalg
  matmul_2d: ({ a, b }) => g.tanh(g.matmul(a, b)).sum(),
  matmul_batched_broadcast: ({ a, b, c }) => g.sin(g.matmul(g.matmul(a, b), c)).sum(),
  matmul_vector_rules: ({ v, m, u, w }) =>
    g
      .dot(g.matmul(v, m), u)
      .add(g.outer(u, v).mul(w).sum())
      .add(g.dot(g.matmul(m, u), g.matmul(m, u))),
  matmul_chain: ({ x, w1, w2 }) => g.square(x.matmul(w1).matmul(w2)).sum(),
  batched_matmul_jacobian: ({ a, b }) => g.matmul(a, b),

  // shapes
  reshape_transpose: ({ x, w }) => g.sin(g.matmul(g.reshape(g.transpose(x, [2, 0, 1]), [4, 6]), w)).sum(),
  transpose_2d_flatten: ({ x, c }) => g.flatten(g.transpose(x)).mul(c).sum().add(g.flatten(x).pow(3).sum()),
  slice_concat_stack: ({ x, y, w, v }) =>
    g
      .concat([pyslice(x, [null, [1, 3]]), y], 1)
      .pow(2)
      .mul(w)
      .sum()
      .add(
        g
          .stack([pyslice(x, [[0, 2], 0]), pyslice(y, [[1, 3], 1])], 0)
          .mul(v)
          .sum(),
      ),
  slice_steps: ({ x }) =>
    pyslice(x, [
      [1, 4],
      [0, 5, 2],
    ])
      .pow(2)
      .sum()
      .add(pyslice(x, [null, 4]).sum()),
  index_rows: ({ x }) => g.index(x, 1).mul(g.index(x, 2)).sum(),
  gather_axis1: ({ x, idx, w }) => g.takeAlongAxis(x, idx, 1).pow(2).mul(w).sum(),
  gather_axis0: ({ x, idx }) => g.sin(g.takeAlongAxis(x, idx, 0)).sum(),
  expand_squeeze: ({ x, y }) =>
    g
      .sin(g.expandDims(x, 0).mul(g.expandDims(x, 1)))
      .sum()
      .add(g.squeeze(y).mul(x).sum()),
  onehot_select: ({ x, t }) =>
    x
      .mul(g.oneHot(t, 4))
      .sum()
      .add(x.pow(2).mul(g.oneHot(t, 4)).sum()),
  concat_vector: ({ a, b }) => g.concat([a, b.pow(2)], 0),

  // small networks
  rosenbrock,
  rosenbrock_minimum: rosenbrock,
  softmax_cross_entropy: ({ logits, t }) =>
    g.neg(g.logSoftmax(logits, { axis: -1 }).mul(g.oneHot(t, 5)).sum({ axis: -1 }).mean()),
  mlp2_tanh: ({ w1, b1, w2, b2, x, y }) =>
    g.tanh(x.matmul(w1).add(b1)).matmul(w2).add(b2).sub(y).pow(2).mean(),
  logistic_regression: ({ w, b, X, y }) =>
    g
      .softplus(g.neg(y).mul(X.matmul(w).add(b)))
      .mean()
      .add(w.pow(2).sum().mul(0.01)),
  attention: ({ q, k, v }) =>
    g.sin(g.softmax(q.matmul(g.transpose(k)).div(Math.sqrt(3)), { axis: -1 }).matmul(v)).sum(),
  layernorm_tanh: ({ x, g: gain, b, c }) =>
    g
      .tanh(
        x
          .sub(g.mean(x, { axis: -1, keepdims: true }))
          .div(g.sqrt(g.var(x, { axis: -1, keepdims: true, correction: 0 }).add(1e-5)))
          .mul(gain)
          .add(b),
      )
      .mul(c)
      .sum(),
  relu_mlp_batched: ({ w1, b1, w2, x }) =>
    g.logsumexp(g.relu(x.matmul(w1).add(b1)).matmul(w2), { axis: -1 }).mean(),

  // large inputs (blocked/threaded gemm, SIMD elementwise and reduction sizes)
  matmul_large: ({ a, b, c }) => g.tanh(g.matmul(a, b).div(10)).mul(c).sum(),
  batched_matmul_large: ({ a, b }) => g.sin(g.matmul(a, b)).sum(),
  elementwise_large: ({ x, w, b }) =>
    g
      .tanh(x.mul(w).add(b))
      .sub(g.sigmoid(x).mul(g.softplus(x)))
      .add(g.exp(g.neg(x.pow(2))))
      .mean(),
  reductions_large: ({ x }) =>
    g
      .logsumexp(x, { axis: 1 })
      .sum()
      .add(g.softmax(x, { axis: 0 }).mul(x).sum())
      .add(g.var(x, { correction: 1 }))
      .add(g.max(x, { axis: 1 }).sum()),

  // conventions exactly at kinks and ties (gradlab documents the same choices as torch)
  relu_at_zero: ({ x }) => g.relu(x).sum(),
  abs_at_zero: ({ x }) => g.abs(x).sum(),
  leaky_relu_at_zero: ({ x }) => g.leakyRelu(x, 0.1).sum(),
  clip_at_bounds: ({ x }) => g.clip(x, -1, 1).sum(),
  maximum_tie: ({ x, y }) => g.maximum(x, y).sum(),
  max_reduce_tie: ({ x }) => g.max(x),
  sign_step_round: ({ x }) => g.sign(x).add(g.step(x)).add(g.round(x)).add(g.floor(x)).sum(),
  hinge_at_margin: ({ x, y }) => g.relu(g.sub(1, y.mul(x))).sum(),
};

/** Max |a - b| / (1 + |b|) over all elements must be <= tol, after checking shapes agree. */
function assertClose(actual: Tensor, expected: FixtureTensor, what: string, tol = TOL): void {
  assert.deepEqual(
    actual.shape,
    expected.shape,
    `${what}: shape [${actual.shape}] vs torch's [${expected.shape}]`,
  );
  const a = actual.astype("float64").data;
  const e = fixtureData(expected);
  let worst = 0,
    at = -1;
  for (let i = 0; i < e.length; i++) {
    const err = Math.abs(a[i] - e[i]) / (1 + Math.abs(e[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  assert.ok(worst <= tol, `${what}: element ${at} is ${a[at]}, torch says ${e[at]} (scaled error ${worst})`);
}

/** Wrap a case as a function of its differentiable inputs, in argument order. */
function positional(
  c: GoldenCase,
  fn: Fn,
  float: "float64" | "float32" = "float64",
): { names: string[]; f: (...xs: Tensor[]) => Tensor; constants: Args } {
  const names = Object.keys(c.inputs);
  const constants: Args = {};
  for (const [k, v] of Object.entries(c.constants))
    constants[k] = v.dtype === "float64" ? toTensor(v).astype(float) : toTensor(v);
  const f = (...xs: Tensor[]): Tensor => {
    const args: Args = { ...constants };
    names.forEach((n, i) => {
      args[n] = xs[i];
    });
    return fn(args);
  };
  return { names, f, constants };
}

/** f of one flat vector: the inputs are consecutive slices of it, reshaped (as torch_core.py does). */
function flatFunction(
  c: GoldenCase,
  f: (...xs: Tensor[]) => Tensor,
): { flat: Tensor; h: (v: Tensor) => Tensor } {
  const shapes = Object.values(c.inputs).map((t) => t.shape);
  const sizes = shapes.map((s) => s.reduce((p, q) => p * q, 1));
  const flat = g.concat(
    Object.values(c.inputs).map((t) => g.reshape(toTensor(t), [-1])),
    0,
  );
  const h = (v: Tensor): Tensor => {
    let offset = 0;
    const parts = shapes.map((shape, i) => {
      const part = g.reshape(pyslice(v, [[offset, offset + sizes[i]]]), shape);
      offset += sizes[i];
      return part;
    });
    return f(...parts);
  };
  return { flat, h };
}

const FILES = [
  "core-elementwise",
  "core-reductions",
  "core-linalg",
  "core-shapes",
  "core-nn",
  "core-conventions",
  "core-large",
];

// The one test here that needs torch: the committed core-*.json must be what torch_core.py
// produces now (numbers to 1e-12), so an edited generator cannot silently drift from its fixtures.
test("committed core-*.json match what test/fixtures/torch_core.py generates (needs Debian's python3-torch)", () => {
  const script = join(repoRoot(), "test", "fixtures", "make-torch-fixtures.py");
  const run = spawnSync("/usr/bin/python3", [script, "--check", "core"], { encoding: "utf8" });
  assert.equal(run.error, undefined, `could not run /usr/bin/python3: ${run.error?.message}`);
  assert.equal(
    run.status,
    0,
    `make-torch-fixtures.py --check failed (regenerate with /usr/bin/python3 ${script}):\n${run.stdout}\n${run.stderr}`,
  );
});

// Every registered backend runs the same cases: the fixtures pin the numbers, whoever computes them.
for (const backend of g.listBackends()) {
  describe(`torch golden on the ${backend} backend`, () => {
    let previous = "";
    before(() => {
      previous = g.getBackend().name;
      g.setBackend(backend);
    });
    after(() => g.setBackend(previous));
    for (const file of FILES) goldenSuite(file);
    for (const file of FILES) float32Suite(file);
  });
}

/** The scalar cases again with float32 inputs: values and gradients to float32 precision, gradients in float32. */
function float32Suite(file: string): void {
  const { cases } = loadFixture<{ cases: (GoldenCase | LargeCase)[] }>(file);
  describe(`${file} in float32`, () => {
    for (const c of cases) {
      const fn = IMPLEMENTATIONS[c.name];
      if (fn === undefined || c.kind !== "scalar") continue;
      test(c.name, () => {
        const { names, f } = positional(c, fn, "float32");
        const inputs = names.map((n) => toTensor(c.inputs[n]).astype("float32"));
        const [value, grads] = g.valueAndGrad(f, { argnums: names.map((_, i) => i) })(...inputs) as [
          Tensor,
          Tensor[],
        ];
        assertClose(value, c.value, `${c.name} value (float32)`, TOL_FLOAT32);
        names.forEach((n, i) => {
          assert.equal(grads[i].dtype, "float32", `${c.name} d/d${n} should stay float32`);
          assertClose(grads[i], c.grads[n], `${c.name} d/d${n} (float32)`, TOL_FLOAT32);
        });
      });
    }
  });
}

function goldenSuite(file: string): void {
  const { cases } = loadFixture<{ cases: (GoldenCase | LargeCase)[] }>(file);
  describe(file, () => {
    test("every fixture case has a gradlab implementation", () => {
      const missing = cases.map((c) => c.name).filter((n) => !(n in IMPLEMENTATIONS));
      assert.deepEqual(missing, []);
    });
    for (const c of cases) {
      const fn = IMPLEMENTATIONS[c.name];
      if (fn === undefined) continue;
      test(`${c.name}: ${c.formula}`, () => (c.kind === "large" ? runLargeCase(c, fn) : runCase(c, fn)));
    }
  });
}

function formulaTensor({ shape, alpha, beta, scale = 1 }: FormulaInput): Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  // Same operations in the same order as torch_core.formula_tensor, so the inputs agree to the last bit or two.
  return g
    .tensor(Float64Array.from({ length: n }, (_, k) => scale * Math.sin(alpha * k + beta)))
    .reshape(shape);
}

function runLargeCase(c: LargeCase, fn: Fn): void {
  const names = Object.keys(c.inputs);
  const inputs = names.map((n) => formulaTensor(c.inputs[n]));
  const f = (...xs: Tensor[]): Tensor => {
    const args: Args = {};
    names.forEach((n, i) => {
      args[n] = xs[i];
    });
    return fn(args);
  };
  const [value, grads] = g.valueAndGrad(f, { argnums: names.map((_, i) => i) })(...inputs) as [
    Tensor,
    Tensor[],
  ];
  assertClose(value, c.value, `${c.name} value`);
  names.forEach((n, i) => {
    const weights = formulaTensor({ shape: grads[i].shape, alpha: 0.61, beta: 0.3 });
    assertClose(grads[i].mul(weights).sum(), c.gradChecksums[n], `${c.name} checksum of d/d${n}`);
    const sample = c.gradSamples[n];
    const flat = g.reshape(grads[i], [-1]);
    const picked = g.gather(flat, g.tensor(Int32Array.from(sample.index), { dtype: "int32" }), 0);
    assertClose(picked, sample.values, `${c.name} d/d${n} at flat indices [${sample.index.join(", ")}]`);
  });
}

function runCase(c: GoldenCase, fn: Fn): void {
  const { names, f } = positional(c, fn);
  const inputs = names.map((n) => toTensor(c.inputs[n]));
  const argnums = names.map((_, i) => i);
  if (c.kind === "scalar") {
    const [value, grads] = g.valueAndGrad(f, { argnums })(...inputs) as [Tensor, Tensor[]];
    assertClose(value, c.value, `${c.name} value`);
    names.forEach((n, i) => assertClose(grads[i], c.grads[n], `${c.name} d/d${n}`));
  } else {
    const [out, vjpFn] = g.vjp(f, ...inputs) as [Tensor, (ct: Tensor) => Tensor[]];
    assertClose(out, c.value, `${c.name} value`);
    const grads = vjpFn(toTensor(c.cotangent!));
    names.forEach((n, i) => assertClose(grads[i], c.grads[n], `${c.name} vjp ${n}`));
    const rest = inputs.slice(1);
    const jac = g.jacobian((x: Tensor) => f(x, ...rest))(inputs[0]) as Tensor;
    assertClose(jac, c.jacobian!, `${c.name} jacobian`);
  }
  if (c.hessian !== undefined) {
    const { flat, h } = flatFunction(c, f);
    assertClose(g.hessian(h)(flat) as Tensor, c.hessian, `${c.name} hessian`);
  }
}
