// Derivative-free optimizers share the optimizer interface: they minimize through the
// objective alone, count loss evaluations (never gradients), leave the best point in the
// parameters, and are reproducible from their seed.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { add, index, mul, optim, square, sub, sum, tensor, zeros, type Tensor } from "../../src/index.js";

type XY = { xy: Tensor };
const rosenbrock = (p: XY): Tensor => {
  const x = index(p.xy, 0),
    y = index(p.xy, 1);
  return add(square(sub(1, x)), mul(square(sub(y, mul(x, x))), 100));
};
const start = (): XY => ({ xy: tensor([-1.2, 1]) });

describe("derivative-free optimizers on Rosenbrock (start loss 24.2)", () => {
  const cases: [string, () => optim.Optimizer, number, number, (steps: number) => number][] = [
    ["nelderMead", () => optim.nelderMead(), 300, 1e-10, () => NaN],
    ["randomSearch", () => optim.randomSearch({ sigma: 0.05, seed: 0 }), 300, 1e-3, (s) => 1 + 16 * s],
    ["evolutionStrategy", () => optim.evolutionStrategy({ sigma: 0.5, seed: 0 }), 300, 0.05, (s) => 6 * s],
    [
      "geneticAlgorithm",
      () => optim.geneticAlgorithm({ populationSize: 40, mutationScale: 0.05, seed: 0 }),
      200,
      0.2,
      (s) => 40 + 38 * s,
    ],
  ];
  for (const [name, make, steps, target, expectedEvals] of cases) {
    test(`${name}: gets below ${target} in ${steps} steps, counting only loss evaluations`, () => {
      const params = start();
      const opt = make();
      const r = optim.minimize(rosenbrock, params, opt, { steps });
      const final = r.losses.at(-1)!;
      assert.ok(final < target, `${name} reached ${final}`);
      assert.equal(r.evaluations.grad, 0);
      if (!Number.isNaN(expectedEvals(steps))) assert.equal(r.evaluations.loss, expectedEvals(steps));
      assert.ok(r.evaluations.loss > steps, "several evaluations per step");
      assert.equal(rosenbrock(params).item(), final, "the parameters hold the best point found");
      for (let i = 1; i < r.losses.length; i++)
        assert.ok(r.losses[i]! <= r.losses[i - 1]!, "best-so-far never gets worse");
    });
  }

  test("seeded methods are reproducible and the seed matters", () => {
    const run = (seed: number): number[] => {
      const p = start();
      optim.minimize(rosenbrock, p, optim.geneticAlgorithm({ populationSize: 20, seed }), { steps: 20 });
      optim.minimize(rosenbrock, p, optim.evolutionStrategy({ seed }), { steps: 20 });
      return Array.from(p.xy.data as ArrayLike<number>);
    };
    assert.deepEqual(run(5), run(5));
    assert.notDeepEqual(run(5), run(6));
  });

  test("Nelder-Mead and the evolution strategy solve a 10-dimensional quadratic", () => {
    const sphere = (p: { v: Tensor }): Tensor => sum(square(sub(p.v, 1)));
    for (const opt of [optim.nelderMead(), optim.evolutionStrategy({ sigma: 0.5, seed: 1 })]) {
      const p = { v: zeros([10]) };
      const r = optim.minimize(sphere, p, opt, { steps: opt.name === "nelderMead" ? 2000 : 300 });
      assert.ok(r.losses.at(-1)! < 1e-8, `${opt.name}: ${r.losses.at(-1)}`);
    }
  });

  test("the contrast the seed asks about: gradient steps vs loss evaluations to reach 1e-6", () => {
    const lbfgs = optim.minimize(rosenbrock, start(), optim.lbfgs({ lineSearchFn: "strong_wolfe" }), {
      steps: 20,
      target: 1e-6,
    });
    const nm = optim.minimize(rosenbrock, start(), optim.nelderMead(), { steps: 1000, target: 1e-6 });
    assert.ok(
      lbfgs.evaluations.loss < nm.evaluations.loss,
      `lbfgs ${lbfgs.evaluations.loss} vs nelderMead ${nm.evaluations.loss}`,
    );
    assert.equal(nm.evaluations.grad, 0);
    assert.equal(lbfgs.evaluations.grad, lbfgs.evaluations.loss);
  });

  test("errors name the problem", () => {
    assert.throws(() => optim.nelderMead().step(start()), /needs the objective/);
    assert.throws(() => optim.geneticAlgorithm({ populationSize: 1 }), /populationSize must be >= 2/);
    assert.throws(() => optim.evolutionStrategy({ sigma: 0 }), /sigma must be > 0/);
  });
});
