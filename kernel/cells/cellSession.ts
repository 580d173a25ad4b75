// The state that outlives one request: which request is running (its sink, signal and
// interrupt flag), the most recent sink for stray output, and the kernel-long session Map.
import type { ExecuteOptions, OutputSink } from "../executorContract.js";
import { OutputRouter } from "./outputRouter.js";

/** The request currently executing (or the last one, for stray output). */
export interface ActiveRequest {
  sink: OutputSink;
  options?: ExecuteOptions;
}

/**
 * Shared by the executor, the display globals and the display host.
 * @example
 * const session = new CellSession();
 * session.begin(sink, opts); ... session.end();
 */
export class CellSession {
  /** Lives as long as the kernel (DisplayHost.session). */
  readonly store = new Map<string, unknown>();
  readonly router = OutputRouter.install();
  private active: ActiveRequest | undefined;
  private latest: ActiveRequest | undefined;
  private displayCounter = 0;

  /** Marks a request as running: its sink receives output from now on. */
  begin(sink: OutputSink, options?: ExecuteOptions): void {
    this.active = { sink, options };
    this.latest = this.active;
    this.router.setSink(sink);
  }

  /** The request finished; later stray output still goes to its sink. */
  end(): void {
    this.active = undefined;
  }

  /**
   * Routes output to `sink` (a comm message's, handled between or inside cells) until the
   * returned function puts the previous routing back.
   */
  divert(sink: OutputSink): () => void {
    const active = this.active;
    const latest = this.latest;
    const routed = this.router.currentSink();
    this.active = { sink, options: active?.options };
    this.router.setSink(sink);
    return () => {
      this.active = active;
      this.latest = latest ?? this.latest;
      if (routed) this.router.setSink(routed);
      else this.router.release();
    };
  }

  /** The running request, if any. */
  running(): ActiveRequest | undefined {
    return this.active;
  }

  /** The running request, else the most recent one. */
  recent(): ActiveRequest | undefined {
    return this.active ?? this.latest;
  }

  /** The sink for display calls, with a clear error when no request ever ran. */
  sinkForDisplay(what: string): OutputSink {
    const req = this.recent();
    if (!req) throw new Error(`${what}: no cell has run yet, so there is no front end to display to`);
    return req.sink;
  }

  /** The interrupt flag of the running (or latest) execution. */
  interruptFlag(): Int32Array | undefined {
    return this.recent()?.options?.interruptFlag;
  }

  /** A fresh display id, unique within the kernel's life. */
  nextDisplayId(): string {
    return `gradlab-${process.pid}-${++this.displayCounter}`;
  }
}
