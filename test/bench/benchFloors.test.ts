// The benchmark's reference implementations must compute the right thing, or their times mean
// nothing: the micrograd floor's gradients, the register-tiled matmul floor, the fused loops of
// the elementwise-chain and grid workloads, and the statistics the tables print.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Value } from "../../bench/micrograd.js";
import { quantile, summarize } from "../../bench/sampleStats.js";
import { markdownTable } from "../../bench/markdownTable.js";
import { chainFloor, chainProblem, LENGTH } from "../../bench/core/elementwiseChain.js";
import { gridFloor, gridProblem, GRID, POINTS } from "../../bench/core/gridGradient.js";
import { matmulFloor, matmulProblem, N } from "../../bench/core/matmul.js";
import { mlpLoss, scalarGraphProblem } from "../../bench/core/scalarGraph.js";

describe("sample statistics and tables", () => {
  test("quantile interpolates between ranks; summarize reports median and p95", () => {
    assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
    assert.equal(quantile([1, 2, 3, 4, 5], 1), 5);
    const s = summarize(Array.from({ length: 21 }, (_, i) => i));
    assert.equal(s.median, 10);
    assert.equal(s.p95, 19);
    assert.throws(() => quantile([], 0.5), /no samples/);
  });

  test("markdownTable pads every column to its widest cell", () => {
    assert.equal(markdownTable(["a", "b"], [["1", "22"]]), "| a | b  |\n|---|----|\n| 1 | 22 |");
  });
});

describe("micrograd floor", () => {
  test("gradients of a small expression match central differences", () => {
    const f = (a: number, b: number) => {
      const x = new Value(a),
        y = new Value(b);
      const out = x.mul(y).add(x.tanh()).sub(y.square().mul(0.5));
      return { out, x, y };
    };
    const { out, x, y } = f(0.7, -1.3);
    out.backward();
    const h = 1e-6;
    const dx = (f(0.7 + h, -1.3).out.data - f(0.7 - h, -1.3).out.data) / (2 * h);
    const dy = (f(0.7, -1.3 + h).out.data - f(0.7, -1.3 - h).out.data) / (2 * h);
    assert.ok(Math.abs(x.grad - dx) < 1e-8, `dx ${x.grad} vs ${dx}`);
    assert.ok(Math.abs(y.grad - dy) < 1e-8, `dy ${y.grad} vs ${dy}`);
  });

  test("a node used twice accumulates both paths and deep chains do not overflow the stack", () => {
    const a = new Value(3);
    a.mul(a).backward();
    assert.equal(a.grad, 6);
    let v = new Value(1);
    const start = v;
    for (let i = 0; i < 200_000; i++) v = v.add(1);
    v.backward();
    assert.equal(start.grad, 1);
  });

  test("the scalar-graph MLP's first parameter gradient matches a central difference", () => {
    const { xs, ys, params } = scalarGraphProblem();
    const lossAt = (ps: number[]) =>
      mlpLoss(
        ps.map((p) => new Value(p)),
        xs.slice(0, 5),
        ys.slice(0, 5),
      ).data;
    const values = params.map((p) => new Value(p));
    mlpLoss(values, xs.slice(0, 5), ys.slice(0, 5)).backward();
    const h = 1e-6;
    const plus = [...params],
      minus = [...params];
    plus[0] += h;
    minus[0] -= h;
    const numeric = (lossAt(plus) - lossAt(minus)) / (2 * h);
    assert.ok(Math.abs(values[0].grad - numeric) < 1e-7, `${values[0].grad} vs ${numeric}`);
  });
});

describe("plain-JS floors", () => {
  test("the register-tiled matmul's checksum equals sum_ik a[i,k] * rowsum(b[k,:]) (float64 and float32)", async () => {
    for (const dtype of ["float64", "float32"] as const) {
      const { a, b } = matmulProblem(dtype);
      let expected = 0;
      for (let k = 0; k < N; k++) {
        const bk = rowSum(b, k);
        for (let i = 0; i < N; i++) expected += a[i * N + k] * bk;
      }
      const floor = await matmulFloor(dtype).setup();
      const tol = dtype === "float64" ? 1e-9 : 1e-3;
      const got = floor.step();
      assert.ok(
        Math.abs(got - expected) <= tol * Math.max(1, Math.abs(expected)),
        `${dtype}: ${got} vs ${expected}`,
      );
    }
  });

  test("the fused chain loop returns the same loss as a direct evaluation", async () => {
    const p = chainProblem();
    let s = 0;
    for (let i = 0; i < LENGTH; i++) {
      const r = Math.tanh(p.x[i] * p.w[i] + p.b[i]) - p.y[i];
      s += r * r;
    }
    const floor = await chainFloor().setup();
    assert.ok(Math.abs(floor.step() - s / LENGTH) < 1e-12);
  });

  test("the fused grid loop's gradient at one grid point matches a central difference", async () => {
    const p = gridProblem();
    const g = 1234;
    const mse = (w: number, b: number) => {
      let s = 0;
      for (let i = 0; i < POINTS; i++) s += (w * p.x[i] + b - p.y[i]) ** 2;
      return s / POINTS;
    };
    const h = 1e-6;
    const dw = (mse(p.ws[g] + h, p.bs[g]) - mse(p.ws[g] - h, p.bs[g])) / (2 * h);
    const db = (mse(p.ws[g], p.bs[g] + h) - mse(p.ws[g], p.bs[g] - h)) / (2 * h);
    let checksum = 0;
    for (let k = 0; k < GRID * GRID; k++) {
      let sw = 0,
        sb = 0;
      for (let i = 0; i < POINTS; i++) {
        const r = p.ws[k] * p.x[i] + p.bs[k] - p.y[i];
        sw += r * p.x[i];
        sb += r;
      }
      checksum += (2 * sw) / POINTS + (2 * sb) / POINTS;
      if (k === g) {
        assert.ok(Math.abs((2 * sw) / POINTS - dw) < 1e-6);
        assert.ok(Math.abs((2 * sb) / POINTS - db) < 1e-6);
      }
    }
    const floor = await gridFloor().setup();
    assert.ok(Math.abs(floor.step() - checksum) < 1e-9 * Math.max(1, Math.abs(checksum)));
  });
});

function rowSum(b: ArrayLike<number>, k: number): number {
  let s = 0;
  for (let j = 0; j < N; j++) s += b[k * N + j];
  return s;
}
