// Training histories arrive in several shapes (the trainer's History, a plain number[],
// {loss, valLoss} arrays, per-step records, or a record of named runs); this module turns
// any of them into named series of (step, value) points, read structurally so the plot
// module does not depend on the trainer's class.

/** A loss series: plain losses, or a History-like object. */
export type SeriesLike =
  | ArrayLike<number>
  | {
      loss: ArrayLike<number>;
      valLoss?: ArrayLike<number | null | undefined>;
      step?: ArrayLike<number>;
      steps?: ArrayLike<number>;
      valStep?: ArrayLike<number>;
      valSteps?: ArrayLike<number>;
    }
  | { records: ArrayLike<StepRecord> }
  | ArrayLike<StepRecord>;

/** One step of training as a record. */
export interface StepRecord {
  loss?: number;
  valLoss?: number | null;
  step?: number;
}

/** Several runs: an array, or a record of run names to series. */
export type HistoriesLike = SeriesLike | SeriesLike[] | Record<string, SeriesLike>;

/** One run as points. */
export interface LossRun {
  name: string;
  steps: number[];
  loss: number[];
  valSteps: number[];
  valLoss: number[];
}

function isNumberArray(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v)) return true;
  return Array.isArray(v) && v.every((e) => typeof e === "number" || e === null);
}

function isRecordArray(v: unknown): v is ArrayLike<StepRecord> {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (e) => typeof e === "object" && e !== null && !Array.isArray(e) && ("loss" in e || "valLoss" in e),
    )
  );
}

function isSeries(v: unknown): v is SeriesLike {
  if (isNumberArray(v) || isRecordArray(v)) return true;
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return isNumberArray(o.loss) || isRecordArray(o.records);
}

function finite(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

function fromRecords(name: string, records: ArrayLike<StepRecord>): LossRun {
  const run: LossRun = { name, steps: [], loss: [], valSteps: [], valLoss: [] };
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const step = finite(r.step) ? r.step : i;
    if (finite(r.loss)) {
      run.steps.push(step);
      run.loss.push(r.loss);
    }
    if (finite(r.valLoss)) {
      run.valSteps.push(step);
      run.valLoss.push(r.valLoss);
    }
  }
  return run;
}

/**
 * One run from any accepted series shape. Steps count from 0, as the trainer's History does,
 * so every source puts the same step at the same x. A validation array shorter
 * than the loss array (one value an epoch) is placed at evenly spaced steps ending at the
 * last step, unless `valStep`/`valSteps` says where.
 * @example
 * toLossRun("adam", { loss: [1, 0.5, 0.3, 0.2], valLoss: [0.6, 0.25] });
 * // {name: "adam", steps: [0, 1, 2, 3], loss: [...], valSteps: [2, 3], valLoss: [0.6, 0.25]}
 */
export function toLossRun(name: string, series: SeriesLike): LossRun {
  if (isNumberArray(series)) {
    const run: LossRun = { name, steps: [], loss: [], valSteps: [], valLoss: [] };
    for (let i = 0; i < series.length; i++) {
      if (finite(series[i])) {
        run.steps.push(i);
        run.loss.push(series[i]);
      }
    }
    return run;
  }
  if (isRecordArray(series)) return fromRecords(name, series);
  const o = series as Record<string, unknown>;
  if (isRecordArray(o.records)) return fromRecords(name, o.records);
  const loss = o.loss as ArrayLike<number>;
  const stepsIn = (o.step ?? o.steps) as ArrayLike<number> | undefined;
  const run: LossRun = { name, steps: [], loss: [], valSteps: [], valLoss: [] };
  for (let i = 0; i < loss.length; i++) {
    if (!finite(loss[i])) continue;
    run.steps.push(stepsIn && finite(stepsIn[i]) ? stepsIn[i] : i);
    run.loss.push(loss[i]);
  }
  const val = o.valLoss as ArrayLike<number | null | undefined> | undefined;
  if (val && val.length > 0) {
    const valStepsIn = (o.valStep ?? o.valSteps) as ArrayLike<number> | undefined;
    const lastStep = run.steps.length > 0 ? run.steps[run.steps.length - 1] : val.length - 1;
    for (let k = 0; k < val.length; k++) {
      const v = val[k];
      if (!finite(v)) continue;
      let step: number;
      if (valStepsIn && finite(valStepsIn[k])) step = valStepsIn[k];
      else if (val.length === loss.length) step = stepsIn && finite(stepsIn[k]) ? stepsIn[k] : k;
      else step = Math.round(((k + 1) * lastStep) / val.length);
      run.valSteps.push(step);
      run.valLoss.push(v);
    }
  }
  return run;
}

/**
 * Every run in `histories`, named by record key, or "run 1", "run 2"... for arrays of runs
 * (a single unnamed run is "train").
 * @example
 * toLossRuns({ sgd: [1, 0.8], adam: [1, 0.4] }).map((r) => r.name); // ["sgd", "adam"]
 */
export function toLossRuns(histories: HistoriesLike, where = "plot.lossCurve"): LossRun[] {
  if (isSeries(histories)) return [toLossRun("train", histories)];
  if (Array.isArray(histories)) {
    return histories.map((h, i) => {
      if (!isSeries(h))
        throw new Error(
          `${where}: run ${i} is not a loss series (expected number[], a History, or {loss: number[]}), got ${describe(h)}`,
        );
      return toLossRun(`run ${i + 1}`, h);
    });
  }
  if (typeof histories === "object" && histories !== null) {
    return Object.entries(histories).map(([name, h]) => {
      if (!isSeries(h))
        throw new Error(
          `${where}: run "${name}" is not a loss series (expected number[], a History, or {loss: number[]}), got ${describe(h)}`,
        );
      return toLossRun(name, h);
    });
  }
  throw new Error(
    `${where}: expected a History, number[], {loss: number[]} or {name: History}, got ${describe(histories)}`,
  );
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of ${v.length} (first: ${typeof v[0]})`;
  if (typeof v === "object")
    return `an object with keys [${Object.keys(v as object)
      .slice(0, 6)
      .join(", ")}]`;
  return typeof v;
}

/**
 * Exponential moving average with TensorBoard's debiasing (the first values are not pulled to 0).
 * `weight` in [0, 1): 0 returns the values unchanged.
 * @example
 * emaSmooth([1, 0, 0], 0.5); // [1, 0.333.., 0.142..]
 */
export function emaSmooth(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1))
    throw new Error(`plot.lossCurve: option smoothing must be in [0, 1), got ${weight}`);
  let acc = 0;
  let norm = 0;
  return values.map((v) => {
    acc = weight * acc + (1 - weight) * v;
    norm = weight * norm + (1 - weight);
    return acc / norm;
  });
}
