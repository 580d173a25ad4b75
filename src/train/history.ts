// What a training run leaves behind, one entry per optimizer step.
import { JUPYTER_DISPLAY } from "../displayHost.js";
import { lossCurve } from "../plot/lossCurve.js";

/** Why training stopped. */
export type StopReason = "completed" | "earlyStopping" | "interrupted" | "callback" | "nonFinite";

/**
 * Per-step training record: loss, validation loss (null on steps without validation),
 * global gradient norm (before clipping; NaN for derivative-free optimizers), learning rate,
 * wall time in milliseconds since training started, and the time each step took.
 *
 * @example
 * history.loss.at(-1);       // final training loss
 * history.best("valLoss");   // { step, value }
 * history                    // in the kernel: a loss curve
 */
export class History {
  readonly step: number[] = [];
  readonly epoch: number[] = [];
  readonly loss: number[] = [];
  readonly valLoss: (number | null)[] = [];
  readonly gradNorm: number[] = [];
  readonly lr: number[] = [];
  readonly time: number[] = [];
  /** Milliseconds spent in each step (gradient, update, validation). */
  readonly stepTime: number[] = [];
  stopReason: StopReason = "completed";
  /** True when train() drew this history as a live loss curve while it ran. */
  drawnLive = false;
  /** Loss and gradient evaluations the optimizer made during training. */
  evaluations = { loss: 0, grad: 0 };

  /** Number of recorded steps. @example history.count // 300 */
  get count(): number {
    return this.loss.length;
  }

  /** Append one step. @example history.record({ step: 0, epoch: 0, loss: 1, valLoss: null, gradNorm: 2, lr: 0.1, time: 3, stepTime: 3 }) */
  record(r: {
    step: number;
    epoch: number;
    loss: number;
    valLoss: number | null;
    gradNorm: number;
    lr: number;
    time: number;
    stepTime?: number;
  }): void {
    const previous = this.time.length > 0 ? this.time[this.time.length - 1]! : 0;
    this.stepTime.push(r.stepTime ?? r.time - previous);
    this.step.push(r.step);
    this.epoch.push(r.epoch);
    this.loss.push(r.loss);
    this.valLoss.push(r.valLoss);
    this.gradNorm.push(r.gradNorm);
    this.lr.push(r.lr);
    this.time.push(r.time);
  }

  /**
   * The step with the smallest loss (or validation loss).
   *
   * @example
   * history.best("valLoss"); // { step: 180, value: 0.071 }
   */
  best(key: "loss" | "valLoss" = "loss"): { step: number; value: number } | null {
    let best: { step: number; value: number } | null = null;
    const series = key === "loss" ? this.loss : this.valLoss;
    series.forEach((v, i) => {
      if (v !== null && Number.isFinite(v) && (best === null || v < best.value))
        best = { step: this.step[i]!, value: v };
    });
    return best;
  }

  /** The columns as plain arrays (JSON-ready). @example JSON.stringify(history) */
  toJSON(): Record<string, unknown> {
    return {
      step: this.step,
      epoch: this.epoch,
      loss: this.loss,
      valLoss: this.valLoss,
      gradNorm: this.gradNorm,
      lr: this.lr,
      time: this.time,
      stepTime: this.stepTime,
      stopReason: this.stopReason,
      evaluations: this.evaluations,
    };
  }

  /**
   * One line, without wall time (it differs from run to run; `history.time` keeps it).
   * @example String(history) // "History(400 steps, completed; loss 0.043812, val 0.061203)"
   */
  toString(): string {
    const last = this.loss.length - 1;
    if (last < 0) return "History(empty)";
    const val = this.valLoss.filter((v): v is number => v !== null).at(-1);
    return (
      `History(${this.loss.length} steps, ${this.stopReason}; loss ${this.loss[last]!.toPrecision(5)}` +
      `${val !== undefined ? `, val ${val.toPrecision(5)}` : ""})`
    );
  }

  /**
   * In the kernel: the loss curve, or only the summary line when train() already drew this
   * history as its live curve above (one figure per training cell).
   */
  [JUPYTER_DISPLAY](): Record<string, unknown> {
    if (this.loss.length === 0 || this.drawnLive) return { "text/plain": this.toString() };
    const fig = lossCurve(this, { title: "training loss" }) as unknown as Record<
      symbol,
      () => Record<string, unknown>
    >;
    return { ...fig[JUPYTER_DISPLAY]!(), "text/plain": this.toString() };
  }
}
