// The optimizer interface: three ways to give gradients, in-place updates of a pytree,
// zeroGrad, inspectable state, evaluation counters, dtypes and errors.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { grad, matmul, mean, optim, square, sub, sum, tensor, zeros, type Tensor } from "../../src/index.js";

type P = { w: Tensor; b: Tensor };
const X = tensor([
  [1, 2],
  [3, 4],
  [5, 6],
]);
const Y = tensor([1, 0, -1]);
const f = (p: P): Tensor => mean(square(sub(sub(matmul(X, p.w), p.b), Y)));
const fresh = (): P => ({ w: tensor([0.1, -0.2]), b: tensor(0.3) });
const snapshot = (p: P): number[] => [
  ...Array.from(p.w.data as ArrayLike<number>),
  ...Array.from(p.b.data as ArrayLike<number>),
];

describe("optimizer interface", () => {
  test("explicit grads, an objective, and leaves' .grad give the same update", () => {
    const a = fresh(),
      b = fresh(),
      c = fresh();
    const oa = optim.adam({ lr: 0.1 }),
      ob = optim.adam({ lr: 0.1 }),
      oc = optim.adam({ lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      oa.step(a, grad(f)(a));
      ob.step(b, f);
      oc.zeroGrad(c);
      c.w.requiresGrad = true;
      c.b.requiresGrad = true;
      f(c).backward();
      oc.step(c);
    }
    assert.deepEqual(snapshot(b), snapshot(a));
    assert.deepEqual(snapshot(c), snapshot(a));
    assert.deepEqual(oa.evaluations, { loss: 0, grad: 3 });
    assert.deepEqual(ob.evaluations, { loss: 3, grad: 3 });
  });

  test("updates happen in place on the same tensors; zeroGrad clears .grad", () => {
    const p = fresh();
    const w = p.w;
    p.w.requiresGrad = true;
    p.b.requiresGrad = true;
    f(p).backward();
    const opt = optim.sgd({ lr: 0.01, momentum: 0.9 });
    opt.step(p);
    assert.equal(p.w, w);
    assert.notDeepEqual(snapshot(p), snapshot(fresh()));
    opt.zeroGrad(p);
    assert.equal(p.w.grad, null);
    assert.equal(p.b.grad, null);
  });

  test("state is inspectable per parameter", () => {
    const p = fresh();
    const opt = optim.adam({ lr: 0.1, amsgrad: true });
    opt.step(p, f);
    opt.step(p, f);
    const s = opt.state.get(p.w)!;
    assert.equal(s.step, 2);
    assert.equal((s.expAvg as Float64Array).length, 2);
    assert.ok(s.maxExpAvgSq instanceof Float64Array);
    const m = optim.sgd({ lr: 0.1, momentum: 0.5 });
    m.step(p, f);
    assert.ok(m.state.get(p.b)!.momentumBuffer instanceof Float64Array);
    const l = optim.lbfgs();
    l.step(p, f);
    assert.ok(l.state.nIter >= 1 && l.state.funcEvals >= 1);
    assert.match(String(opt), /adam\(lr=0.1\) after 2 steps: 2 loss and 2 gradient evaluations/);
  });

  test("float32 parameters stay float32", () => {
    const p = { w: tensor([1, 2], { dtype: "float32" }) };
    optim.rmsprop({ lr: 0.1, centered: true }).step(p, (q: { w: Tensor }) => sum(square(q.w)));
    assert.equal(p.w.dtype, "float32");
    assert.ok(p.w.data instanceof Float32Array);
  });

  test("a schedule drives the optimizer's lr", () => {
    const opt = optim.sgd({ lr: 1 });
    const s = optim.schedule.step(opt, { stepSize: 2, gamma: 0.5 });
    const lrs: number[] = [];
    for (let i = 0; i < 5; i++) {
      lrs.push(opt.lr);
      s.step();
    }
    assert.deepEqual(lrs, [1, 1, 0.5, 0.5, 0.25]);
    const w = optim.schedule.linearWarmup(optim.adam({ lr: 1 }), { startFactor: 0.5, totalIters: 2 });
    assert.equal(w.lr, 0.5);
  });

  test("errors name the problem", () => {
    const p = fresh();
    assert.throws(
      () => optim.adam().step(p, { w: zeros([3]), b: zeros([]) }),
      /parameter 0 has shape \[2\] but its gradient has shape \[3\]/,
    );
    assert.throws(() => optim.adam().step(p, { w: zeros([2]) }), /2 parameters but 1 gradients/);
    assert.throws(() => optim.lbfgs().step(p, grad(f)(p)), /needs the objective/);
    assert.throws(() => optim.sgd().step({ w: tensor([1, 2], { dtype: "int32" }) }), /dtype int32/);
    assert.throws(() => optim.sgd({ nesterov: true }), /nesterov needs momentum > 0/);
    assert.throws(() => optim.adam({ betas: [0.9, 1] }), /betas must be in \[0, 1\)/);
    assert.throws(() => optim.lbfgs({ lineSearchFn: "backtracking" as never }), /lineSearchFn/);
  });
});

test("schedules name a forgotten optimizer argument instead of failing inside", () => {
  const call = optim.schedule.step as unknown as (o: unknown) => unknown;
  assert.throws(() => call({ stepSize: 2, gamma: 0.5 }), /first argument must be the optimizer/);
  assert.throws(
    () => optim.schedule.exponential(optim.sgd({ lr: 0.1 }), { gamma: -1 }),
    /gamma must be a positive number/,
  );
});
