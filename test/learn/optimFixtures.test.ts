// Optimizers against torch.optim step for step (float64, 1e-10), schedules against
// torch.optim.lr_scheduler, and clipGradNorm against torch.nn.utils.clip_grad_norm_.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  matmul,
  mean,
  optim,
  pow,
  square,
  sub,
  tanh,
  add,
  mul,
  index,
  tensor,
  type Tensor,
} from "../../src/index.js";
import { fixtureData, loadFixture, toTensor, type FixtureTensor } from "../fixtureLoader.js";
import { assertClose } from "./closeTo.js";

type Params = Record<string, Tensor>;

// The two problems of test/fixtures/torch_optim.py, written with the same ops.
const X = tensor([
  [0.5, -1.0, 2.0],
  [1.5, 0.3, -0.7],
  [-0.2, 0.8, 0.1],
  [1.0, 1.0, -1.0],
  [-1.3, 0.4, 0.9],
  [0.6, -0.5, -0.2],
]);
const Y = tensor([
  [0.3, -0.2],
  [0.9, 0.1],
  [-0.4, 0.5],
  [0.2, 0.2],
  [-0.8, 0.6],
  [0.5, -0.9],
]);
const PROBLEMS: Record<string, (p: Params) => Tensor> = {
  rosenbrock: (p) => {
    const x = index(p.xy!, 0),
      y = index(p.xy!, 1);
    return add(square(sub(1, x)), mul(square(sub(y, mul(x, x))), 100));
  },
  tanhRegression: (p) => mean(pow(sub(tanh(add(matmul(X, p.w!), p.b!)), Y), 2)),
};

interface Trajectory {
  optimizer: string;
  options: Record<string, unknown>;
  problem: string;
  init: Record<string, FixtureTensor>;
  losses: number[];
  closureCalls: number[];
  params: Record<string, FixtureTensor>[];
}

const fx = loadFixture<{ trajectories: Trajectory[] }>("optim-trajectories");
const sched = loadFixture<{
  schedules: { schedule: string; options: Record<string, number>; lrs: number[] }[];
  clipping: {
    maxNorm: number;
    grads: Record<string, FixtureTensor>;
    clipped: Record<string, FixtureTensor>;
    totalNorm: number;
  }[];
}>("optim-schedules");

function make(name: string, options: Record<string, unknown>): optim.Optimizer {
  const factory = (optim as unknown as Record<string, (o: unknown) => optim.Optimizer>)[name];
  assert.ok(factory, `optim.${name} exists`);
  return factory(options);
}

describe("optimizers follow torch.optim's trajectories (float64, 1e-10)", () => {
  for (const t of fx.trajectories) {
    test(`${t.optimizer} ${JSON.stringify(t.options)} on ${t.problem}`, () => {
      const params: Params = {};
      for (const [k, v] of Object.entries(t.init)) params[k] = toTensor(v);
      const opt = make(t.optimizer, t.options);
      const f = PROBLEMS[t.problem]!;
      let calls = 0;
      for (let s = 0; s < t.params.length; s++) {
        const before = opt.evaluations.loss;
        const loss = opt.step(params, f);
        calls = opt.evaluations.loss - before;
        assert.ok(
          loss !== undefined && Math.abs(loss - t.losses[s]!) <= 1e-10 * Math.max(1, Math.abs(t.losses[s]!)),
          `step ${s}: loss ${loss} vs torch ${t.losses[s]}`,
        );
        if (t.optimizer === "lbfgs") assert.equal(calls, t.closureCalls[s], `step ${s}: closure calls`);
        for (const [k, v] of Object.entries(t.params[s]!)) {
          assertClose(
            Float64Array.from(params[k]!.data as ArrayLike<number>),
            fixtureData(v) as Float64Array,
            1e-10,
            `step ${s} param ${k}`,
          );
        }
      }
      assert.equal(opt.steps, t.params.length);
      assert.equal(
        opt.evaluations.grad,
        opt.evaluations.loss,
        "every closure call evaluates loss and gradient",
      );
    });
  }
});

describe("learning-rate schedules follow torch.optim.lr_scheduler", () => {
  for (const s of sched.schedules) {
    test(`${s.schedule} ${JSON.stringify(s.options)}`, () => {
      const opt = optim.sgd({ lr: 0.1 });
      const make = (
        optim.schedule as unknown as Record<string, (o: unknown, p: unknown) => optim.LrSchedule>
      )[s.schedule]!;
      const schedule = make(opt, s.options);
      const lrs: number[] = [];
      for (let i = 0; i < s.lrs.length; i++) {
        lrs.push(opt.lr);
        schedule.step();
      }
      assertClose(lrs, s.lrs, 1e-12, s.schedule);
    });
  }
});

describe("clipGradNorm follows torch.nn.utils.clip_grad_norm_", () => {
  for (const c of sched.clipping) {
    test(`maxNorm ${c.maxNorm}`, () => {
      const grads = { a: toTensor(c.grads.a!), b: toTensor(c.grads.b!) };
      const total = optim.clipGradNorm(grads, c.maxNorm);
      assert.ok(
        Math.abs(total - c.totalNorm) <= 1e-12 * c.totalNorm,
        `total norm ${total} vs ${c.totalNorm}`,
      );
      for (const k of ["a", "b"] as const)
        assertClose(
          Float64Array.from(grads[k].data as ArrayLike<number>),
          fixtureData(c.clipped[k]!) as Float64Array,
          1e-12,
          k,
        );
    });
  }
});
