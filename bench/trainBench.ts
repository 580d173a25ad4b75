// The training benchmark (issue 4): one full-batch training run of the moons MLP per
// optimizer, gradlab and tfjs (cpu, wasm) stepping in turn (interleaved), time per step
// (median, p95 after warm-up), final loss and accuracy as a sanity check.
// Usage: node dist/bench/trainBench.js [--quick]
import { writeResultJson } from "./benchPaths.js";
import { writeDatedResult } from "./datedResults.js";
import { runInterleaved } from "./interleavedRunner.js";
import { isMainModule } from "./mainModule.js";
import { formatNumber, markdownTable } from "./markdownTable.js";
import { optimizerCases } from "./train/moonsProblem.js";
import { gradlabTraining, tfjsHasOptimizer, tfjsTraining, type TrainingImpl } from "./train/trainImpls.js";

export interface TrainRow {
  optimizer: string;
  impl: string;
  steps: number;
  medianMs?: number;
  p95Ms?: number;
  ratioVsTfjsWasm?: number;
  gradEvalsPerStep: number;
  lastLoss: number;
  accuracy: number;
  error?: string;
}

/** Runs every optimizer; prints the table and writes out/bench/train-latest.json.
 *  @example await runTrainBench({ quick: true }) */
export async function runTrainBench(o: { quick?: boolean } = {}): Promise<TrainRow[]> {
  const started = Date.now();
  const rows: TrainRow[] = [];
  for (const c of optimizerCases()) {
    const steps = o.quick ? Math.min(20, c.steps) : c.steps;
    const impls: TrainingImpl[] = [gradlabTraining(c)];
    if (tfjsHasOptimizer(c.name)) impls.push(tfjsTraining(c, "cpu"), tfjsTraining(c, "wasm"));
    // Every recorded sample is a real training step, so the warm-up steps train too.
    const results = await runInterleaved(impls, {
      warmup: 5,
      reps: steps - 5,
      minReps: steps - 5,
      maxSeconds: Infinity,
      gcBetweenSamples: false,
    });
    const wasm = results.find((r) => r.name === "tfjs-wasm");
    results.forEach((r, k) => {
      rows.push({
        optimizer: c.name,
        impl: r.name,
        steps: r.samplesMs.length ? r.samplesMs.length + 5 : 0,
        medianMs: r.time?.median,
        p95Ms: r.time?.p95,
        ratioVsTfjsWasm: r.time && wasm?.time ? r.time.median / wasm.time.median : undefined,
        ...impls[k].outcome,
        error: r.error,
      });
      if (r.error) process.stderr.write(`train ${c.name} ${r.name}: ${r.error}\n`);
    });
  }
  const backend = await import("../src/index.js").then(
    (g) => g.getBackend().name,
    () => "unavailable",
  );
  console.log(trainTable(rows));
  console.log(`\ngradlab ran on its default backend: ${backend}`);
  const file = writeResultJson("train-latest.json", {
    when: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    gradlabBackend: backend,
    rows,
  });
  const dated = o.quick
    ? null
    : writeDatedResult("train", trainTable(rows), {
        "gradlab backend": backend,
        seconds: Math.round((Date.now() - started) / 1000),
      });
  console.log(
    `\n(${((Date.now() - started) / 1000).toFixed(0)} s; JSON: ${file}${dated ? `; results: ${dated}` : ""})`,
  );
  return rows;
}

/** The training table.
 *  @example console.log(trainTable(rows)) */
export function trainTable(rows: readonly TrainRow[]): string {
  return markdownTable(
    [
      "optimizer",
      "impl",
      "steps",
      "ms/step median",
      "p95",
      "vs tfjs-wasm",
      "grad evals/step",
      "final loss",
      "accuracy",
    ],
    rows.map((r) => [
      r.optimizer,
      r.impl,
      String(r.steps),
      formatNumber(r.medianMs),
      formatNumber(r.p95Ms),
      r.ratioVsTfjsWasm === undefined ? "-" : `${formatNumber(r.ratioVsTfjsWasm)}x`,
      formatNumber(r.gradEvalsPerStep),
      r.error ? "error" : r.lastLoss.toFixed(4),
      Number.isNaN(r.accuracy) ? "-" : `${(100 * r.accuracy).toFixed(1)}%`,
    ]),
  );
}

if (isMainModule(import.meta.url)) {
  await runTrainBench({ quick: process.argv.includes("--quick") });
}
