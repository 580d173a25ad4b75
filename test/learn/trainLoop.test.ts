// train(): batches, validation, History, callbacks, early stopping, schedules, clipping,
// derivative-free optimizers, the live loss curve through the display host, and a clean
// stop on interrupt that keeps params and history.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DISPLAY_HOST,
  History,
  log,
  mean,
  optim,
  square,
  sub,
  tensor,
  train,
  type DisplayHost,
  type MimeBundle,
  type Tensor,
} from "../../src/index.js";

type W = { w: Tensor };
const target = (v: number, n = 1): { x: Tensor } => ({ x: tensor(Array.from({ length: n }, () => [v])) });
const quad = (p: W, b: { x: Tensor }): Tensor => mean(square(sub(p.w, b.x)));

function installHost(signal?: AbortSignal): {
  calls: { bundle: MimeBundle; opts: Record<string, unknown> | undefined }[];
} {
  const calls: { bundle: MimeBundle; opts: Record<string, unknown> | undefined }[] = [];
  const host: DisplayHost = {
    display: (bundle, opts) => {
      calls.push({ bundle, opts });
    },
    session: new Map(),
    ...(signal ? { signal } : {}),
  };
  (globalThis as Record<symbol, unknown>)[DISPLAY_HOST] = host;
  return { calls };
}
afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[DISPLAY_HOST];
});

describe("train", () => {
  test("records loss, validation loss, gradient norm, lr and wall time per step", () => {
    const p = { w: tensor([0]) };
    const { params, history } = train({
      params: p,
      data: target(2, 8),
      validation: target(1),
      loss: quad,
      optimizer: optim.sgd({ lr: 0.1 }),
      epochs: 3,
      batchSize: 4,
      live: false,
    });
    assert.equal(params, p);
    assert.ok(history instanceof History);
    assert.equal(history.count, 6, "3 epochs of 2 batches");
    assert.deepEqual(history.epoch, [0, 0, 1, 1, 2, 2]);
    assert.deepEqual(
      history.valLoss.map((v) => v === null),
      [true, false, true, false, true, false],
      "validated once per epoch",
    );
    assert.equal(history.loss[0], 4);
    assert.equal(history.gradNorm[0], 4, "|d/dw (w − 2)²| at w = 0");
    assert.deepEqual(history.lr, [0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    for (let i = 1; i < history.count; i++) assert.ok(history.time[i]! >= history.time[i - 1]!);
    assert.equal(history.stepTime.length, 6);
    assert.ok(history.stepTime.every((t) => t >= 0 && t <= history.time.at(-1)!));
    assert.deepEqual(history.evaluations, { loss: 6, grad: 6 });
    assert.deepEqual(history.best("loss")?.step, 5);
    assert.equal((history.toJSON() as { loss: number[] }).loss.length, 6);
    assert.match(String(history), /History\(6 steps, completed; loss/);
    const bundle = (history as unknown as Record<symbol, () => MimeBundle>)[Symbol.for("Jupyter.display")]!();
    assert.ok("application/vnd.plotly.v1+json" in bundle && "text/html" in bundle);
  });

  test("early stopping watches the validation loss and restores the best parameters", () => {
    const p = { w: tensor([0]) };
    const { history } = train({
      params: p,
      data: target(2),
      validation: target(1),
      loss: quad,
      optimizer: optim.sgd({ lr: 0.1 }),
      steps: 100,
      earlyStopping: { patience: 3 },
      live: false,
    });
    assert.equal(history.stopReason, "earlyStopping");
    const best = history.best("valLoss")!;
    assert.equal(history.count, best.step + 4, "stopped after 3 checks without improvement");
    const w = (p.w.data as Float64Array)[0]!;
    assert.ok(Math.abs((w - 1) ** 2 - best.value) < 1e-15, "params are those of the best check");
  });

  test("callbacks see every step and can stop training", () => {
    const seen: number[] = [];
    const epochs: number[] = [];
    let ended: History | null = null;
    const { history } = train({
      params: { w: tensor([0]) },
      data: target(2, 4),
      batchSize: 2,
      loss: quad,
      steps: 20,
      live: false,
      callbacks: [
        {
          onStepEnd: (s) => {
            seen.push(s.step);
            return s.step < 4;
          },
          onEpochEnd: (s) => {
            epochs.push(s.epoch);
          },
          onTrainEnd: (h) => {
            ended = h;
          },
        },
      ],
    });
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    assert.deepEqual(epochs, [0, 1]);
    assert.equal(history.stopReason, "callback");
    assert.equal(ended, history);
  });

  test("a schedule and gradient clipping act on every step", () => {
    const opt = optim.sgd({ lr: 1 });
    const { history } = train({
      params: { w: tensor([0]) },
      data: target(10),
      loss: quad,
      optimizer: opt,
      steps: 4,
      live: false,
      schedule: optim.schedule.exponential(opt, { gamma: 0.5 }),
      clipGradNorm: 1,
    });
    assert.deepEqual(history.lr, [1, 0.5, 0.25, 0.125]);
    assert.equal(history.gradNorm[0], 20, "recorded before clipping");
    assert.ok(
      Math.abs(history.loss[1]! - 81) < 1e-5,
      "the clipped step moved w by lr·maxNorm/(norm + 1e-6) ≈ 1",
    );
  });

  test("derivative-free optimizers and L-BFGS train through the objective", () => {
    const es = train({
      params: { w: tensor([0]) },
      data: target(2),
      loss: quad,
      optimizer: optim.evolutionStrategy({ seed: 0 }),
      steps: 30,
      live: false,
    });
    assert.ok(es.history.loss.at(-1)! < 1e-3);
    assert.ok(Number.isNaN(es.history.gradNorm[0]!));
    assert.equal(es.history.evaluations.grad, 0);
    const lb = train({
      params: { w: tensor([0]) },
      data: target(2),
      loss: quad,
      optimizer: optim.lbfgs(),
      steps: 2,
      live: false,
    });
    assert.ok(Math.abs((lb.params.w.data as Float64Array)[0]! - 2) < 1e-9);
  });

  test("a non-finite loss stops training and says so", () => {
    const { history } = train({
      params: { w: tensor([-1]) },
      data: target(0),
      loss: (p) => mean(log(p.w)),
      steps: 5,
      live: false,
    });
    assert.equal(history.stopReason, "nonFinite");
    assert.equal(history.count, 1);
  });

  test("errors name the problem", () => {
    assert.throws(
      () =>
        train({
          params: { w: tensor([0]) },
          data: { x: tensor([[1], [2]]), y: tensor([1]) },
          loss: quad,
          steps: 1,
        }),
      /data.x has 2 rows but data.y has 1/,
    );
    assert.throws(
      () => train({ params: { w: tensor([0]) }, data: {} as { x: Tensor }, loss: quad, steps: 1 }),
      /no tensor fields/,
    );
  });
});

describe("train in the kernel", () => {
  test("shows one live loss curve, updated in place, and finishes it", () => {
    const { calls } = installHost();
    train({
      params: { w: tensor([0]) },
      data: target(2),
      loss: quad,
      optimizer: optim.sgd({ lr: 0.1 }),
      steps: 50,
    });
    const withId = calls.filter((c) => typeof c.opts?.displayId === "string");
    assert.ok(withId.length >= 2, `${calls.length} display calls`);
    const ids = new Set(withId.map((c) => c.opts!.displayId));
    assert.equal(ids.size, 1, "a single display, updated in place");
    assert.equal(withId[0]!.opts!.update ?? false, false, "first call creates it");
    assert.equal(withId.at(-1)!.opts!.update, true, "later calls update it");
    assert.ok(withId.length < 50, "throttled: fewer redraws than steps");
  });

  test("an interrupt stops at the end of the current step, keeping params and history", () => {
    const controller = new AbortController();
    installHost(controller.signal);
    const p = { w: tensor([0]) };
    const { params, history } = train({
      params: p,
      data: target(2),
      loss: quad,
      optimizer: optim.sgd({ lr: 0.1 }),
      steps: 1000,
      live: false,
      callbacks: [
        {
          onStepEnd: (s) => {
            if (s.step === 6) controller.abort();
          },
        },
      ],
    });
    assert.equal(history.stopReason, "interrupted");
    assert.equal(history.count, 7);
    assert.equal(params, p);
    const w = (p.w.data as Float64Array)[0]!;
    assert.ok(Math.abs(w - 2 * (1 - 0.8 ** 7)) < 1e-12, "exactly seven sgd steps were applied");
  });

  test("a kernel's shared interrupt flag is polled between steps (a synchronous loop never sees the abort event)", () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const calls: unknown[] = [];
    (globalThis as Record<symbol, unknown>)[DISPLAY_HOST] = {
      display: (b: unknown) => calls.push(b),
      session: new Map(),
      interruptFlag: flag,
    };
    const { history } = train({
      params: { w: tensor([0]) },
      data: target(2),
      loss: quad,
      steps: 1000,
      live: false,
      callbacks: [
        {
          onStepEnd: (s) => {
            if (s.step === 2) Atomics.store(flag, 0, 1);
          },
        },
      ],
    });
    assert.equal(history.stopReason, "interrupted");
    assert.equal(history.count, 3);
  });

  test("the caller's own AbortSignal works outside the kernel too", () => {
    const controller = new AbortController();
    controller.abort();
    const { history } = train({
      params: { w: tensor([0]) },
      data: target(2),
      loss: quad,
      steps: 10,
      signal: controller.signal,
      live: false,
    });
    assert.equal(history.count, 1);
    assert.equal(history.stopReason, "interrupted");
  });
});
