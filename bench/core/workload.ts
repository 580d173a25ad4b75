// What a core benchmark workload is: its implementations and the target it is judged by.
import type { BenchImpl, RunOptions } from "../interleavedRunner.js";

/** The pass condition of a workload for one implementation (normally "gradlab"). */
export type WorkloadTarget =
  /** impl's median time at most `maxRatio` x the peer's median time. */
  | { kind: "timeRatio"; impl: string; peer: string; maxRatio: number }
  /** impl reaches at least `minGflops` (workload.flops / median time). */
  | { kind: "gflops"; impl: string; minGflops: number; peer: string };

/** One row group of the core table.
 *  @example { id: "b32", title: "matmul 512x512 f32", impls, target: { kind: "gflops", impl: "gradlab", minGflops: 4, peer: "js-floor" }, run } */
export interface Workload {
  id: string;
  title: string;
  impls: BenchImpl[];
  target: WorkloadTarget;
  /** Floating-point operations in one step, when GFLOP/s is meaningful. */
  flops?: number;
  /** The implementation whose check value the others are compared with. */
  reference: string;
  /** Relative tolerance of the check-value comparison. */
  checkTolerance: number;
  run: RunOptions;
}
