// The kernel benchmark: what a user waits for, for gradlab, tslab and ipykernel in the same run.
// Cold starts rotate between the kernels: launch to kernel_info_reply, and launch to the first
// *output* of the first cell (gradlab also with its own first cell, which imports the library
// and computes). Then one long-lived instance of each: resident memory after 20 cells, cells
// using gradlab's API, and unique small cells in rotation (round trip until reply and idle;
// resident memory every 100 cells over 1,000). Every cell is unique, so no cache answers it.
// Usage: node dist/bench/kernelBench.js [--quick] [--only gradlab,tslab,ipykernel]
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { repoRoot, writeResultJson } from "./benchPaths.js";
import { BenchKernelClient } from "./kernel/benchKernelClient.js";
import {
  apiCell,
  GRADLAB_FIRST_CELL,
  kernelsUnderTest,
  smallCell,
  type KernelUnderTest,
} from "./kernel/benchedKernels.js";
import { kernelTable, type KernelResult } from "./kernel/kernelTable.js";
import { writeKernelResultsFile } from "./kernel/kernelResultsFile.js";
import { launchKernel, treeRssMb } from "./kernel/kernelLaunch.js";
import { isMainModule } from "./mainModule.js";
import { summarize } from "./sampleStats.js";

export { kernelTable, rssTrendMbPer1000, type KernelResult } from "./kernel/kernelTable.js";

export interface KernelBenchOptions {
  quick?: boolean;
  only?: string[];
}

/**
 * A pause without requests before a "settled" RSS reading: long enough for a kernel's own
 * idle-time work (gradlab collects garbage a second after its last request) to finish.
 */
const QUIET_MS = 2000;

const quiet = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function startReady(
  k: KernelUnderTest,
  cwd: string,
): Promise<{ client: BenchKernelClient; startMs: number }> {
  const launched = await launchKernel(k.argv, cwd, k.env);
  const client = new BenchKernelClient(launched);
  try {
    await client.request("kernel_info_request", {}, false, 60_000);
  } catch (e) {
    await client.close();
    throw e;
  }
  return { client, startMs: performance.now() - launched.spawnedAt };
}

// The SUB socket only receives what is published after it joined: ask until an idle comes back.
async function awaitIopub(client: BenchKernelClient): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await client.request("kernel_info_request", {}, true, 1000);
      return;
    } catch {
      // the idle was published before the subscription took effect; ask again
    }
  }
  throw new Error("iopub: no status idle after 20 kernel_info requests");
}

/** Launch, kernel_info, then `code` at once: launch → kernel_info_reply and → first output, ms. */
async function coldStart(k: KernelUnderTest, cwd: string, code: string): Promise<[number, number]> {
  const { client, startMs } = await startReady(k, cwd);
  try {
    // The first output may be published before a fresh SUB socket has joined: wait for iopub
    // first. That costs a kernel_info round trip, which every kernel pays alike.
    await awaitIopub(client);
    const { reply, firstOutputAt } = await client.executeTimed(code, 60_000);
    if (reply.content["status"] !== "ok")
      throw new Error(`first cell failed: ${JSON.stringify(reply.content)}`);
    if (firstOutputAt === undefined) throw new Error("first cell: no output");
    return [startMs, firstOutputAt - client.kernel.spawnedAt];
  } finally {
    await client.close();
  }
}

/** Runs the kernel benchmark; prints the table, writes out/bench/kernel-latest.json and the
 *  dated results file under bench/results/.
 *  @example await runKernelBench({ quick: true }) */
export async function runKernelBench(o: KernelBenchOptions = {}): Promise<KernelResult[]> {
  const started = Date.now();
  const loadBefore = loadavg();
  const cwd = repoRoot();
  const kernels = kernelsUnderTest().filter((k) => !o.only || o.only.includes(k.name));
  const starts = o.quick ? 2 : 5;
  const apiCells = o.quick ? 20 : 60;
  const cells = o.quick ? 100 : 1000;
  const results: KernelResult[] = kernels.map((k) => ({
    name: k.name,
    startMs: [],
    firstOutputMs: [],
    libraryFirstOutputMs: [],
    apiCellMs: [],
    smallCellMs: [],
    rssCurve: [],
    cellMsCurve: [],
    cellsRun: 0,
    lostIdles: 0,
    cellErrors: 0,
  }));
  const gradlabCli = kernels.find((k) => k.name === "gradlab")?.argv.find((a) => a.endsWith("cli.js"));
  if (gradlabCli && !existsSync(gradlabCli))
    results.find((r) => r.name === "gradlab")!.error = `not built: ${gradlabCli}`;
  const progress = (msg: string) =>
    process.stderr.write(`kernel bench: ${msg} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);

  progress(`${starts} rounds of cold starts, then ${apiCells} API cells and ${cells} small cells`);
  // Round 0 only warms the disk cache (and gradlab's compiler code cache); it is not recorded.
  for (let round = 0; round <= starts; round++) {
    for (let i = 0; i < kernels.length; i++) {
      const k = kernels[i]!;
      const r = results[i]!;
      if (r.error) continue;
      try {
        const [startMs, firstMs] = await coldStart(k, cwd, "1 + 1");
        if (round > 0) {
          r.startMs.push(startMs);
          r.firstOutputMs.push(firstMs);
        }
        if (k.name === "gradlab") {
          const [, libraryMs] = await coldStart(k, cwd, GRADLAB_FIRST_CELL);
          if (round > 0) r.libraryFirstOutputMs.push(libraryMs);
        }
      } catch (e) {
        r.error = `cold start: ${describe(e)}`;
      }
    }
  }
  progress("cold starts done");

  const clients: (BenchKernelClient | null)[] = [];
  for (let i = 0; i < kernels.length; i++) {
    if (results[i]!.error) {
      clients.push(null);
      continue;
    }
    try {
      const { client } = await startReady(kernels[i]!, cwd);
      await awaitIopub(client);
      clients.push(client);
    } catch (e) {
      results[i]!.error = `start: ${describe(e)}`;
      clients.push(null);
    }
  }
  const each = async (fn: (c: BenchKernelClient, r: KernelResult, k: KernelUnderTest) => Promise<void>) => {
    for (let i = 0; i < kernels.length; i++) {
      const c = clients[i];
      const r = results[i]!;
      if (!c || r.error) continue;
      try {
        await fn(c, r, kernels[i]!);
      } catch (e) {
        r.error = describe(e);
      }
    }
  };
  const rss = (c: BenchKernelClient) => treeRssMb(c.kernel.child.pid!);
  // 20 cells, gradlab's first one importing the library (the numbers stay clear of later cells').
  for (let n = 1; n <= 20; n++)
    await each(async (c, r, k) => {
      const code = n === 1 && k.name === "gradlab" ? GRADLAB_FIRST_CELL : smallCell(k.language, 100_000 + n);
      if ((await c.execute(code, 60_000)).content["status"] !== "ok") r.cellErrors++;
    });
  await each(async (c, r) => {
    r.rss20Mb = rss(c);
  });
  await quiet();
  await each(async (c, r) => {
    r.rss20SettledMb = rss(c);
  });
  await each(async (c, r, k) => {
    if (k.name !== "gradlab") return;
    for (let n = 1; n <= apiCells; n++) {
      const t0 = performance.now();
      if ((await c.execute(apiCell(n))).content["status"] !== "ok") r.cellErrors++;
      r.apiCellMs.push(performance.now() - t0);
    }
  });
  progress("API cells done");
  await quiet();
  await each(async (c, r) => {
    r.rssCurve.push([0, rss(c)]);
  });
  // Each kernel gets a time budget for the cells, so one that slows down as cells accumulate
  // ends the phase with the curve so far instead of stalling the bench.
  const budgetMs = o.quick ? 60_000 : 200_000;
  const spent = results.map(() => 0);
  const block: number[][] = results.map(() => []);
  for (let n = 1; n <= cells; n++) {
    await each(async (c, r, k) => {
      const i = results.indexOf(r);
      if (spent[i]! > budgetMs) return;
      const t0 = performance.now();
      const reply = await c.execute(smallCell(k.language, n));
      const dt = performance.now() - t0;
      spent[i]! += dt;
      block[i]!.push(dt);
      r.smallCellMs.push(dt);
      r.cellsRun = n;
      if (reply.content["status"] !== "ok") r.cellErrors++;
      if (n % 100 === 0 || spent[i]! > budgetMs) {
        r.rssCurve.push([n, rss(c)]);
        r.cellMsCurve.push(summarize(block[i]!).median);
        block[i] = [];
        progress(`${r.name}: ${n} cells, ${r.rssCurve.at(-1)![1].toFixed(0)} MB`);
      }
      if (spent[i]! > budgetMs) progress(`${r.name}: stopped after ${n} cells (budget spent)`);
    });
  }
  await quiet();
  await each(async (c, r) => {
    r.rssEndSettledMb = rss(c);
  });
  progress("cells done");
  clients.forEach((c, i) => {
    if (c) results[i]!.lostIdles = c.lostIdles;
  });
  for (const c of clients) if (c) await c.close();
  for (const r of results) if (r.error) process.stderr.write(`kernel ${r.name}: ${r.error}\n`);

  const table = kernelTable(results, cells);
  console.log(table);
  const run = {
    when: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    loadBefore,
    loadAfter: loadavg(),
    starts,
    apiCells,
    cells,
  };
  const json = writeResultJson("kernel-latest.json", { ...run, results });
  const md = o.quick ? undefined : writeKernelResultsFile(table, run);
  console.log(`\n(${run.seconds.toFixed(0)} s; JSON: ${json}${md ? `; results: ${md}` : ""})`);
  return results;
}

if (isMainModule(import.meta.url)) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf("--only");
  await runKernelBench({
    quick: argv.includes("--quick"),
    only: i >= 0 ? argv[i + 1]?.split(",") : undefined,
  });
}
