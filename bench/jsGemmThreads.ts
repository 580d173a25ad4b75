// `node dist/bench/jsGemmThreads.js [--tune] [--cold] [--late]`: where splitting the pure-JS gemm over
// two threads starts to pay (THREADED_GEMM_MADDS in src/backend/jsGemm.ts), and, with --tune,
// which split axis and main-thread share suit the MLP's shapes. Kernel calls only, one and two
// threads interleaved per repetition, medians. Back to back, the helper is still polling for
// the next job; --cold leaves 2 ms (untimed) between calls so it is asleep in Atomics.wait, as
// between the products of a training step. --late compares how long the main thread waits for
// a helper before computing its block itself (HelperPoolOptions.lateGrace) on the MLP's shapes.
// Run it alone on the machine (flock -x).
import { gemm } from "../src/backend/gemmKernel.js";
import { GemmHelpers } from "../src/backend/jsGemmHelpers.js";
import { splitGemm, THREADED_GEMM_MADDS, type SplitAxis } from "../src/backend/jsGemm.js";
import { summarize } from "./sampleStats.js";
import { markdownTable } from "./markdownTable.js";
import { isMainModule } from "./mainModule.js";

type Floats = Float32Array | Float64Array;
let unsplit = 0;
interface Shape {
  name: string;
  ta: boolean;
  tb: boolean;
  m: number;
  n: number;
  k: number;
}

function filled(n: number, f32: boolean): Floats {
  const a = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.7) * 2;
  return a;
}

/** Median microseconds per call of each variant, interleaved over 9 rounds. */
function race(variants: Array<() => void>, gapMs: number): number[] {
  const samples: number[][] = variants.map(() => []);
  for (let r = 0; r < 9; r++) {
    variants.forEach((run, i) => {
      const t0 = performance.now();
      run();
      const once = performance.now() - t0;
      const reps = Math.max(1, Math.min(gapMs > 0 ? 200 : 2000, Math.floor(20 / Math.max(once, 1e-3))));
      let spent = 0;
      if (gapMs > 0) {
        for (let q = 0; q < reps; q++) {
          const until = performance.now() + gapMs;
          while (performance.now() < until) {
            /* the helper falls asleep meanwhile */
          }
          const t = performance.now();
          run();
          spent += performance.now() - t;
        }
      } else {
        const t = performance.now();
        for (let q = 0; q < reps; q++) run();
        spent = performance.now() - t;
      }
      samples[i].push((spent / reps) * 1000);
    });
  }
  return samples.map((s) => summarize(s).median);
}

function variantsOf(
  pool: GemmHelpers,
  s: Shape,
  f32: boolean,
  splits: Array<{ axis: SplitAxis; share: number; pool?: GemmHelpers }>,
): Array<() => void> {
  const a = filled(s.m * s.k, f32),
    b = filled(s.k * s.n, f32),
    c = f32 ? new Float32Array(s.m * s.n) : new Float64Array(s.m * s.n);
  const one = (): void => gemm(s.ta, s.tb, s.m, s.n, s.k, a, 0, b, 0, c, 0);
  const split =
    (axis: SplitAxis, share: number, pl = pool) =>
    (): void => {
      // As jsGemm does: one thread while the helper is still busy with a block it was late with.
      if (!splitGemm(pl, 1, s.ta, s.tb, s.m, s.n, s.k, a, 0, b, 0, c, 0, axis, share)) {
        unsplit++;
        one();
      }
    };
  return [one, ...splits.map((x) => split(x.axis, x.share, x.pool))];
}

const MLP: Shape[] = [
  { name: "fwd 128x784·784x256", ta: false, tb: false, m: 128, n: 256, k: 784 },
  { name: "dW1 784x128ᵀ·128x256", ta: true, tb: false, m: 784, n: 256, k: 128 },
  { name: "512^3", ta: false, tb: false, m: 512, n: 512, k: 512 },
];

/** One row per size: 1-thread and 2-thread microseconds. */
export async function runJsGemmThreads(tune: boolean, gapMs = 0, late = false): Promise<string[][]> {
  const pool = new GemmHelpers();
  pool.ready(1);
  await pool.settled();
  if (pool.threads < 2) throw new Error("bench:jsGemmThreads: the helper thread did not start");
  const rows: string[][] = [];
  if (late) {
    const graces = [0.1, 0.25, 0.5, 1e6];
    const pools = graces.map((lateGrace) => new GemmHelpers({ lateGrace }));
    for (const p of pools) p.ready(1);
    for (const p of pools) await p.settled();
    for (const s of MLP) {
      const t = race(
        variantsOf(
          pool,
          s,
          true,
          pools.map((p) => ({ axis: "auto" as const, share: 0.5, pool: p })),
        ),
        gapMs,
      );
      rows.push([
        s.name + " f32",
        ...t.map((x) => x.toFixed(0)),
        ...t.slice(1).map((x) => (x / t[0]).toFixed(3)),
        pools.map((p) => p.stats.late).join("/"),
        String(unsplit),
      ]);
    }
    return rows;
  }
  if (tune) {
    const splits = [
      { axis: "rows" as const, share: 0.5 },
      { axis: "cols" as const, share: 0.5 },
      { axis: "auto" as const, share: 0.47 },
      { axis: "auto" as const, share: 0.53 },
      { axis: "auto" as const, share: 0.56 },
    ];
    for (const s of MLP) {
      for (const f32 of [true, false]) {
        const t = race(variantsOf(pool, s, f32, splits), gapMs);
        rows.push([
          s.name + (f32 ? " f32" : " f64"),
          ...t.map((x) => x.toFixed(0)),
          ...t.slice(1).map((x) => (x / t[0]).toFixed(3)),
        ]);
      }
    }
    return rows;
  }
  for (const f32 of [true, false]) {
    for (const n of [32, 40, 48, 56, 64, 80, 96, 128, 256]) {
      const s = { name: `${n}^3`, ta: false, tb: false, m: n, n, k: n };
      const [one, two] = race(variantsOf(pool, s, f32, [{ axis: "auto", share: 0.5 }]), gapMs);
      rows.push([
        `${n}^3 ${f32 ? "f32" : "f64"}`,
        String(n * n * n),
        one.toFixed(1),
        two.toFixed(1),
        (two / one).toFixed(3),
      ]);
    }
  }
  return rows;
}

if (isMainModule(import.meta.url)) {
  const tune = process.argv.includes("--tune");
  const late = process.argv.includes("--late");
  const rows = await runJsGemmThreads(tune, process.argv.includes("--cold") ? 2 : 0, late);
  const head = late
    ? [
        "shape",
        "1t µs",
        "grace .1",
        "grace .25",
        "grace .5",
        "no grace",
        ".1/1t",
        ".25/1t",
        ".5/1t",
        "none/1t",
        "late calls",
        "unsplit",
      ]
    : tune
      ? [
          "shape",
          "1t µs",
          "rows .5",
          "cols .5",
          "auto .47",
          "auto .53",
          "auto .56",
          "rows/1t",
          "cols/1t",
          "a.47/1t",
          "a.53/1t",
          "a.56/1t",
        ]
      : ["size", "m·n·k", "1 thread µs", "2 threads µs", "2t/1t"];
  console.log(markdownTable(head, rows));
  if (unsplit > 0 && !late)
    console.log(`\n${unsplit} calls ran on one thread (helper still busy): the machine is not quiet`);
  console.log(
    `\nTHREADED_GEMM_MADDS in use: ${THREADED_GEMM_MADDS} (${Math.cbrt(THREADED_GEMM_MADDS).toFixed(0)}^3)`,
  );
}
