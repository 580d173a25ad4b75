// Property tests: the gradient rule of every differentiable op agrees with central differences
// in float64, for random shapes (broadcasting included), random axes and random values kept
// away from the op's kinks and ties. Each op is tested through a random cotangent,
// sum(op(x...) * c), so the whole vector-Jacobian product is checked, not just its sum.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";
import * as g from "../../src/index.js";
import { type Tensor } from "../../src/index.js";

const RUNS = 40;
const SECOND_ORDER_RUNS = 6;
const SEED = 20261127;
const CHECK = { eps: 1e-5, atol: 1e-6, rtol: 1e-6 };

// ----------------------------------------------------------------------------- values

/** mulberry32: a tiny seeded generator so each fast-check sample fixes its tensor values. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Domain = (u: () => number) => number;
const ANY: Domain = (u) => -2 + 4 * u();
const POSITIVE: Domain = (u) => 0.3 + 2.7 * u();
const AWAY_FROM_ZERO: Domain = (u) => (u() < 0.5 ? -1 : 1) * (0.1 + 1.9 * u());
const NEAR_ONE: Domain = (u) => (u() < 0.5 ? -1 : 1) * (0.5 + u()); // prod stays O(1)
/** Values in [k, k+0.4] vs [k+0.5, k+0.9]: two such tensors never come within 0.1 (no ties). */
const LOW_BAND: Domain = (u) => Math.floor(-2 + 4 * u()) + 0.4 * u();
const HIGH_BAND: Domain = (u) => Math.floor(-2 + 4 * u()) + 0.5 + 0.4 * u();
const awayFrom =
  (points: number[]): Domain =>
  (u) => {
    for (;;) {
      const v = -2 + 4 * u();
      if (points.every((p) => Math.abs(v - p) > 0.1)) return v;
    }
  };

const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function make(shape: number[], seed: number, domain: Domain = ANY): Tensor {
  const u = prng(seed);
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = domain(u);
  return g.tensor(data).reshape(shape);
}

/** Distinct values (a shuffled grid 0.1 apart plus small noise): max/min have unique arg-extrema. */
function distinct(shape: number[], seed: number): Tensor {
  const u = prng(seed);
  const n = sizeOf(shape);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return g.tensor(Float64Array.from(order, (k) => (k - n / 2) * 0.1 + 0.02 * u())).reshape(shape);
}

/** Names of the differentiable ops this file applied to inputs that require grad (forward or recorded backward). */
const exercised = new Set<string>();

/**
 * Check `f` at `inputs` against central differences through a random cotangent c:
 * order 1 checks the gradient of sum(f(x) * c); order 2 checks the gradient of
 * sum(grad(sum(sin(f) * c))(x) * v), i.e. that the op's gradient rule is itself differentiated
 * correctly (what makes grad(grad(f)) and hessian exact).
 */
function checkVjp(
  name: string,
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  seed: number,
  order: 1 | 2 = 1,
): void {
  const outShape = f(...inputs).shape;
  const cotangent = make(outShape, seed ^ 0x5bd1e995);
  let target = (...xs: Tensor[]): Tensor =>
    f(...xs)
      .mul(cotangent)
      .sum();
  if (order === 2) {
    // sin() makes the cotangent reaching f's backward depend on x, so even a linear op's
    // gradient rule (slice -> sliceGrad, gather -> scatterAdd) gets differentiated.
    const first = (...xs: Tensor[]): Tensor =>
      g
        .sin(f(...xs))
        .mul(cotangent)
        .sum();
    const argnums = inputs.map((_, i) => i);
    const directions = inputs.map((t, i) => make(t.shape, seed + 101 * (i + 1)));
    target = (...xs: Tensor[]): Tensor => {
      const grads = g.grad(first, { argnums })(...xs) as Tensor[];
      return grads.reduce((acc: Tensor, gi, i) => acc.add(gi.mul(directions[i]).sum()), g.scalar(0));
    };
  }
  const { value: r, ops } = g.traceOps(() => g.gradcheck(target, inputs, CHECK));
  for (const op of ops) if (op.differentiable && op.inputsRequireGrad) exercised.add(op.name);
  assert.ok(
    r.ok,
    `${name}${order === 2 ? " (second order)" : ""}: gradient disagrees with central differences for input shapes ` +
      `${inputs.map((t) => `[${t.shape}]`).join(", ")}: worst ${JSON.stringify(r.worstIndex)}, ` +
      `max abs error ${r.maxAbsError}, max rel error ${r.maxRelError}`,
  );
}

const secondOrderRuns = new Map<string, number>();

/**
 * Forward mode: jvp's tangent output must match the central difference of f along the
 * tangent direction, (f(x + h*v) - f(x - h*v)) / 2h, element by element.
 */
function checkJvp(name: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], seed: number): void {
  const tangents = inputs.map((t, i) => make(t.shape, seed + 31 * (i + 1)));
  const {
    value: [, tangentOut],
    ops,
  } = g.traceOps(() => g.jvp(f, inputs, tangents) as [Tensor, Tensor]);
  for (const op of ops) if (op.differentiable && op.inputsRequireGrad) exercised.add(op.name);
  const h = CHECK.eps;
  const along = (s: number): Float64Array =>
    Float64Array.from(
      g.noGrad(() => f(...inputs.map((x, i) => x.add(tangents[i].mul(s * h))))).astype("float64").data,
    );
  const plus = along(1),
    minus = along(-1);
  const jvpData = tangentOut.astype("float64").data;
  assert.equal(
    jvpData.length,
    plus.length,
    `${name} (jvp): tangent output has ${jvpData.length} elements, f has ${plus.length}`,
  );
  for (let k = 0; k < plus.length; k++) {
    const numeric = (plus[k] - minus[k]) / (2 * h);
    assert.ok(
      Math.abs(jvpData[k] - numeric) <= CHECK.atol + CHECK.rtol * Math.abs(numeric),
      `${name} (jvp): output element ${k} is ${jvpData[k]}, the directional central difference says ${numeric} ` +
        `(input shapes ${inputs.map((t) => `[${t.shape}]`).join(", ")})`,
    );
  }
}

/** First order (vjp and jvp) on every sample; second order too on the first SECOND_ORDER_RUNS samples of each op. */
function check(name: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], seed: number): void {
  checkVjp(name, f, inputs, seed, 1);
  checkJvp(name, f, inputs, seed);
  const done = secondOrderRuns.get(name) ?? 0;
  if (done < SECOND_ORDER_RUNS) {
    secondOrderRuns.set(name, done + 1);
    checkVjp(name, f, inputs, seed, 2);
  }
}

// ----------------------------------------------------------------------------- shapes

const dim = fc.integer({ min: 1, max: 4 });
const shapeArb = (minRank: number, maxRank: number): fc.Arbitrary<number[]> =>
  fc.array(dim, { minLength: minRank, maxLength: maxRank });
const seedArb = fc.integer({ min: 1, max: 2 ** 31 - 1 });

/** Two shapes that broadcast together: b is a with some dims set to 1 and some leading dims dropped; maybe swapped. */
const broadcastPair: fc.Arbitrary<[number[], number[]]> = fc
  .tuple(
    shapeArb(0, 3),
    fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    fc.integer({ min: 0, max: 3 }),
    fc.boolean(),
  )
  .map(([a, ones, drop, swap]) => {
    const b = a.map((d, i) => (ones[i] ? 1 : d)).slice(Math.min(drop, a.length));
    return swap ? [b, a] : [a, b];
  });

/** A shape and an axis option for reductions: undefined (all), one axis (maybe negative) or several. */
const reductionArb = fc
  .tuple(shapeArb(1, 3), fc.integer({ min: 0, max: 7 }), fc.boolean(), fc.boolean())
  .map(([shape, pick, keepdims, negative]) => {
    const r = shape.length;
    let axis: number | number[] | undefined;
    if (pick === 0) axis = undefined;
    else if (pick <= 4 || r === 1) axis = (pick % r) - (negative ? r : 0);
    else axis = [...new Set([0, pick % r])];
    return { shape, axis, keepdims };
  });

function reducedSize(shape: number[], axis: number | number[] | undefined): number {
  if (axis === undefined) return sizeOf(shape);
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a + shape.length) % shape.length);
  return axes.reduce((p, a) => p * shape[a], 1);
}

const property = <T>(arb: fc.Arbitrary<T>, body: (v: T) => void, runs = RUNS): void => {
  fc.assert(fc.property(arb, body), { numRuns: runs, seed: SEED });
};

// ----------------------------------------------------------------------------- elementwise

const UNARY: [string, (x: Tensor) => Tensor, Domain][] = [
  ["neg", (x) => g.neg(x), ANY],
  ["exp", (x) => g.exp(x), ANY],
  ["log", (x) => g.log(x), POSITIVE],
  ["log1p", (x) => g.log1p(x), POSITIVE],
  ["expm1", (x) => g.expm1(x), ANY],
  ["sqrt", (x) => g.sqrt(x), POSITIVE],
  ["square", (x) => g.square(x), ANY],
  ["abs", (x) => g.abs(x), AWAY_FROM_ZERO],
  ["sin", (x) => g.sin(x), ANY],
  ["cos", (x) => g.cos(x), ANY],
  ["tanh", (x) => g.tanh(x), ANY],
  ["sigmoid", (x) => g.sigmoid(x), ANY],
  ["softplus", (x) => g.softplus(x), ANY],
  ["relu", (x) => g.relu(x), AWAY_FROM_ZERO],
  ["leakyRelu", (x) => g.leakyRelu(x, 0.2), AWAY_FROM_ZERO],
  ["elu", (x) => g.elu(x, 1.3), AWAY_FROM_ZERO],
  ["gelu", (x) => g.gelu(x), ANY],
  ["pow(x, 3)", (x) => g.pow(x, 3), ANY],
  ["pow(x, 2.5)", (x) => g.pow(x, 2.5), POSITIVE],
  ["pow(2, x)", (x) => g.pow(2, x), ANY],
  ["powScalar(x, 3)", (x) => g.powScalar(x, 3), ANY],
  ["powScalar(x, -1.5)", (x) => g.powScalar(x, -1.5), POSITIVE],
  ["normalCdf", (x) => g.normalCdf(x), ANY],
  ["normalPdf", (x) => g.normalPdf(x), ANY],
  ["reciprocal", (x) => g.reciprocal(x), AWAY_FROM_ZERO],
  ["clip(x, -0.5, 0.5)", (x) => g.clip(x, -0.5, 0.5), awayFrom([-0.5, 0.5])],
  ["add(2, x)", (x) => g.add(2, x), ANY],
  ["sub(x, 1.5)", (x) => g.sub(x, 1.5), ANY],
  ["div(1, x)", (x) => g.div(1, x), AWAY_FROM_ZERO],
  ["mul(x, -3)", (x) => g.mul(x, -3), ANY],
];

describe("op gradients match central differences: elementwise", () => {
  for (const [name, fn, domain] of UNARY) {
    test(name, () => {
      property(fc.tuple(shapeArb(0, 3), seedArb), ([shape, seed]) => {
        check(name, fn, [make(shape, seed, domain)], seed);
      });
    });
  }

  const BINARY: [string, (a: Tensor, b: Tensor) => Tensor, Domain, Domain][] = [
    ["add", (a, b) => g.add(a, b), ANY, ANY],
    ["sub", (a, b) => g.sub(a, b), ANY, ANY],
    ["mul", (a, b) => g.mul(a, b), ANY, ANY],
    ["div", (a, b) => g.div(a, b), ANY, AWAY_FROM_ZERO],
    ["pow", (a, b) => g.pow(a, b), POSITIVE, ANY],
    ["maximum", (a, b) => g.maximum(a, b), LOW_BAND, HIGH_BAND],
    ["minimum", (a, b) => g.minimum(a, b), HIGH_BAND, LOW_BAND],
  ];
  for (const [name, fn, da, db] of BINARY) {
    test(`${name} with broadcasting`, () => {
      property(fc.tuple(broadcastPair, seedArb), ([[sa, sb], seed]) => {
        check(name, fn, [make(sa, seed, da), make(sb, seed + 1, db)], seed);
      });
    });
  }

  test("where with broadcasting condition and branches", () => {
    property(fc.tuple(broadcastPair, fc.boolean(), seedArb), ([[sa, sb], condLikeA, seed]) => {
      const cond = g.gt(make(condLikeA ? sa : sb, seed + 2), 0);
      check("where", (a, b) => g.where(cond, a, b), [make(sa, seed), make(sb, seed + 1)], seed);
    });
  });
});

// ----------------------------------------------------------------------------- reductions

describe("op gradients match central differences: reductions", () => {
  const SMOOTH: [
    string,
    (x: Tensor, o: { axis?: number | number[]; keepdims: boolean }) => Tensor,
    Domain,
  ][] = [
    ["sum", (x, o) => g.sum(x, o), ANY],
    ["mean", (x, o) => g.mean(x, o), ANY],
    ["prod", (x, o) => g.prod(x, o), NEAR_ONE],
    ["logsumexp", (x, o) => g.logsumexp(x, o), ANY],
    ["norm (ord 2)", (x, o) => g.norm(x, { ...o, ord: 2 }), AWAY_FROM_ZERO],
    ["norm (ord 1)", (x, o) => g.norm(x, { ...o, ord: 1 }), AWAY_FROM_ZERO],
  ];
  for (const [name, fn, domain] of SMOOTH) {
    test(name, () => {
      property(fc.tuple(reductionArb, seedArb), ([{ shape, axis, keepdims }, seed]) => {
        check(name, (x) => fn(x, { axis, keepdims }), [make(shape, seed, domain)], seed);
      });
    });
  }

  for (const name of ["max", "min"] as const) {
    test(`${name} (distinct values)`, () => {
      property(fc.tuple(reductionArb, seedArb), ([{ shape, axis, keepdims }, seed]) => {
        check(name, (x) => g[name](x, { axis, keepdims }), [distinct(shape, seed)], seed);
      });
    });
  }

  for (const name of ["var", "std"] as const) {
    test(`${name} with correction 0 and 1`, () => {
      property(
        fc.tuple(reductionArb, fc.integer({ min: 0, max: 1 }), seedArb),
        ([{ shape, axis, keepdims }, correction, seed]) => {
          fc.pre(reducedSize(shape, axis) > 1);
          check(name, (x) => g[name](x, { axis, keepdims, correction }), [make(shape, seed)], seed);
        },
      );
    });
  }

  for (const name of ["softmax", "logSoftmax"] as const) {
    test(name, () => {
      property(fc.tuple(shapeArb(1, 3), fc.integer({ min: -3, max: 2 }), seedArb), ([shape, a, seed]) => {
        const axis = Math.max(-shape.length, Math.min(shape.length - 1, a));
        check(name, (x) => g[name](x, { axis }), [make(shape, seed)], seed);
      });
    });
  }
});

// ----------------------------------------------------------------------------- linear algebra

describe("op gradients match central differences: matmul family", () => {
  test("matmul: batched with broadcasting batch dims, and the 1-D rules", () => {
    const arb = fc.tuple(
      broadcastPair,
      dim,
      dim,
      dim,
      fc.constantFrom("mm", "vec-mat", "mat-vec", "vec-vec"),
      seedArb,
    );
    property(
      arb,
      ([[ba, bb], m, k, n, mode, seed]) => {
        const sa = mode === "vec-mat" || mode === "vec-vec" ? [k] : [...ba.slice(-2), m, k];
        const sb = mode === "mat-vec" || mode === "vec-vec" ? [k] : [...bb.slice(-2), k, n];
        check(`matmul ${mode}`, (a, b) => g.matmul(a, b), [make(sa, seed), make(sb, seed + 1)], seed);
      },
      20,
    );
  });

  test("dot and outer", () => {
    property(fc.tuple(dim, dim, seedArb), ([n, m, seed]) => {
      check("dot", (a, b) => g.dot(a, b), [make([n], seed), make([n], seed + 1)], seed);
      check("outer", (a, b) => g.outer(a, b), [make([n], seed), make([m], seed + 1)], seed);
    });
  });
});

// ----------------------------------------------------------------------------- shapes

describe("op gradients match central differences: shape ops", () => {
  test("reshape, flatten, transpose/permute", () => {
    property(fc.tuple(shapeArb(1, 3), seedArb, fc.nat()), ([shape, seed, pick]) => {
      const x = make(shape, seed);
      check("reshape", (t) => g.reshape(t, [...shape].reverse()), [x], seed);
      check("reshape [-1]", (t) => g.reshape(t, [-1]), [x], seed);
      check("flatten", (t) => g.flatten(t), [x], seed);
      const perm = shape.map((_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = (pick >> i) % (i + 1);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      check("transpose", (t) => g.transpose(t, perm), [x], seed);
      check("permute", (t) => g.permute(t, perm), [x], seed);
    });
  });

  test("expandDims and squeeze", () => {
    property(fc.tuple(shapeArb(0, 3), fc.integer({ min: -4, max: 3 }), seedArb), ([shape, a, seed]) => {
      const axis = Math.max(-(shape.length + 1), Math.min(shape.length, a));
      const x = make(shape, seed);
      check("expandDims", (t) => g.expandDims(t, axis), [x], seed);
      const withOnes = [1, ...shape, 1];
      check("squeeze", (t) => g.squeeze(t), [make(withOnes, seed)], seed);
      check("squeeze(axis)", (t) => g.squeeze(t, 0), [make(withOnes, seed)], seed);
    });
  });

  test("slice and index", () => {
    const arb = fc.tuple(
      shapeArb(1, 3),
      fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 3, maxLength: 3 }),
      seedArb,
    );
    property(arb, ([shape, cuts, seed]) => {
      const starts = shape.map((d, i) => cuts[i][0] % d);
      const ends = shape.map((d, i) => starts[i] + 1 + (cuts[i][1] % (d - starts[i])));
      const x = make(shape, seed);
      check("slice", (t) => g.slice(t, starts, ends), [x], seed);
      check(
        "slice with step 2",
        (t) =>
          g.slice(
            t,
            shape.map((d) => [d - 1, null, -2] as [number, null, number]),
          ),
        [x],
        seed,
      );
      check("index", (t) => g.index(t, starts[0]), [x], seed);
    });
  });

  test("concat and stack", () => {
    property(fc.tuple(shapeArb(1, 3), dim, fc.nat(), seedArb), ([shape, extra, a, seed]) => {
      const axis = a % shape.length;
      const other = shape.map((d, i) => (i === axis ? extra : d));
      check("concat", (p, q) => g.concat([p, q, p], axis), [make(shape, seed), make(other, seed + 1)], seed);
      check("stack", (p, q) => g.stack([p, q], axis), [make(shape, seed), make(shape, seed + 1)], seed);
    });
  });

  test("gather (NumPy take) and takeAlongAxis (torch.gather), with repeated indices", () => {
    property(
      fc.tuple(shapeArb(1, 3), shapeArb(0, 2), dim, fc.nat(), seedArb),
      ([shape, takeShape, k, a, seed]) => {
        const axis = a % shape.length;
        const u = prng(seed + 7);
        const indices = (s: number[]): Tensor =>
          g
            .tensor(
              Int32Array.from({ length: sizeOf(s) }, () => Math.floor(u() * shape[axis])),
              { dtype: "int32" },
            )
            .reshape(s);
        const x = make(shape, seed);
        const taken = indices(takeShape);
        check("gather", (t) => g.gather(t, taken, axis), [x], seed);
        const along = indices(shape.map((d, i) => (i === axis ? k : d)));
        check("takeAlongAxis", (t) => g.takeAlongAxis(t, along, axis), [x], seed);
      },
    );
  });
});

// ----------------------------------------------------------------------------- casts and coverage

describe("op gradients match central differences: casts, broadcastTo, and coverage", () => {
  test("astype float32 -> float64 and back passes the gradient through", () => {
    property(fc.tuple(shapeArb(0, 3), seedArb), ([shape, seed]) => {
      const x = g.tensor(make(shape, seed).data, { dtype: "float32" }).reshape(shape);
      const c = make(shape, seed + 3);
      // float32 inputs: central differences in float32 steps, f itself exact in float64 (a quadratic).
      const r = g.gradcheck((t) => t.astype("float64").mul(c).square().sum(), x, {
        eps: 1e-2,
        atol: 1e-6,
        rtol: 1e-6,
      });
      assert.ok(r.ok, `astype: ${JSON.stringify(r.worstIndex)}`);
      check(
        "astype float64 -> float32 -> float64",
        (t) => t.astype("float32").astype("float64").mul(0),
        [make(shape, seed)],
        seed,
      );
    });
  });

  test("broadcastTo", () => {
    property(fc.tuple(broadcastPair, seedArb), ([[sa, sb], seed]) => {
      const out = sa.length >= sb.length ? sa : sb;
      const from = sa.length >= sb.length ? sb : sa;
      fc.pre(from.every((d, i) => d === 1 || d === out[out.length - from.length + i]));
      check("broadcastTo", (t) => g.broadcastTo(t, out), [make(from, seed)], seed);
    });
  });

  test("every differentiable op the core registers (src/ops) was exercised above", (t) => {
    const core = new Set(coreOpNames());
    const registered = g
      .listOps()
      .filter((o) => o.differentiable)
      .map((o) => o.name);
    const missing = registered.filter((n) => core.has(n) && !exercised.has(n));
    // An op added after these properties were written gets a generic elementwise check when
    // it is exported under its own name and takes one tensor (or two of the same shape).
    const unchecked = missing.filter((name) => !genericCheck(name));
    const listedHere = unchecked.filter((n) => KNOWN_CORE_OPS.has(n));
    assert.deepEqual(
      listedHere,
      [],
      `core ops whose gradient properties stopped exercising them: ${listedHere.join(", ")}`,
    );
    const fresh = unchecked.filter((n) => !KNOWN_CORE_OPS.has(n));
    if (fresh.length > 0)
      t.diagnostic(`new core ops without a gradient property (add one here): ${fresh.join(", ")}`);
    const elsewhere = registered.filter((n) => !core.has(n));
    if (elsewhere.length > 0)
      t.diagnostic(`ops registered outside src/ops (tested by their owners): ${elsewhere.join(", ")}`);
  });
});

/** The core's differentiable ops when these properties were written: each must stay exercised. */
const KNOWN_CORE_OPS = new Set([
  "neg",
  "exp",
  "log",
  "log1p",
  "expm1",
  "sqrt",
  "square",
  "abs",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "softplus",
  "relu",
  "leakyRelu",
  "elu",
  "clip",
  "powScalar",
  "normalCdf",
  "normalPdf",
  "reciprocal",
  "astype",
  "identity",
  "reshape",
  "transpose",
  "slice",
  "sliceGrad",
  "concat",
  "gather",
  "scatterAdd",
  "sum",
  "max",
  "min",
  "prod",
  "norm",
  "broadcastTo",
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "where",
  "matmul",
  "softmax",
  "logSoftmax",
]);

/**
 * Try `g[name]` as a unary op on positive values away from 1 (then as a binary op on two
 * tensors of one shape) and check its gradient. True when a check ran and passed; a check that
 * runs and disagrees fails the test; false when the op cannot be called that way.
 */
function genericCheck(name: string): boolean {
  const fn = (g as unknown as Record<string, unknown>)[name];
  if (typeof fn !== "function") return false;
  const shape = [2, 3];
  const x = make(shape, 11, POSITIVE);
  const y = make(shape, 12, POSITIVE);
  for (const args of [[x], [x, y]]) {
    let callable = false;
    try {
      const out = (fn as (...a: Tensor[]) => unknown)(...args);
      callable = out instanceof g.Tensor && out.dtype === "float64";
    } catch {
      callable = false;
    }
    if (callable) {
      checkVjp(`${name} (generic)`, (...xs: Tensor[]) => (fn as (...a: Tensor[]) => Tensor)(...xs), args, 13);
      return exercised.has(name);
    }
  }
  return false;
}

/**
 * The ops registered by the core's op modules alone: a fresh Node process imports every
 * compiled src/ops/*.js (and nothing from loss/optim/...) and lists the registry.
 */
function coreOpNames(): string[] {
  const opsDir = fileURLToPath(new URL("../../src/ops/", import.meta.url));
  const modules = readdirSync(opsDir)
    .filter((f) => f.endsWith(".js"))
    .map((f) => pathToFileURL(join(opsDir, f)).href);
  const registry = pathToFileURL(join(opsDir, "..", "autodiff", "opRegistry.js")).href;
  const code = [
    ...modules.map((m) => `await import(${JSON.stringify(m)});`),
    `const { listOps } = await import(${JSON.stringify(registry)});`,
    "process.stdout.write(JSON.stringify(listOps().map((o) => o.name)));",
  ].join("\n");
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`listing the core's ops failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as string[];
}
