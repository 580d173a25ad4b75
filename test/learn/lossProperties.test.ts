// Property tests (fast-check): every smooth loss's autodiff gradient agrees with central
// differences at random points, and the reductions relate as they should.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { gradcheck, loss, tensor, type Tensor } from "../../src/index.js";

const vec = (n: number, lo: number, hi: number) =>
  fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: n, maxLength: n });

test("smooth losses: autodiff matches central differences at random points", () => {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 1, max: 6 })
        .chain((n) => fc.tuple(vec(n, -3, 3), vec(n, -3, 3), vec(n, 0.05, 0.95), vec(n, 0, 1))),
      ([a, b, p, q]) => {
        const x = tensor(a),
          y = tensor(b),
          probs = tensor(p),
          t = tensor(q);
        const cases: [string, (z: Tensor) => Tensor][] = [
          ["mse", (z) => loss.mse(z, y)],
          ["pseudoHuber", (z) => loss.pseudoHuber(z, y, { delta: 0.7 })],
          ["logCosh", (z) => loss.logCosh(z, y)],
          ["bceWithLogits", (z) => loss.bceWithLogits(z, t, { posWeight: [2] })],
          ["focal", (z) => loss.focal(z, t, { reduction: "sum" })],
          ["bce", (z) => loss.bce(z, t)],
          [
            "crossEntropy",
            (z) =>
              loss.crossEntropy(
                z,
                t.mul(
                  1 /
                    Math.max(
                      1e-9,
                      q.reduce((s, v) => s + v, 0),
                    ),
                ),
                { labelSmoothing: 0.1 },
              ),
          ],
          ["klDiv", (z) => loss.klDiv(z, t, { reduction: "batchmean" })],
        ];
        for (const [name, f] of cases) {
          const at = name === "bce" ? probs : x;
          const r = gradcheck(f, at);
          assert.ok(
            r.ok,
            `${name} at [${Array.from(at.data as ArrayLike<number>).join(", ")}]: ${JSON.stringify(r.worstIndex)}`,
          );
        }
      },
    ),
    { numRuns: 40, seed: 11 },
  );
});

test("reductions: sum = mean · n, and none sums to sum", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(vec(n, -5, 5), vec(n, -5, 5))),
      ([a, b]) => {
        const x = tensor(a),
          y = tensor(b);
        for (const name of ["mse", "mae", "huber", "smoothL1", "logCosh", "quantile"] as const) {
          const f = loss[name] as (x: Tensor, y: Tensor, o?: object) => Tensor;
          const s = f(x, y, { reduction: "sum" }).item();
          const m = f(x, y, { reduction: "mean" }).item();
          const none = Array.from(f(x, y, { reduction: "none" }).data as ArrayLike<number>);
          assert.ok(Math.abs(s - m * a.length) <= 1e-9 * Math.max(1, Math.abs(s)), name);
          assert.ok(Math.abs(none.reduce((u, v) => u + v, 0) - s) <= 1e-9 * Math.max(1, Math.abs(s)), name);
        }
      },
    ),
    { numRuns: 60, seed: 12 },
  );
});
