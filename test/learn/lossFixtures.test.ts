// Every loss against PyTorch (torch.nn.functional, float64): values and gradients to 1e-10,
// over reductions, weights and edge cases (exact kinks, zero targets, logits ±1000).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { loss, mul, sum, type Tensor } from "../../src/index.js";
import { fixtureData, loadFixture, toTensor, type FixtureTensor } from "../fixtureLoader.js";
import { assertClose } from "./closeTo.js";

interface LossCase {
  loss: string;
  label: string;
  options: Record<string, unknown>;
  inputs: Record<string, FixtureTensor>;
  value: FixtureTensor;
  cotangent: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}

const fx = loadFixture<{ cases: LossCase[] }>("losses-cases");
const TOL = 1e-10;

function run(c: LossCase): { value: Tensor; grads: Record<string, Tensor | null> } {
  const ts: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) ts[k] = toTensor(v, { requiresGrad: k in c.grads });
  const fn = (loss as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.loss];
  assert.ok(fn, `loss.${c.loss} exists`);
  const value =
    c.loss === "cosineEmbedding"
      ? fn(ts.x1, ts.x2, ts.target, c.options)
      : fn(ts.input, ts.target, c.options);
  const grads: Record<string, Tensor | null> = {};
  if (Object.keys(c.grads).length > 0) {
    sum(mul(value, toTensor(c.cotangent))).backward();
    for (const k of Object.keys(c.grads)) grads[k] = ts[k]!.grad;
  }
  return { value, grads };
}

describe("losses match torch.nn.functional (float64, 1e-10)", () => {
  const byLoss = new Map<string, LossCase[]>();
  for (const c of fx.cases) byLoss.set(c.loss, [...(byLoss.get(c.loss) ?? []), c]);
  for (const [name, cases] of byLoss) {
    test(`${name}: ${cases.length} cases`, () => {
      for (const [i, c] of cases.entries()) {
        const what = `${name} #${i} ${c.label} ${JSON.stringify(c.options)}`;
        const { value, grads } = run(c);
        assert.deepEqual(value.shape, c.value.shape, `${what}: shape`);
        assertClose(
          Float64Array.from(value.data as ArrayLike<number>),
          fixtureData(c.value) as Float64Array,
          TOL,
          `${what}: value`,
        );
        for (const [k, g] of Object.entries(c.grads)) {
          const actual = grads[k];
          assert.ok(actual, `${what}: no gradient for ${k}`);
          assertClose(
            Float64Array.from(actual.data as ArrayLike<number>),
            fixtureData(g) as Float64Array,
            TOL,
            `${what}: d/d${k}`,
          );
        }
      }
    });
  }

  test("the fixture covers every loss PyTorch has a counterpart for", () => {
    const covered = new Set(fx.cases.map((c) => c.loss));
    for (const name of [
      "mse",
      "mae",
      "l1",
      "huber",
      "smoothL1",
      "pseudoHuber",
      "logCosh",
      "quantile",
      "hinge",
      "squaredHinge",
      "bce",
      "bceWithLogits",
      "crossEntropy",
      "nll",
      "klDiv",
      "focal",
      "cosineEmbedding",
    ]) {
      assert.ok(covered.has(name), `fixture has cases for ${name}`);
    }
  });
});
