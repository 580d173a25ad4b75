// The js backend's summation order (jsBackend.interleavedSum): four partial sums by index
// mod 4, combined as (S0 + S1) + (S2 + S3). The eager reduce kernel, the dot-product rows of
// mulReduce and the fused loops of lazyElementwise.ts (full sums, whose flattened index runs
// across rows of broadcast leaves, and per-row sums) must all follow it, so fused and eager
// results agree bit for bit whatever the row length mod 4.
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as g from "../../src/index.js";
import { type Tensor } from "../../src/index.js";
import { setFusionMinSize } from "../../src/ops/lazyElementwise.js";
import { interleavedSum } from "../../src/backend/jsBackend.js";
import { assertSameBits, withFusion } from "./fusionTestKit.js";

const SEED = 20261128;
type FloatDType = "float64" | "float32";

function randomTensor(gen: g.Generator, shape: number[], dtype: FloatDType): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  return g
    .tensor(
      Array.from({ length: n }, () => gen.uniform() * 4 - 2),
      { dtype },
    )
    .reshape(shape);
}

/** The specified order, written out plainly: element i goes to partial sum i mod 4. */
function referenceSum(values: ArrayLike<number>): number {
  const s = [0, 0, 0, 0];
  for (let i = 0; i < values.length; i++) s[i & 3] += values[i];
  return s[0] + s[1] + (s[2] + s[3]);
}

describe("interleaved summation order", () => {
  test("interleavedSum follows the specified order for every length 0..13 and a long odd one", () => {
    const gen = new g.Generator(SEED);
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 4099]) {
      const x = Float64Array.from({ length: n + 3 }, () => gen.uniform() * 2 - 1);
      assert.ok(Object.is(interleavedSum(x, 3, n), referenceSum(x.subarray(3))), `length ${n}`);
    }
    assert.equal(interleavedSum(new Float64Array([1, 2, 3, 4, 5]), 0, 5), 15);
  });

  test("rows of at most 3 elements keep the sequential result", () => {
    const x = new Float64Array([0.1, 0.2, 0.3]);
    assert.ok(Object.is(interleavedSum(x, 0, 3), 0.1 + 0.2 + 0.3));
    assert.ok(
      Object.is(interleavedSum(new Float64Array([-0]), 0, 1), 0),
      "an all -0 sum is +0, as a running sum from 0 gives",
    );
  });

  test("eager sum, mean and last-axis sum follow the order (float64 and float32)", () => {
    for (const dtype of ["float64", "float32"] as const) {
      const gen = new g.Generator(SEED + 1);
      const x = randomTensor(gen, [7, 13], dtype);
      withFusion(false, () => {
        const d = x.data;
        const f = (v: number): number => (dtype === "float32" ? Math.fround(v) : v);
        assert.ok(Object.is(x.sum().item(), f(referenceSum(d))), `${dtype} full sum`);
        const rows = x.sum({ axis: -1 }).data;
        for (let r = 0; r < 7; r++)
          assert.ok(
            Object.is(rows[r], f(referenceSum(d.subarray(r * 13, r * 13 + 13)))),
            `${dtype} row ${r}`,
          );
      });
    }
  });

  test("a long float64 sum is at least as accurate as a running sum here (0.1 repeated)", () => {
    const n = 100_003;
    const x = g.tensor(new Float64Array(n).fill(0.1));
    let running = 0;
    for (let i = 0; i < n; i++) running += 0.1;
    // Exact value of n copies of the double nearest 0.1, to well below float64 resolution.
    const exact = n * 0.1000000000000000055511151231257827;
    const err = Math.abs(withFusion(false, () => x.sum().item()) - exact);
    assert.ok(
      err <= Math.abs(running - exact),
      `interleaved error ${err} vs running-sum error ${Math.abs(running - exact)}`,
    );
    assert.ok(err / exact < 1e-12, `relative error ${err / exact}`);
  });
});

describe("fused sums equal the eager sums bit for bit for any row length", () => {
  let prev = 0;
  beforeEach(() => {
    prev = setFusionMinSize(64);
  });
  afterEach(() => {
    setFusionMinSize(prev);
  });

  for (const dtype of ["float64", "float32"] as const) {
    test(`full sums across broadcast rows, row sums and mean (${dtype})`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 21 }),
          fc.integer({ min: 0, max: 1_000_000 }),
          (rows, last, seed) => {
            // Full sums walk the flattened index across rows, so a row length that is not a
            // multiple of 4 shifts every following row's phase.
            if (rows * last < 64) rows = Math.ceil(64 / last);
            const gen = new g.Generator(seed);
            const w = randomTensor(gen, [rows, 1], dtype),
              b = randomTensor(gen, [rows, 1], dtype);
            const x = randomTensor(gen, [last], dtype),
              y = randomTensor(gen, [last], dtype);
            const z = randomTensor(gen, [rows, last], dtype);
            const chain = (): Tensor => w.mul(x).add(b).sub(y).square();
            const full = (): Tensor => z.mul(w).add(x).tanh();
            const run = (): Tensor[] => [
              chain().sum(),
              chain().mean(),
              chain().sum({ axis: -1 }),
              chain().mean({ axis: -1, keepdims: true }),
              full().sum(),
              full().sum({ axis: -1 }),
              chain()
                .mul(x)
                .sum({ axis: [0, 1] }),
              // Built on the same sums: logsumexp (sum of a deferred exp) and variance (mean, then a sum of squares).
              g.logsumexp(full(), { axis: -1 }),
              g.logsumexp(full()),
              g.variance(full(), { axis: -1 }),
              g.std(full()),
            ];
            const eager = withFusion(false, run);
            const fused = withFusion(true, () => {
              assert.notEqual(chain()._lazy, null, "the chain should be deferred with fusion on");
              return run();
            });
            [
              "sum",
              "mean",
              "row sums",
              "row means",
              "full-size sum",
              "full-size row sums",
              "sum over both axes",
              "row logsumexp",
              "logsumexp",
              "row variance",
              "std",
            ].forEach((what, i) => assertSameBits(fused[i], eager[i], `${dtype} [${rows}, ${last}] ${what}`));
          },
        ),
        { numRuns: 40, seed: SEED + 2 },
      );
    });
  }

  test("a row sum whose expression reads another pending row sum (variance over the last axis) is computed after it", () => {
    const gen = new g.Generator(SEED + 3);
    const z = randomTensor(gen, [100, 100], "float64");
    const run = (): Tensor[] => [
      g.variance(z.mul(2), { axis: -1 }),
      g.std(z.mul(2).add(1), { axis: -1, keepdims: true }),
    ];
    const eager = withFusion(false, run);
    const fused = withFusion(true, run);
    assertSameBits(fused[0], eager[0], "variance");
    assertSameBits(fused[1], eager[1], "std");
  });

  test("sibling row sums and the grid gradient (mulReduce rows vs fused row sums) agree for odd row lengths (float64)", () => {
    for (const points of [5, 66, 131, 1001]) {
      const gen = new g.Generator(SEED + points);
      const x = randomTensor(gen, [points], "float64"),
        y = randomTensor(gen, [points], "float64");
      const ws = randomTensor(gen, [3, 7, 1], "float64"),
        bs = randomTensor(gen, [3, 7, 1], "float64");
      const grid = (wt: Tensor, bt: Tensor): Tensor =>
        wt.mul(x).add(bt).sub(y).square().mean({ axis: -1 }).sum();
      const run = (): Tensor[] => {
        const [v, gs] = g.valueAndGrad(grid, { argnums: [0, 1] })(ws, bs) as [Tensor, Tensor[]];
        return [v, ...gs];
      };
      const eager = withFusion(false, run);
      const fused = withFusion(true, run);
      ["value", "d/dw", "d/db"].forEach((what, i) =>
        assertSameBits(fused[i], eager[i], `${points} points ${what}`),
      );
    }
  });
});
