// Keeps the kernel's resident memory flat over long sessions. Type-checking every cell leaves
// garbage (a new Program and TypeChecker per cell, ~0.9 MB promoted to the old generation) and
// fragments the old space; a full collection while the kernel waits for the user lets V8
// shrink the heap again. The collection runs when idle (a second after the last request, so a
// burst of cells is never slowed) and, during an uninterrupted burst, after every 100
// executions (a small share of their time), and it compacts every fragmented page.
// Compacting briefly raises the peak resident size (the live heap is copied to fresh pages
// while the old ones are still mapped), the same peak an interactive session reaches at its
// first idle collection; without it, bursts of declaring cells leave the old space fragmented
// and growing (docs/decisions/0006-kernel-memory-compaction.md has the measurements).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const IDLE_MS = 1000;
const EVERY_EXECUTIONS = 100;

/**
 * V8's full collection, exposed for the kernel only (it sets --expose-gc, which is part of the
 * flag set a compiler code cache is tied to: the kernel server calls this before the compiler loads).
 * @example fullGc()?.()
 */
export function fullGc(): (() => void) | null {
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
 * A full GC that evacuates every fragmented old-space page. V8's own heuristics compact only
 * pages that are nearly empty, so after each burst of type-checking the old space kept pages
 * a fifth full: 60 MB live in 140 MB committed after 500 declaring cells (54 MB after the
 * first cell). Compacting brings it back to about the live size (62 MB) for ~20 ms more per
 * collection. The flag is on only for this collection: V8's own GCs during cells stay as fast.
 * @example compacting(gc)() // old_space space_size ≈ space_used_size afterwards
 */
export function compacting(gc: () => void): () => void {
  const alreadyOn = process.execArgv.some((a) => /^--compact[-_]on[-_]every[-_]full[-_]gc$/.test(a));
  return () => {
    if (alreadyOn) return gc();
    setFlagsFromString("--compact-on-every-full-gc");
    try {
      gc();
    } finally {
      setFlagsFromString("--no-compact-on-every-full-gc");
    }
  };
}

/**
 * Collects garbage when the kernel goes idle and periodically during long bursts of cells.
 * @example const c = new IdleCollector(); c.busy(); runRequest(); c.idle(1);
 */
export class IdleCollector {
  private readonly collect: (() => void) | null;
  private timer: NodeJS.Timeout | null = null;
  private sinceCollect = 0;
  private sinceIdleCollect = 0;

  /** `gc` defaults to V8's full collection (exposed for this module only); every collection
   *  runs it with compaction. */
  constructor(
    gc: (() => void) | null = fullGc(),
    private readonly idleMs = IDLE_MS,
  ) {
    this.collect = gc === null ? null : compacting(gc);
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
    if (this.collect === null) return;
    this.sinceCollect += executions;
    this.sinceIdleCollect += executions;
    if (this.sinceCollect >= EVERY_EXECUTIONS) {
      this.sinceCollect = 0;
      this.collect();
    }
    if (this.timer === null && this.sinceIdleCollect > 0) {
      this.timer = setTimeout(() => this.collectIdle(), this.idleMs);
      this.timer.unref();
    }
  }

  private collectIdle(): void {
    this.timer = null;
    this.sinceCollect = 0;
    this.sinceIdleCollect = 0;
    this.collect?.();
  }
}
