// Learning-rate schedules with torch.optim.lr_scheduler's recursions (StepLR, ExponentialLR,
// CosineAnnealingLR, LinearLR): each `step()` after an optimizer step sets `optimizer.lr`.
// The recursive forms (not closed forms) are used so the sequence agrees with PyTorch's.

/** Anything with a settable learning rate. */
export interface HasLr {
  lr: number;
}

/** A learning-rate schedule bound to one optimizer. @example const s = optim.schedule.cosine(opt, { tMax: 100 }); s.step(); s.lr */
export abstract class LrSchedule {
  /** The optimizer's learning rate when the schedule was made. */
  readonly baseLr: number;
  /** Completed schedule steps (PyTorch's `last_epoch`). */
  lastEpoch = 0;

  constructor(readonly optimizer: HasLr) {
    const lr = (optimizer as { lr?: unknown } | null | undefined)?.lr;
    if (typeof lr !== "number") {
      throw new Error(
        `optim.schedule: the first argument must be the optimizer whose lr it schedules (e.g. schedule.step(opt, {stepSize: 10})), got ${optimizer === null || typeof optimizer !== "object" ? String(optimizer) : "an object without a numeric lr"}`,
      );
    }
    this.baseLr = lr;
  }

  /** The learning rate now in force. @example optim.schedule.cosine(opt, { tMax: 100 }).lr // opt.lr at first */
  get lr(): number {
    return this.optimizer.lr;
  }

  /**
   * Advance one step (call once after each `optimizer.step`).
   *
   * @example
   * const sched = optim.schedule.exponential(opt, { gamma: 0.99 });
   * opt.step(params, grads); sched.step();
   */
  step(): void {
    this.lastEpoch += 1;
    this.optimizer.lr = this.next(this.optimizer.lr);
  }

  protected abstract next(lr: number): number;
}

class StepSchedule extends LrSchedule {
  constructor(
    opt: HasLr,
    readonly stepSize: number,
    readonly gamma: number,
  ) {
    super(opt);
    if (!(Number.isInteger(stepSize) && stepSize > 0))
      throw new Error(`schedule.step: stepSize must be a positive integer, got ${stepSize}`);
  }
  protected next(lr: number): number {
    return this.lastEpoch % this.stepSize !== 0 ? lr : lr * this.gamma;
  }
}

class ExponentialSchedule extends LrSchedule {
  constructor(
    opt: HasLr,
    readonly gamma: number,
  ) {
    super(opt);
    if (!(typeof gamma === "number" && gamma > 0))
      throw new Error(`schedule.exponential: gamma must be a positive number, got ${gamma}`);
  }
  protected next(lr: number): number {
    return lr * this.gamma;
  }
}

class CosineSchedule extends LrSchedule {
  constructor(
    opt: HasLr,
    readonly tMax: number,
    readonly etaMin: number,
  ) {
    super(opt);
    if (!(tMax > 0)) throw new Error(`schedule.cosine: tMax must be > 0, got ${tMax}`);
  }
  protected next(lr: number): number {
    const { tMax, etaMin, baseLr } = this;
    const e = this.lastEpoch;
    const period = 2 * tMax;
    if ((((e - 1 - tMax) % period) + period) % period === 0) {
      return lr + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    }
    return (
      ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (lr - etaMin) +
      etaMin
    );
  }
}

class LinearSchedule extends LrSchedule {
  constructor(
    opt: HasLr,
    readonly startFactor: number,
    readonly endFactor: number,
    readonly totalIters: number,
  ) {
    super(opt);
    if (!(startFactor > 0 && startFactor <= 1))
      throw new Error(`schedule.linearWarmup: startFactor must be in (0, 1], got ${startFactor}`);
    opt.lr = opt.lr * startFactor;
  }
  protected next(lr: number): number {
    const { startFactor: s, endFactor: f, totalIters: n } = this;
    if (this.lastEpoch > n) return lr;
    return lr * (1 + (f - s) / (n * s + (this.lastEpoch - 1) * (f - s)));
  }
}

/**
 * Multiply the learning rate by `gamma` every `stepSize` steps (torch StepLR).
 *
 * @example
 * const sched = optim.schedule.step(opt, { stepSize: 30, gamma: 0.1 });
 */
export function step(opt: HasLr, options: { stepSize: number; gamma?: number }): LrSchedule {
  return new StepSchedule(opt, options?.stepSize, options?.gamma ?? 0.1);
}

/**
 * Multiply the learning rate by `gamma` every step (torch ExponentialLR).
 *
 * @example
 * const sched = optim.schedule.exponential(opt, { gamma: 0.99 });
 */
export function exponential(opt: HasLr, options: { gamma: number }): LrSchedule {
  return new ExponentialSchedule(opt, options?.gamma);
}

/**
 * Cosine annealing from the base rate to `etaMin` over `tMax` steps (torch CosineAnnealingLR).
 *
 * @example
 * const sched = optim.schedule.cosine(opt, { tMax: 100, etaMin: 1e-4 });
 */
export function cosine(opt: HasLr, options: { tMax: number; etaMin?: number }): LrSchedule {
  return new CosineSchedule(opt, options?.tMax, options?.etaMin ?? 0);
}

/**
 * Linear warmup: the rate goes linearly from `startFactor`·base to `endFactor`·base over
 * `totalIters` steps, then stays (torch LinearLR; defaults 1/3, 1, 5).
 *
 * @example
 * const sched = optim.schedule.linearWarmup(opt, { startFactor: 0.1, totalIters: 100 });
 */
export function linearWarmup(
  opt: HasLr,
  options: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
): LrSchedule {
  return new LinearSchedule(
    opt,
    options.startFactor ?? 1 / 3,
    options.endFactor ?? 1,
    options.totalIters ?? 5,
  );
}
