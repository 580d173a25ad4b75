// Writes a kernel bench run to bench/results/kernel-YYYY-MM-DD.md: the table, when and on what
// it ran, and how loaded the machine was (the numbers mean little without that).
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { repoRoot } from "../benchPaths.js";

/** When and under what load a run happened. */
export interface KernelRunInfo {
  when: string;
  seconds: number;
  loadBefore: number[];
  loadAfter: number[];
  starts: number;
  apiCells: number;
  cells: number;
}

/**
 * Writes the results file for the run's date (a later run the same day replaces it); returns its path.
 * @example writeKernelResultsFile(table, run) // "/repo/bench/results/kernel-2026-12-07.md"
 */
export function writeKernelResultsFile(table: string, run: KernelRunInfo): string {
  const day = run.when.slice(0, 10);
  const file = path.join(repoRoot(), "bench", "results", `kernel-${day}.md`);
  mkdirSync(path.dirname(file), { recursive: true });
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(", ");
  const text = [
    `# Kernel bench, ${day}`,
    "",
    `\`npm run bench:kernel\` at ${run.when} (${run.seconds.toFixed(0)} s), Node ${process.version},`,
    `${cpus().length} cores. Load average (1, 5, 15 min) before: ${load(run.loadBefore)}; after: ${load(run.loadAfter)}.`,
    "The kernels ran in rotation in the same run, so the load hit them alike; compare ratios",
    "and medians, and read absolute times with the load in mind.",
    "",
    `Method: ${run.starts} recorded cold starts of each kernel (one unrecorded round first), each`,
    "timed from spawn to kernel_info_reply and to the first output (execute_result, display_data or",
    "stream) of the first cell, sent right after; then one long-lived kernel each: 20 cells, RSS of",
    `the kernel's process tree, ${run.apiCells} unique cells using gradlab's API (gradlab only), then`,
    `${run.cells} unique small cells (\`const v17 = 17 + 1; v17\`, in Python \`v17 = 17 + 1; v17\`) in`,
    "rotation, each timed from execute_request to its reply and iopub idle, RSS every 100 cells.",
    "",
    table,
    "",
  ].join("\n");
  writeFileSync(file, text);
  return file;
}
