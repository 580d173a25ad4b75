// The kernel benchmark's memory verdict: flat means the RSS after a quiet pause at the end at
// most 10% above the RSS before the small cells, and no upward trend from cell 100 on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { kernelTable, rssTrendMbPer1000, type KernelResult } from "../../bench/kernelBench.js";

function result(curve: [number, number][], endSettled = curve.at(-1)![1]): KernelResult {
  return {
    name: "gradlab",
    startMs: [],
    firstOutputMs: [],
    libraryFirstOutputMs: [],
    apiCellMs: [],
    smallCellMs: [],
    rssCurve: curve,
    cellMsCurve: [],
    cellsRun: curve.at(-1)![0],
    lostIdles: 0,
    cellErrors: 0,
    rss20Mb: curve[0]![1] + 3,
    rss20SettledMb: curve[0]![1],
    rssEndSettledMb: endSettled,
  };
}

function flatVerdict(table: string): string {
  const row = table.split("\n").find((l) => l.includes("RSS after the small cells"))!;
  return row
    .split("|")
    .map((c) => c.trim())
    .filter((c) => c.length > 0)
    .at(-1)!;
}

test("the trend is the least-squares slope from cell 100 on, per 1,000 cells", () => {
  assert.equal(
    rssTrendMbPer1000([
      [0, 150],
      [100, 200],
      [200, 201],
      [300, 202],
    ]),
    10,
  );
  assert.equal(
    rssTrendMbPer1000([
      [0, 150],
      [100, 200],
    ]),
    undefined,
  );
});

test("flat needs both: settled within 10% of the start and no upward trend", () => {
  const steps = (from: number, step: number, start = from): [number, number][] =>
    Array.from({ length: 11 }, (_, i) => [i * 100, i === 0 ? start : from + i * step] as [number, number]);
  assert.equal(flatVerdict(kernelTable([result(steps(200, 0.5))], 1000)), "yes");
  assert.equal(flatVerdict(kernelTable([result(steps(225, 0, 200))], 1000)), "NO"); // 12.5% above the start
  assert.equal(flatVerdict(kernelTable([result(steps(200, 1.5))], 1000)), "NO"); // +15 MB per 1,000 cells
  assert.equal(
    flatVerdict(kernelTable([result(steps(225, 0, 200), 210)], 1000)),
    "yes",
    "the settled end counts, not the burst's last point",
  );
  assert.equal(
    flatVerdict(kernelTable([result(steps(205, 0, 200), 225)], 1000)),
    "NO",
    "settled higher than the burst: still 12.5%",
  );
});
