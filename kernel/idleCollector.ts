// Keeps the kernel's resident memory flat over long sessions. Type-checking every cell leaves
// garbage that V8's incremental collector reclaims late, and memory it has grown into stays
// resident; a full collection while the kernel waits for the user lets V8 shrink the heap
// again. It runs only when idle (a second after the last request, so a burst of cells is never
// slowed) and after every 100 executions of an uninterrupted burst (about 100 ms of the
// 100 cells' time), never while a cell runs.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const IDLE_MS = 1000;
const EVERY_EXECUTIONS = 100;

function fullGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === "function") return existing;
  try {
    // Exposes gc() to a fresh context only; cells' globals stay as they were.
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return null;
  }
}

/**
 * Collects garbage when the kernel goes idle and periodically during long bursts of cells.
 * @example const c = new IdleCollector(); c.busy(); runRequest(); c.idle(1);
 */
export class IdleCollector {
  private readonly gc: (() => void) | null;
  private timer: NodeJS.Timeout | null = null;
  private sinceCollect = 0;

  /** `gc` defaults to V8's full collection (exposed for this module only). */
  constructor(gc: (() => void) | null = fullGc(), private readonly idleMs = IDLE_MS) {
    this.gc = gc;
  }

  /** A request is about to run: an idle collection must not start under it. */
  busy(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** The request queue just emptied after `executions` execute requests. */
  idle(executions: number): void {
    if (this.gc === null) return;
    this.sinceCollect += executions;
    if (this.sinceCollect >= EVERY_EXECUTIONS) {
      this.collect();
      return;
    }
    if (this.timer === null && this.sinceCollect > 0) {
      this.timer = setTimeout(() => this.collect(), this.idleMs);
      this.timer.unref();
    }
  }

  private collect(): void {
    this.timer = null;
    this.sinceCollect = 0;
    this.gc?.();
  }
}
