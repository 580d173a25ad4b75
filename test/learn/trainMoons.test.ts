// The proof of training: a tiny MLP on moons passes 95% accuracy in a fixed number
// of steps with a fixed seed, and two runs give exactly the same numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  add,
  argmax,
  data,
  eq,
  generator,
  loss,
  matmul,
  mean,
  mul,
  optim,
  randn,
  tanh,
  train,
  where,
  zeros,
  type Tensor,
} from "../../src/index.js";

type Mlp = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor; w3: Tensor; b3: Tensor };

function init(seed: number): Mlp {
  const g = generator(seed);
  return {
    w1: mul(randn([2, 16], { generator: g }), Math.sqrt(1 / 2)),
    b1: zeros([16]),
    w2: mul(randn([16, 16], { generator: g }), Math.sqrt(1 / 16)),
    b2: zeros([16]),
    w3: mul(randn([16, 2], { generator: g }), Math.sqrt(1 / 16)),
    b3: zeros([2]),
  };
}

const model = (p: Mlp, x: Tensor): Tensor =>
  add(matmul(tanh(add(matmul(tanh(add(matmul(x, p.w1), p.b1)), p.w2), p.b2)), p.w3), p.b3);

function accuracy(p: Mlp, x: Tensor, y: Tensor): number {
  return mean(where(eq(argmax(model(p, x), { axis: 1 }), y), 1, 0)).item();
}

function run(): { acc: number; valAcc: number; losses: number[]; params: Float64Array[] } {
  const { train: tr, validation } = data.split(data.moons({ n: 400, noise: 0.1, seed: 0 }), {
    validation: 0.25,
    seed: 1,
  });
  const params = init(7);
  const { history } = train({
    params,
    data: tr,
    validation,
    optimizer: optim.adam({ lr: 0.02 }),
    steps: 400,
    batchSize: 64,
    seed: 3,
    live: false,
    loss: (p, b) => loss.crossEntropy(model(p, b.x), b.y),
  });
  assert.equal(history.count, 400);
  assert.equal(history.stopReason, "completed");
  assert.equal(history.evaluations.grad, 400);
  return {
    acc: accuracy(params, tr.x, tr.y),
    valAcc: accuracy(params, validation.x, validation.y),
    losses: history.loss,
    params: Object.values(params).map((t) => Float64Array.from(t.data as ArrayLike<number>)),
  };
}

test("a 2-16-16-2 tanh MLP on moons reaches > 95% accuracy in 400 Adam steps, identically twice", () => {
  const a = run();
  const b = run();
  assert.ok(a.acc > 0.95, `training accuracy ${a.acc}`);
  assert.ok(a.valAcc > 0.95, `validation accuracy ${a.valAcc}`);
  assert.deepEqual(b.losses, a.losses, "same loss at every step");
  assert.deepEqual(b.params, a.params, "same final parameters, bit for bit");
  assert.equal(b.acc, a.acc);
});
