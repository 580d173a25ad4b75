// Seeded teaching datasets and the shipped Iris data.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  add,
  argmax,
  data,
  div,
  eq,
  loss,
  matmul,
  mean,
  mul,
  optim,
  square,
  std,
  sub,
  sum,
  train,
  where,
  zeros,
  type Tensor,
} from "../../src/index.js";

const arr = (t: Tensor): number[] => Array.from(t.data as ArrayLike<number>);
const counts = (t: Tensor): Map<number, number> => {
  const m = new Map<number, number>();
  for (const v of arr(t)) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
};

describe("synthetic datasets", () => {
  test("moons: shapes, balanced int32 labels, two half circles", () => {
    const ds = data.moons({ n: 201, noise: 0, seed: 3 });
    assert.deepEqual(ds.x.shape, [201, 2]);
    assert.deepEqual(ds.y.shape, [201]);
    assert.equal(ds.y.dtype, "int32");
    assert.deepEqual([...counts(ds.y)].sort(), [
      [0, 100],
      [1, 101],
    ]);
    const x = arr(ds.x),
      y = arr(ds.y);
    for (let i = 0; i < 201; i++) {
      const [a, b] = [x[2 * i]!, x[2 * i + 1]!];
      const r = y[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
      assert.ok(Math.abs(r - 1) < 1e-12, "noise-free points lie on their unit half circle");
    }
  });

  test("circles, spirals and blobs: shapes and classes", () => {
    const c = data.circles({ n: 100, factor: 0.3, noise: 0, seed: 1 });
    const radii = arr(c.x).reduce<number[]>(
      (acc, v, i, all) => (i % 2 === 0 ? [...acc, Math.hypot(v, all[i + 1]!)] : acc),
      [],
    );
    arr(c.y).forEach((label, i) => assert.ok(Math.abs(radii[i]! - (label === 0 ? 1 : 0.3)) < 1e-12));
    const s = data.spirals({ n: 300, classes: 3, seed: 2 });
    assert.deepEqual(s.x.shape, [300, 2]);
    assert.deepEqual([...counts(s.y).values()], [100, 100, 100]);
    const b = data.blobs({
      n: 90,
      centers: [
        [0, 0, 0],
        [10, 10, 10],
      ],
      std: 0.5,
      seed: 4,
    });
    assert.deepEqual(b.x.shape, [90, 3]);
    assert.deepEqual(b.classNames, ["blob 0", "blob 1"]);
  });

  test("regression sets: x [n, 1], y [n, 1] following their formula", () => {
    const l = data.linear({ n: 50, slope: 3, intercept: -2, noise: 0, seed: 0 });
    assert.deepEqual(
      [l.x.shape, l.y.shape],
      [
        [50, 1],
        [50, 1],
      ],
    );
    arr(l.x).forEach((x, i) => assert.ok(Math.abs(arr(l.y)[i]! - (3 * x - 2)) < 1e-12));
    const p = data.polynomial({ n: 20, coefficients: [1, 0, -2], noise: 0, seed: 0 });
    arr(p.x).forEach((x, i) => assert.ok(Math.abs(arr(p.y)[i]! - (1 - 2 * x * x)) < 1e-12));
    const s = data.sine({ n: 20, amplitude: 2, noise: 0, seed: 0 });
    arr(s.x).forEach((x, i) => assert.ok(Math.abs(arr(s.y)[i]! - 2 * Math.sin(x)) < 1e-12));
    assert.equal(s.task, "regression");
  });

  test("same seed, same data; another seed, other data", () => {
    for (const make of [
      data.moons,
      data.circles,
      data.spirals,
      data.blobs,
      data.linear,
      data.polynomial,
      data.sine,
    ] as ((o: { seed: number }) => data.Dataset)[]) {
      const a = make({ seed: 9 }),
        b = make({ seed: 9 }),
        c = make({ seed: 10 });
      assert.deepEqual(arr(a.x), arr(b.x));
      assert.deepEqual(arr(a.y), arr(b.y));
      assert.notDeepEqual(arr(a.x), arr(c.x));
    }
  });

  test("split keeps rows paired and partitions them", () => {
    const ds = data.linear({ n: 100, noise: 0, seed: 1 });
    const { train, validation } = data.split(ds, { validation: 0.2, seed: 5 });
    assert.equal(train.x.shape[0], 80);
    assert.equal(validation.x.shape[0], 20);
    const pairs = (d: data.Dataset): string[] => arr(d.x).map((x, i) => `${x}:${arr(d.y)[i]}`);
    assert.deepEqual([...pairs(train), ...pairs(validation)].sort(), pairs(ds).sort());
  });

  test("errors name the problem", () => {
    assert.throws(() => data.moons({ n: 1 }), /data.moons: n must be an integer >= 2/);
    assert.throws(() => data.circles({ factor: 1.5 }), /factor must be in \(0, 1\)/);
    assert.throws(() => data.split(data.moons(), { validation: 1 }), /validation must be a fraction/);
  });
});

describe("Iris (Fisher 1936)", () => {
  test("150 rows, 4 features, 3 species of 50, with its citation", () => {
    const ds = data.iris();
    assert.deepEqual(ds.x.shape, [150, 4]);
    assert.deepEqual(
      [...counts(ds.y)],
      [
        [0, 50],
        [1, 50],
        [2, 50],
      ],
    );
    assert.deepEqual(ds.classNames, ["setosa", "versicolor", "virginica"]);
    assert.deepEqual(ds.featureNames, ["sepalLength", "sepalWidth", "petalLength", "petalWidth"]);
    assert.match(ds.citation!, /Fisher \(1936\)/);
    assert.match(data.IRIS_CITATION, /Public domain/);
  });

  test("per-species means and standard deviations match the published summary", () => {
    const x = arr(data.iris().x);
    const published = [
      { mean: [5.006, 3.428, 1.462, 0.246], sd: [0.3524897, 0.3790644, 0.173664, 0.1053856] },
      { mean: [5.936, 2.77, 4.26, 1.326], sd: [0.5161711, 0.3137983, 0.469911, 0.1977527] },
      { mean: [6.588, 2.974, 5.552, 2.026], sd: [0.6358796, 0.3224966, 0.5518947, 0.2746501] },
    ];
    published.forEach((want, k) => {
      for (let f = 0; f < 4; f++) {
        const col = Array.from({ length: 50 }, (_, i) => x[(50 * k + i) * 4 + f]!);
        const m = col.reduce((a, b) => a + b, 0) / 50;
        const sd = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / 49);
        assert.ok(Math.abs(m - want.mean[f]!) < 1e-9, `species ${k} feature ${f} mean ${m}`);
        assert.ok(Math.abs(sd - want.sd[f]!) < 1e-7, `species ${k} feature ${f} sd ${sd}`);
      }
    });
  });

  test("softmax regression on standardized Iris with L-BFGS classifies > 95% of the flowers", () => {
    const ds = data.iris();
    const x = div(sub(ds.x, mean(ds.x, { axis: 0 })), std(ds.x, { axis: 0 }));
    const p = { w: zeros([4, 3]), b: zeros([3]) };
    const model = (q: typeof p, xs: Tensor): Tensor => add(matmul(xs, q.w), q.b);
    const { history } = train({
      params: p,
      data: { x, y: ds.y },
      optimizer: optim.lbfgs({ lineSearchFn: "strong_wolfe" }),
      steps: 5,
      live: false,
      loss: (q, b) => add(loss.crossEntropy(model(q, b.x), b.y), mul(sum(square(q.w)), 1e-3)),
    });
    const acc = mean(where(eq(argmax(model(p, x), { axis: 1 }), ds.y), 1, 0)).item();
    assert.ok(acc > 0.95, `accuracy ${acc}`);
    assert.ok(history.evaluations.loss > 5, "L-BFGS evaluates several times per step");
  });
});
