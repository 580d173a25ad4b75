// A full garbage collection between samples, so garbage one implementation left behind is
// not collected inside the next implementation's timed step (samples are interleaved).
// `npm run bench` runs node without --expose-gc, so the flag is switched on at run time.
import v8 from "node:v8";
import vm from "node:vm";

let collector: (() => void) | null | undefined;

/** Runs a full GC when the runtime allows it; returns whether it did.
 *  @example forceGc() // true */
export function forceGc(): boolean {
  if (collector === undefined) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (existing) collector = existing;
    else {
      try {
        v8.setFlagsFromString("--expose-gc");
        collector = vm.runInNewContext("gc") as () => void;
      } catch {
        collector = null;
      }
    }
  }
  if (!collector) return false;
  collector();
  return true;
}
