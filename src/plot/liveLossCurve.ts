// A loss curve that redraws one notebook output in place while training runs. Updates go
// out as update_display_data through the display host, at most one per throttle period,
// and carry only text/html + text/plain: jupyterlab-plotly ignores updates to a plot it
// already drew (plotly.py issue 3053). The final state carries the full bundle.
import { randomUUID } from "node:crypto";
import { JUPYTER_DISPLAY, displayHost, type DisplayHost, type MimeBundle } from "../displayHost.js";
import { Figure } from "./figure.js";
import { lossCurveFromRuns, type LossCurveOptions } from "./lossCurve.js";
import { toLossRuns, type HistoriesLike, type LossRun } from "./lossSeries.js";
import { ensurePlotlyLoaded } from "./plotlyLoader.js";

export interface LiveLossCurveOptions extends LossCurveOptions {
  /** Minimum milliseconds between two redraws (default 400); finish() always redraws. */
  throttleMs?: number;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
  /** Host to draw through (default: the kernel's, if any). */
  host?: DisplayHost;
}

/** One training step as pushed to a live curve. */
export interface LivePoint {
  loss?: number;
  valLoss?: number | null;
  /** Step number (default: previous step + 1, starting at 0). */
  step?: number;
}

// Display ids travel in the messages' transient part, never saved with the notebook; they must
// not collide with a display of an earlier kernel session still on the page, hence a random token.
const liveToken = randomUUID().slice(0, 8);
let liveCounter = 0;

/**
 * A loss curve updated in place during training. Without a kernel (plain Node) it only
 * records; `finish()` returns the Figure either way.
 * @example
 * const live = plot.liveLossCurve({ logY: true, smoothing: 0.8 });
 * for (let step = 0; step < 500; step++) live.push({ loss: 1 / (step + 1) });
 * live.finish();
 */
export class LiveLossCurve {
  readonly displayId: string;
  private readonly runs = new Map<string, LossRun>();
  private readonly opts: LiveLossCurveOptions;
  private readonly host: DisplayHost | undefined;
  private readonly now: () => number;
  private shown = false;
  private finished = false;
  private lastDraw = -Infinity;

  constructor(opts: LiveLossCurveOptions = {}) {
    this.opts = opts;
    this.host = opts.host ?? displayHost();
    this.now = opts.now ?? Date.now;
    liveCounter += 1;
    this.displayId = `gradlab-live-${liveToken}-${liveCounter}`;
  }

  /**
   * Adds one step of a run (default run "train") and redraws if the throttle allows.
   * @example
   * live.push({ loss: 0.42, valLoss: 0.5 });
   * live.push({ loss: 0.61 }, "momentum");
   */
  push(point: LivePoint | number, run = "train"): void {
    const p = typeof point === "number" ? { loss: point } : point;
    let r = this.runs.get(run);
    if (r === undefined) {
      r = { name: run, steps: [], loss: [], valSteps: [], valLoss: [] };
      this.runs.set(run, r);
    }
    const prev = Math.max(
      r.steps.length > 0 ? r.steps[r.steps.length - 1] : -1,
      r.valSteps.length > 0 ? r.valSteps[r.valSteps.length - 1] : -1,
    );
    const step =
      typeof p.step === "number" ? p.step : typeof p.loss === "number" ? prev + 1 : Math.max(prev, 0);
    if (typeof p.loss === "number") {
      r.steps.push(step);
      r.loss.push(p.loss);
    }
    if (typeof p.valLoss === "number") {
      r.valSteps.push(step);
      r.valLoss.push(p.valLoss);
    }
    this.changed();
  }

  /**
   * Replaces the curve's data with whole histories (e.g. the trainer's History after each epoch).
   * @example
   * live.update({ sgd: sgdHistory, adam: adamHistory });
   */
  update(histories: HistoriesLike): void {
    this.runs.clear();
    for (const r of toLossRuns(histories, "plot.liveLossCurve")) this.runs.set(r.name, r);
    this.changed();
  }

  /** The curve as it is now. @example live.figure().save("loss.html") */
  figure(): Figure {
    return lossCurveFromRuns([...this.runs.values()], this.opts);
  }

  /**
   * Draws the final state (full bundle, plotly JSON included) and returns the Figure. In a
   * kernel the figure is already on screen, so the returned Figure's first display is a
   * one-line text (no second copy of the chart) when it is the cell's last expression.
   * @example
   * const fig = live.finish(); await fig.save("loss.html");
   */
  finish(): Figure {
    const fig = this.figure();
    if (this.host !== undefined) {
      ensurePlotlyLoaded("cartesian", this.host);
      const bundle = fig.mimeBundle();
      if (this.shown) this.host.display(bundle, { displayId: this.displayId, update: true });
      else this.host.display(bundle, { displayId: this.displayId });
      this.shown = true;
      markShownAbove(fig);
    }
    this.finished = true;
    return fig;
  }

  /** Whether the curve was drawn in a notebook output (a kernel's display host was there). */
  get drewInKernel(): boolean {
    return this.shown;
  }

  /** Whether finish() was called. */
  get isFinished(): boolean {
    return this.finished;
  }

  /** Displayed as a value: the current figure. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return this.figure()[JUPYTER_DISPLAY]();
  }

  private changed(): void {
    if (this.host === undefined || this.finished) return;
    const t = this.now();
    if (t - this.lastDraw < (this.opts.throttleMs ?? 400)) return;
    this.lastDraw = t;
    const bundle = this.figure().mimeBundle({ json: false });
    if (!this.shown) {
      ensurePlotlyLoaded("cartesian", this.host);
      this.host.display(bundle, { displayId: this.displayId });
      this.shown = true;
    } else {
      this.host.display(bundle, { displayId: this.displayId, update: true });
    }
  }
}

// The figure a finished live curve returns is already drawn in the output above; its first
// display (typically as the same cell's last expression) is a text line instead of a copy.
function markShownAbove(fig: Figure): void {
  let first = true;
  const show = fig[JUPYTER_DISPLAY].bind(fig);
  Object.defineProperty(fig, JUPYTER_DISPLAY, {
    configurable: true,
    value: (): MimeBundle => {
      if (first) {
        first = false;
        return { "text/plain": `Figure(${fig.summary()}) — drawn above, updated live` };
      }
      return show();
    },
  });
}

/**
 * A live loss curve: push steps during training, the output redraws in place (throttled).
 * @example
 * const live = plot.liveLossCurve({ title: "training", logY: true });
 * for (let step = 0; step < 100; step++) live.push({ loss: Math.exp(-step / 20) });
 * live.finish();
 */
export function liveLossCurve(opts: LiveLossCurveOptions = {}): LiveLossCurve {
  return new LiveLossCurve(opts);
}
