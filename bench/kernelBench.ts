// The kernel benchmark (issue 3): cold start to the first kernel_info_reply, the round trip
// of a trivial cell (execute_request until execute_reply and iopub idle; median and p95 of
// 200), and resident memory after start and over 1,000 executed cells, for gradlab and tslab
// side by side in the same run (starts alternate; cells alternate between the two kernels).
// Usage: node dist/bench/kernelBench.js [--quick] [--only gradlab|tslab]
import { existsSync } from "node:fs";
import path from "node:path";
import { kernelJson } from "../kernel/install/kernelspec.js";
import { repoRoot, writeResultJson } from "./benchPaths.js";
import { BenchKernelClient } from "./kernel/benchKernelClient.js";
import { launchKernel, treeRssMb } from "./kernel/kernelLaunch.js";
import { isMainModule } from "./mainModule.js";
import { formatNumber, markdownTable } from "./markdownTable.js";
import { summarize, type SampleSummary } from "./sampleStats.js";

/** A kernel to measure: its name, the argv jupyter_client would run and the kernelspec's env. */
export interface KernelUnderTest {
  name: string;
  argv: string[];
  env?: Record<string, string>;
}

/** gradlab's kernel from the same build as this module, started as its kernelspec says
 *  (argv and env of kernel.json), and tslab from node_modules.
 *  @example kernelsUnderTest().map((k) => k.name) // ["gradlab", "tslab"] */
export function kernelsUnderTest(): KernelUnderTest[] {
  const spec = kernelJson();
  const tslab = path.join(repoRoot(), "node_modules", "tslab", "bin", "tslab");
  return [
    { name: "gradlab", argv: spec.argv, env: spec.env },
    { name: "tslab", argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"] },
  ];
}

export interface KernelBenchOptions {
  quick?: boolean;
  only?: string[];
}

export interface KernelResult {
  name: string;
  coldStartMs: number[];
  coldStart?: SampleSummary;
  /** Spawn to the execute_reply of a first `1+1` sent right after kernel_info_reply: a kernel
   *  that loads its compiler lazily answers kernel_info early and pays here. */
  firstCellMs: number[];
  firstCell?: SampleSummary;
  roundTripMs: number[];
  roundTrip?: SampleSummary;
  rssAfterStartMb?: number;
  /** Right after the 20 warm-up cells (a kernel may load its type checker on the first cell). */
  rssAfterWarmupMb?: number;
  /** The same, after QUIET_MS without requests (what a session holds between cells). */
  rssWarmupSettledMb?: number;
  /** After the last cell and QUIET_MS without requests. */
  rssEndSettledMb?: number;
  /** [cells executed, RSS MB] every 100 cells. */
  rssCurve: [number, number][];
  /** Median ms per cell of each block of 100 cells (shows a kernel slowing down as cells accumulate). */
  cellMsCurve: number[];
  cellsRun: number;
  /** Requests whose reply came but whose iopub idle never did. */
  lostIdles: number;
  cellErrors: number;
  error?: string;
}

/**
 * A pause without requests before a "settled" RSS reading: long enough for a kernel's own
 * idle-time work (gradlab collects garbage a second after its last request) to finish.
 */
const QUIET_MS = 2000;

function quiet(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, QUIET_MS));
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

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs the kernel benchmark; prints a table and writes out/bench/kernel-latest.json.
 *  @example await runKernelBench({ quick: true }) */
export async function runKernelBench(o: KernelBenchOptions = {}): Promise<KernelResult[]> {
  const started = Date.now();
  const cwd = repoRoot();
  const kernels = kernelsUnderTest().filter((k) => !o.only || o.only.includes(k.name));
  const starts = o.quick ? 2 : 5;
  const trips = o.quick ? 30 : 200;
  const cells = o.quick ? 100 : 1000;
  const results: KernelResult[] = kernels.map((k) => ({
    name: k.name,
    coldStartMs: [],
    firstCellMs: [],
    roundTripMs: [],
    rssCurve: [],
    cellMsCurve: [],
    cellsRun: 0,
    lostIdles: 0,
    cellErrors: 0,
  }));
  const gradlabCli = kernels.find((k) => k.name === "gradlab")?.argv[1];
  if (gradlabCli && !existsSync(gradlabCli))
    results.find((r) => r.name === "gradlab")!.error = `not built: ${gradlabCli}`;

  const progress = (msg: string) =>
    process.stderr.write(`kernel bench: ${msg} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  progress(`${starts} cold starts each, then ${trips} round trips and ${cells} cells`);
  // Cold starts, alternating kernels; the first round only warms the disk cache.
  for (let round = 0; round <= starts; round++) {
    for (let i = 0; i < kernels.length; i++) {
      if (results[i].error) continue;
      try {
        const { client, startMs } = await startReady(kernels[i], cwd);
        await client.request(
          "execute_request",
          {
            code: "1+1",
            silent: false,
            store_history: true,
            user_expressions: {},
            allow_stdin: false,
            stop_on_error: true,
          },
          false,
          60_000,
        );
        const firstMs = performance.now() - client.kernel.spawnedAt;
        if (round > 0) {
          results[i].coldStartMs.push(startMs);
          results[i].firstCellMs.push(firstMs);
        }
        await client.close();
      } catch (e) {
        results[i].error = `cold start: ${describe(e)}`;
      }
    }
  }

  progress("cold starts done");
  // One long-lived instance of each for round trips and memory.
  const clients: (BenchKernelClient | null)[] = [];
  for (let i = 0; i < kernels.length; i++) {
    if (results[i].error) {
      clients.push(null);
      continue;
    }
    try {
      const { client } = await startReady(kernels[i], cwd);
      await awaitIopub(client);
      results[i].rssAfterStartMb = treeRssMb(client.kernel.child.pid!);
      clients.push(client);
    } catch (e) {
      results[i].error = `start: ${describe(e)}`;
      clients.push(null);
    }
  }
  const each = async (fn: (c: BenchKernelClient, r: KernelResult) => Promise<void>) => {
    for (let i = 0; i < kernels.length; i++) {
      const c = clients[i];
      if (!c || results[i].error) continue;
      try {
        await fn(c, results[i]);
      } catch (e) {
        results[i].error = describe(e);
      }
    }
  };
  for (let n = 0; n < 20; n++)
    await each(async (c) => {
      await c.execute("1+1");
    });
  await each(async (c, r) => {
    r.rssAfterWarmupMb = treeRssMb(c.kernel.child.pid!);
  });
  await quiet();
  await each(async (c, r) => {
    r.rssWarmupSettledMb = treeRssMb(c.kernel.child.pid!);
  });
  for (let n = 0; n < trips; n++) {
    await each(async (c, r) => {
      const t0 = performance.now();
      await c.execute("1+1");
      r.roundTripMs.push(performance.now() - t0);
    });
  }
  progress("round trips done");
  await each(async (c, r) => {
    r.rssCurve.push([0, treeRssMb(c.kernel.child.pid!)]);
  });
  // Each kernel gets a time budget for the cells, so one that slows down as cells accumulate
  // ends the phase with the curve so far instead of stalling the suite.
  const budgetMs = o.quick ? 60_000 : 150_000;
  const spent = results.map(() => 0);
  const block: number[][] = results.map(() => []);
  for (let n = 1; n <= cells; n++) {
    await each(async (c, r) => {
      const k = results.indexOf(r);
      if (spent[k] > budgetMs) return;
      const t0 = performance.now();
      const reply = await c.execute(`const v${n} = ${n};\nv${n} * 2`);
      const dt = performance.now() - t0;
      spent[k] += dt;
      block[k].push(dt);
      r.cellsRun = n;
      if (reply.content["status"] !== "ok") r.cellErrors++;
      if (n % 100 === 0 || spent[k] > budgetMs) {
        r.rssCurve.push([n, treeRssMb(c.kernel.child.pid!)]);
        r.cellMsCurve.push(summarize(block[k]).median);
        block[k] = [];
        progress(`${r.name}: ${n} cells, ${r.rssCurve.at(-1)![1].toFixed(0)} MB`);
      }
      if (spent[k] > budgetMs)
        progress(`${r.name}: stopped after ${n} cells (budget ${budgetMs / 1000} s spent)`);
    });
  }
  await quiet();
  await each(async (c, r) => {
    r.rssEndSettledMb = treeRssMb(c.kernel.child.pid!);
  });
  progress("cells done");
  clients.forEach((c, i) => {
    if (c) results[i].lostIdles = c.lostIdles;
  });
  for (const c of clients) if (c) await c.close();

  for (const r of results) {
    if (r.coldStartMs.length) r.coldStart = summarize(r.coldStartMs);
    if (r.firstCellMs.length) r.firstCell = summarize(r.firstCellMs);
    if (r.roundTripMs.length) r.roundTrip = summarize(r.roundTripMs);
    if (r.error) process.stderr.write(`kernel ${r.name}: ${r.error}\n`);
  }
  console.log(kernelTable(results, cells));
  const file = writeResultJson("kernel-latest.json", {
    when: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    cells,
    trips,
    starts,
    results,
  });
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s; JSON: ${file})`);
  return results;
}

/** The kernel table: one row per metric, one column per kernel, then target and verdict.
 *  @example console.log(kernelTable(results, 1000)) */
export function kernelTable(results: readonly KernelResult[], cells: number): string {
  const g = results.find((r) => r.name === "gradlab");
  const t = results.find((r) => r.name === "tslab");
  const last = (r?: KernelResult) => r?.rssCurve.at(-1)?.[1];
  const verdict = (ok: boolean | undefined) => (ok === undefined ? "-" : ok ? "yes" : "NO");
  const trend = (r?: KernelResult) => rssTrendMbPer1000(r?.rssCurve ?? []);
  const gTrend = trend(g);
  // Flat: settled to settled (after a quiet pause at both ends) within 10 %, and no upward
  // trend during the uninterrupted burst of cells.
  const base = g?.rssWarmupSettledMb,
    end = g?.rssEndSettledMb;
  const flat =
    base !== undefined && end !== undefined && gTrend !== undefined
      ? end - base <= 0.1 * base && gTrend <= 0.05 * base && g!.cellsRun === cells
      : undefined;
  const pair = (a?: number, b?: number) =>
    a === undefined && b === undefined ? "-" : `${formatNumber(a)} / ${formatNumber(b)}`;
  const gs = g?.coldStart?.median,
    ts = t?.coldStart?.median;
  const curve = (r?: KernelResult) => r?.rssCurve.map(([, mb]) => mb.toFixed(0)).join(" ") ?? "-";
  const msCurve = (r?: KernelResult) => r?.cellMsCurve.map((ms) => formatNumber(ms)).join(" ") ?? "-";
  const rows: string[][] = [
    [
      "cold start to kernel_info_reply, median ms",
      formatNumber(gs),
      formatNumber(ts),
      "< 0.5x tslab",
      verdict(gs !== undefined && ts !== undefined ? gs < 0.5 * ts : undefined),
    ],
    ["cold start p95 ms", formatNumber(g?.coldStart?.p95), formatNumber(t?.coldStart?.p95), "", ""],
    [
      "cold start to the first `1+1` execute_reply, median ms",
      formatNumber(g?.firstCell?.median),
      formatNumber(t?.firstCell?.median),
      "",
      "",
    ],
    [
      `trivial cell round trip (reply + idle), median ms of ${Math.max(0, ...results.map((r) => r.roundTripMs.length))}`,
      formatNumber(g?.roundTrip?.median),
      formatNumber(t?.roundTrip?.median),
      "< 5 ms",
      verdict(g?.roundTrip ? g.roundTrip.median < 5 : undefined),
    ],
    ["round trip p95 ms", formatNumber(g?.roundTrip?.p95), formatNumber(t?.roundTrip?.p95), "", ""],
    [
      "RSS after start MB",
      formatNumber(g?.rssAfterStartMb),
      formatNumber(t?.rssAfterStartMb),
      "< 120 MB",
      verdict(g?.rssAfterStartMb !== undefined ? g.rssAfterStartMb < 120 : undefined),
    ],
    [
      `RSS after 20 warm-up cells, at once / after a quiet ${QUIET_MS / 1000} s, MB`,
      pair(g?.rssAfterWarmupMb, g?.rssWarmupSettledMb),
      pair(t?.rssAfterWarmupMb, t?.rssWarmupSettledMb),
      "",
      "",
    ],
    [
      `RSS after the cells (gradlab ${g?.cellsRun ?? 0}, tslab ${t?.cellsRun ?? 0} of ${cells}), at once / after a quiet ${QUIET_MS / 1000} s, MB`,
      pair(last(g), g?.rssEndSettledMb),
      pair(last(t), t?.rssEndSettledMb),
      "flat: settled <= 10% above settled warm-up, trend < 5% of it per 1,000 cells",
      verdict(flat),
    ],
    [
      "RSS above settled warm-up: end of the cells at once % / settled % / trend from cell 100 on, MB per 1,000 cells",
      growthText(g, gTrend),
      growthText(t, trend(t)),
      "",
      "",
    ],
    [`RSS after the round trips, then every 100 cells MB`, curve(g), curve(t), "", ""],
    [`ms per cell, median of each 100`, msCurve(g), msCurve(t), "", ""],
    [
      "requests whose iopub idle never came",
      String(g?.lostIdles ?? "-"),
      String(t?.lostIdles ?? "-"),
      "0",
      verdict(g ? g.lostIdles === 0 : undefined),
    ],
    [
      "cells that did not reply ok",
      String(g?.cellErrors ?? "-"),
      String(t?.cellErrors ?? "-"),
      "0",
      verdict(g ? g.cellErrors === 0 && !g.error : undefined),
    ],
  ];
  return markdownTable(["metric", "gradlab", "tslab", "target", "met?"], rows);
}

/**
 * Least-squares slope of the RSS curve from cell 100 on (the first points include the type
 * checker's first program), in MB per 1,000 cells; undefined with fewer than 3 points.
 * @example rssTrendMbPer1000([[0, 200], [100, 210], [200, 211], [300, 212]]) // 10
 */
export function rssTrendMbPer1000(curve: readonly [number, number][]): number | undefined {
  const points = curve.filter(([n]) => n >= 100);
  if (points.length < 3) return undefined;
  const mx = points.reduce((a, [n]) => a + n, 0) / points.length;
  const my = points.reduce((a, [, mb]) => a + mb, 0) / points.length;
  let sxy = 0;
  let sxx = 0;
  for (const [n, mb] of points) {
    sxy += (n - mx) * (mb - my);
    sxx += (n - mx) * (n - mx);
  }
  return sxx === 0 ? undefined : (sxy / sxx) * 1000;
}

function growthText(r: KernelResult | undefined, trendMb: number | undefined): string {
  const a = r?.rssWarmupSettledMb,
    b = r?.rssCurve.at(-1)?.[1],
    c = r?.rssEndSettledMb;
  if (a === undefined || b === undefined) return "-";
  const pct = (v: number | undefined) => (v === undefined ? "-" : `${(((v - a) / a) * 100).toFixed(0)}%`);
  return `${pct(b)} / ${pct(c)} / ${trendMb === undefined ? "-" : formatNumber(trendMb)}`;
}

if (isMainModule(import.meta.url)) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf("--only");
  await runKernelBench({
    quick: argv.includes("--quick"),
    only: i >= 0 ? argv[i + 1]?.split(",") : undefined,
  });
}
