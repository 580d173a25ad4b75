// What a core benchmark workload is: its implementations and the targets it is judged by.
import type { BenchImpl, RunOptions } from "../interleavedRunner.js";

/** The pass condition for one implementation's row. */
export type WorkloadTarget =
  /** impl's median time at most `maxRatio` x the peer's median time. */
  | { kind: "timeRatio"; impl: string; peer: string; maxRatio: number; issue: number }
  /** impl reaches at least `minGflops` (workload.flops / median time). */
  | { kind: "gflops"; impl: string; minGflops: number; peer: string; issue: number };

/** One row group of the core table.
 *  @example { id: "b32", title: "matmul 512x512 f32", impls, targets: [{ kind: "gflops", impl: "gradlab", minGflops: 4, peer: "js-floor", issue: 2 }], run } */
export interface Workload {
  id: string;
  title: string;
  impls: BenchImpl[];
  /** At most one target per implementation (issue 2 for "gradlab", issue 7 for "gradlab-wasm"). */
  targets: WorkloadTarget[];
  /** The peer whose time the ratio column shows for rows without a target. */
  ratioPeer: string;
  /** Floating-point operations in one step, when GFLOP/s is meaningful. */
  flops?: number;
  /** The implementation whose check value the others are compared with. */
  reference: string;
  /** Relative tolerance of the check-value comparison. */
  checkTolerance: number;
  run: RunOptions;
}
