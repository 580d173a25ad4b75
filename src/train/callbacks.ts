// Hooks into a training run, and early stopping (itself written as the same kind of hook).
import type { History } from "./history.js";

/** What a callback sees after each step. */
export interface StepInfo {
  step: number;
  epoch: number;
  loss: number;
  valLoss: number | null;
  gradNorm: number;
  lr: number;
  params: unknown;
  history: History;
}

/**
 * Training callbacks. Return `false` from `onStepEnd` or `onEpochEnd` to stop after the
 * current step (history.stopReason becomes "callback").
 *
 * @example
 * const callbacks: Callback[] = [{ onEpochEnd: (s) => console.log(s.epoch, s.loss) }];
 */
export interface Callback {
  /** After every optimizer step; `false` stops training. */
  onStepEnd?(info: StepInfo): void | boolean;
  /** After every pass over the training data; `false` stops training. */
  onEpochEnd?(info: StepInfo): void | boolean;
  /** Once, when training ends for any reason (`history.stopReason` says which). */
  onTrainEnd?(history: History): void;
}

/** Options of early stopping. */
export interface EarlyStoppingOptions {
  /** Validation checks without improvement before stopping (default 10). */
  patience?: number;
  /** Smallest decrease that counts as an improvement (default 0). */
  minDelta?: number;
  /** What to watch (default "valLoss" when validation data is given, else "loss" averaged over the epoch). */
  monitor?: "valLoss" | "loss";
  /** Put back the parameters of the best check when stopping (default true). */
  restoreBest?: boolean;
}

/**
 * Tracks the monitored value; says when to stop and which check was best.
 *
 * @example
 * const es = new EarlyStopping({ patience: 5, minDelta: 1e-4 });
 * for (let step = 0; step < 100; step++) if (es.update(1 / (step + 1), step) === "stop") break;
 */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBest: boolean;
  best = Infinity;
  bestStep = -1;
  private wait = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    this.patience = options.patience ?? 10;
    this.minDelta = options.minDelta ?? 0;
    this.restoreBest = options.restoreBest ?? true;
    if (!(Number.isInteger(this.patience) && this.patience >= 1))
      throw new Error(`earlyStopping: patience must be an integer >= 1, got ${this.patience}`);
    if (!(this.minDelta >= 0)) throw new Error(`earlyStopping: minDelta must be >= 0, got ${this.minDelta}`);
  }

  /**
   * Feed one check; returns "improved", "wait" or "stop".
   *
   * @example
   * const es = new EarlyStopping({ patience: 2 });
   * es.update(1, 0); es.update(1.1, 1); es.update(1.2, 2); // "stop"
   */
  update(value: number, step: number): "improved" | "wait" | "stop" {
    if (value < this.best - this.minDelta) {
      this.best = value;
      this.bestStep = step;
      this.wait = 0;
      return "improved";
    }
    this.wait += 1;
    return this.wait >= this.patience ? "stop" : "wait";
  }
}
