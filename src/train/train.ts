// train(): the loop every notebook would otherwise rewrite. One optimizer step per batch;
// records a History; draws a live loss curve in the kernel; stops cleanly (keeping params
// and history) at the end of the current step when the user interrupts the cell.
import type { Tensor } from "../tensor/tensor.js";
import type { Loose } from "../tensor/looseValue.js";
import { dispose } from "../tensor/dispose.js";
import { noGrad } from "../autodiff/gradMode.js";
import { treeLeaves } from "../autodiff/pytree.js";
import { valueAndGrad } from "../autodiff/transforms.js";
import { commHost, displayHost } from "../displayHost.js";
import { liveLossCurve, type LiveLossCurve, type LiveLossCurveOptions } from "../plot/liveLossCurve.js";
import { GradientOptimizer } from "../optim/gradientOptimizer.js";
import { adam } from "../optim/adam.js";
import { clipGradNorm, vectorNorm } from "../optim/clipGradNorm.js";
import { gradStorage, lossNumber, type Optimizer, type ParamTree } from "../optim/optimizer.js";
import type { LrSchedule } from "../optim/schedules.js";
import { BatchSampler, type DataRecord } from "./batches.js";
import { EarlyStopping, type Callback, type EarlyStoppingOptions, type StepInfo } from "./callbacks.js";
import { History } from "./history.js";

/** Options of {@link train}. */
export interface TrainOptions<P extends ParamTree, D extends DataRecord> {
  /** Parameter pytree, updated in place (and returned). */
  params: P;
  /** The objective: a scalar loss of the parameters on a batch (a slice of `data`'s tensor fields). */
  loss: (params: P, batch: D) => Tensor;
  /** Training data: tensors sharing their first dimension, e.g. {x, y} or a `data.moons()` Dataset. */
  data: D;
  /** Default `optim.adam({lr: 1e-2})`. Derivative-free optimizers and L-BFGS get the batch objective. */
  optimizer?: Optimizer;
  /** Passes over the data (default 1 when `steps` is not given). */
  epochs?: number;
  /** Total optimizer steps (overrides `epochs`). */
  steps?: number;
  /** Rows per batch (default: all rows, full-batch). */
  batchSize?: number;
  /** Shuffle rows each epoch (default true; seeded). */
  shuffle?: boolean;
  /** Held-out data; its loss is computed every `validateEvery` steps (default: once per epoch). */
  validation?: D;
  validateEvery?: number;
  callbacks?: Callback[];
  earlyStopping?: EarlyStoppingOptions | boolean;
  /** Learning-rate schedule, stepped after every optimizer step. */
  schedule?: LrSchedule;
  /** Clip gradients to this global norm before each step. */
  clipGradNorm?: number;
  /** Seed of the batch shuffling (default 0). */
  seed?: number;
  /** Live loss curve: true/false or its options (default: on when running in the kernel). */
  live?: boolean | LiveLossCurveOptions;
  /** Stop at the end of the current step when aborted (the kernel's interrupt signal is always watched too). */
  signal?: AbortSignal;
}

/** Result of {@link train}. */
export interface TrainResult<P> {
  params: P;
  history: History;
}

function globalNorm(grads: unknown): number {
  const norms = (treeLeaves(grads as never) as unknown as Tensor[]).map((g) =>
    vectorNorm(gradStorage(g), g.size, 2),
  );
  return vectorNorm(norms, norms.length, 2);
}

/**
 * Train `params` by minimizing `loss(params, batch)` over `data`.
 *
 * @example
 * const ds = data.moons({ n: 200, noise: 0.1, seed: 0 });
 * const params = { w1: randn([2, 16], { generator: g }).mul(0.5), b1: zeros([16]), w2: randn([16, 2], { generator: g }).mul(0.5), b2: zeros([2]) };
 * const model = (p: typeof params, x: Tensor) => relu(x.matmul(p.w1).add(p.b1)).matmul(p.w2).add(p.b2);
 * const { history } = train({
 *   params, data: ds, optimizer: optim.adam({ lr: 0.02 }), steps: 300, batchSize: 64, seed: 1,
 *   loss: (p, b) => loss.crossEntropy(model(p, b.x), b.y),
 * });
 * history.loss.at(-1);
 */
export function train<P extends ParamTree, D extends DataRecord>(
  options: TrainOptions<P, D>,
): TrainResult<P> {
  const { params, data } = options;
  if (typeof options.loss !== "function")
    throw new Error("train: loss must be a function (params, batch) => scalar Tensor");
  const optimizer = options.optimizer ?? adam({ lr: 1e-2 });
  const sampler = new BatchSampler(data, options.batchSize, options.shuffle ?? true, options.seed ?? 0);
  const totalSteps = options.steps ?? (options.epochs ?? 1) * sampler.batchesPerEpoch;
  if (!(Number.isInteger(totalSteps) && totalSteps >= 0))
    throw new Error(`train: steps/epochs must give a whole number of steps, got ${totalSteps}`);
  const validateEvery = options.validateEvery ?? sampler.batchesPerEpoch;
  const callbacks = options.callbacks ?? [];
  const early = options.earlyStopping
    ? new EarlyStopping(options.earlyStopping === true ? {} : options.earlyStopping)
    : null;
  const monitorVal =
    options.validation !== undefined &&
    (typeof options.earlyStopping !== "object" || options.earlyStopping.monitor !== "loss");
  const host = displayHost();
  const liveOpts = options.live ?? host !== undefined;
  const live: LiveLossCurve | null = liveOpts
    ? liveLossCurve({ title: "training loss", ...(typeof liveOpts === "object" ? liveOpts : {}) })
    : null;
  const gradientBased = optimizer instanceof GradientOptimizer;
  const leaves = treeLeaves(params as never) as unknown as Tensor[];
  let bestSnapshot: Float64Array[] | null = null;

  const history = new History();
  const start = performance.now();
  const startEvals = { ...optimizer.evaluations };
  let epochLossSum = 0,
    epochLossCount = 0,
    epoch = 0;
  const aborted = (): boolean => {
    // Front-end changes (a stop button, a learning-rate slider) reach their widgets here:
    // this loop never yields to the event loop that would deliver them.
    commHost()?.poll();
    if (options.signal?.aborted === true) return true;
    const h = displayHost();
    if (h?.signal?.aborted === true) return true;
    // A synchronous loop never lets the event loop run the abort; a kernel that shares its
    // interrupt flag (an Int32Array, element 0 nonzero once interrupted) is heard at once.
    return h?.interruptFlag !== undefined && Atomics.load(h.interruptFlag, 0) !== 0;
  };

  try {
    for (let step = 0; step < totalSteps; step++) {
      const stepStart = performance.now();
      const { batch, first } = sampler.next();
      if (first && step > 0) epoch += 1;
      const objective = (p: P): Tensor => options.loss(p, batch as D);
      let lossValue: number;
      let gradNorm = NaN;
      if (gradientBased) {
        const [value, grads] = valueAndGrad(objective as (p: Loose) => Tensor)(params) as unknown as [
          Tensor,
          ParamTree,
        ];
        lossValue = lossNumber(value, "train");
        gradNorm = globalNorm(grads);
        if (options.clipGradNorm !== undefined) clipGradNorm(grads, options.clipGradNorm);
        optimizer.evaluations.loss += 1;
        optimizer.step(params, grads);
        // The gradients are spent: their buffers go back to the pool instead of costing fresh pages next step.
        dispose(grads);
      } else {
        lossValue = optimizer.step(params, objective as never) ?? NaN;
      }
      const lr = optimizer.lr;
      options.schedule?.step();
      epochLossSum += lossValue;
      epochLossCount += 1;

      const endOfEpoch = (step + 1) % sampler.batchesPerEpoch === 0;
      let valLoss: number | null = null;
      if (options.validation !== undefined && ((step + 1) % validateEvery === 0 || step === totalSteps - 1)) {
        valLoss = noGrad(() =>
          lossNumber(options.loss(params, options.validation as D), "train (validation)"),
        );
      }
      const now = performance.now();
      history.record({
        step,
        epoch,
        loss: lossValue,
        valLoss,
        gradNorm,
        lr,
        time: now - start,
        stepTime: now - stepStart,
      });
      live?.push({ loss: lossValue, valLoss, step });

      const info: StepInfo = { step, epoch, loss: lossValue, valLoss, gradNorm, lr, params, history };
      let stop = false;
      for (const cb of callbacks) if (cb.onStepEnd?.(info) === false) stop = true;
      if (endOfEpoch) for (const cb of callbacks) if (cb.onEpochEnd?.(info) === false) stop = true;
      if (stop) {
        history.stopReason = "callback";
        break;
      }

      if (!Number.isFinite(lossValue)) {
        history.stopReason = "nonFinite";
        break;
      }
      if (early) {
        const checkValue = monitorVal ? valLoss : endOfEpoch ? epochLossSum / epochLossCount : null;
        if (checkValue !== null) {
          const verdict = early.update(checkValue, step);
          if (verdict === "improved" && early.restoreBest)
            bestSnapshot = leaves.map((p) => Float64Array.from(p.data as ArrayLike<number>));
          if (verdict === "stop") {
            history.stopReason = "earlyStopping";
            break;
          }
        }
      }
      if (endOfEpoch) {
        epochLossSum = 0;
        epochLossCount = 0;
      }
      if (aborted()) {
        history.stopReason = "interrupted";
        break;
      }
    }
  } finally {
    if (history.stopReason === "earlyStopping" && bestSnapshot) {
      leaves.forEach((p, i) => (p.data as Float64Array).set(bestSnapshot![i]!));
    }
    history.evaluations = {
      loss: optimizer.evaluations.loss - startEvals.loss,
      grad: optimizer.evaluations.grad - startEvals.grad,
    };
    if (live !== null) {
      live.finish();
      history.drawnLive = live.drewInKernel;
    }
  }
  for (const cb of callbacks) cb.onTrainEnd?.(history);
  return { params, history };
}
