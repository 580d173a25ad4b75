// Runs several implementations of one workload round-robin: every repetition times each
// implementation once, in turn (the starting one rotating), so drift on a shared 2-core VM (thermal, neighbours, page
// cache) hits all of them alike. Warm-up rounds come first and are not recorded.
import { forceGc } from "./forcedGc.js";
import { summarize, type SampleSummary } from "./sampleStats.js";

/** Pause after a forced GC before a timed step (V8's concurrent sweeping takes a few ms here). */
const GC_SETTLE_MS = 25;

/** One implementation, ready to run: `step` does one full unit of work and returns a number
 *  (a loss or a checksum) that is compared across implementations. */
export interface PreparedImpl {
  /** Called (untimed) before each of this implementation's samples, e.g. to switch tfjs backends. */
  activate?(): void | Promise<void>;
  step(): number;
  dispose?(): void;
}

/** An implementation of a workload: a name and an (untimed) setup.
 *  @example { name: "js-floor", setup: () => ({ step: () => 42 }) } */
export interface BenchImpl {
  name: string;
  /** Caps for a peer too slow to repeat as often as the others (context-only rows). */
  maxReps?: number;
  maxWarmup?: number;
  setup(): PreparedImpl | Promise<PreparedImpl>;
}

export interface ImplResult {
  name: string;
  /** Wall time of each recorded step, ms. */
  samplesMs: number[];
  /** Minor page faults during each recorded step. */
  faults: number[];
  /** Process CPU time (all threads, user + system) over wall time, per recorded step:
   *  above 1 means the step used more than one core. */
  cpuPerWall: number[];
  cpuPerWallMedian?: number;
  time?: SampleSummary;
  faultsMedian?: number;
  /** The value the first warm-up step returned (for cross-checking implementations). */
  check?: number;
  error?: string;
}

export interface RunOptions {
  warmup: number;
  /** Maximum recorded repetitions. */
  reps: number;
  /** Minimum recorded repetitions, even past the time budget. */
  minReps: number;
  /** Stop adding repetitions once this many seconds have passed (after minReps). */
  maxSeconds: number;
  gcBetweenSamples: boolean;
  /** Untimed steps right before each timed one (after the GC): they bring the heap's young
   *  generation back to its steady-state size for this implementation, and the garbage they
   *  leave is collected inside the timed step, as it would be in a loop of steps. */
  settleSteps?: number;
}

function minorFaults(): number {
  return process.resourceUsage().minorPageFault;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Times every implementation round-robin and summarizes the samples. A failing
 *  implementation is reported with its error and dropped; the others go on.
 *  @example await runInterleaved([{ name: "a", setup: () => ({ step: () => 1 }) }],
 *    { warmup: 1, reps: 5, minReps: 3, maxSeconds: 5, gcBetweenSamples: true }) */
export async function runInterleaved(impls: readonly BenchImpl[], opts: RunOptions): Promise<ImplResult[]> {
  const results: ImplResult[] = impls.map((i) => ({
    name: i.name,
    samplesMs: [],
    faults: [],
    cpuPerWall: [],
  }));
  const prepared: (PreparedImpl | null)[] = [];
  for (let k = 0; k < impls.length; k++) {
    try {
      prepared.push(await impls[k].setup());
    } catch (e) {
      results[k].error = `setup: ${describe(e)}`;
      prepared.push(null);
    }
  }
  const start = performance.now();
  const rounds = opts.warmup + opts.reps;
  for (let round = 0; round < rounds; round++) {
    const recording = round >= opts.warmup;
    const recorded = round - opts.warmup;
    if (recording && recorded >= opts.minReps && (performance.now() - start) / 1000 > opts.maxSeconds) break;
    // The starting implementation rotates each round: whichever runs right after another
    // inherits its heap state (measurably so for allocation-heavy steps), so no position is fixed.
    for (let j = 0; j < impls.length; j++) {
      const k = (j + round) % impls.length;
      const p = prepared[k];
      if (!p) continue;
      if (!recording && round >= (impls[k].maxWarmup ?? Infinity)) continue;
      if (recording && results[k].samplesMs.length >= (impls[k].maxReps ?? Infinity)) continue;
      try {
        if (p.activate) await p.activate();
        if (opts.gcBetweenSamples && forceGc()) {
          // A full GC hands sweeping to V8's background threads for a few ms; timing the
          // step meanwhile would charge them to whichever implementation uses a second core.
          await new Promise((resolve) => setTimeout(resolve, GC_SETTLE_MS));
        }
        for (let s = 0; s < (opts.settleSteps ?? 0); s++) p.step();
        const f0 = minorFaults();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const value = p.step();
        const t1 = performance.now();
        const c1 = process.cpuUsage(c0);
        const f1 = minorFaults();
        if (round === 0) results[k].check = value;
        if (recording) {
          results[k].samplesMs.push(t1 - t0);
          results[k].faults.push(f1 - f0);
          results[k].cpuPerWall.push((c1.user + c1.system) / 1000 / Math.max(t1 - t0, 1e-3));
        }
      } catch (e) {
        results[k].error = `step: ${describe(e)}`;
        prepared[k] = null;
      }
    }
  }
  for (let k = 0; k < impls.length; k++) {
    try {
      const p = prepared[k];
      if (p?.dispose) {
        if (p.activate) await p.activate();
        p.dispose();
      }
    } catch {
      // disposal problems do not change measurements already taken
    }
    const r = results[k];
    if (r.samplesMs.length > 0) {
      r.time = summarize(r.samplesMs);
      r.faultsMedian = summarize(r.faults).median;
      r.cpuPerWallMedian = summarize(r.cpuPerWall).median;
    }
  }
  return results;
}
