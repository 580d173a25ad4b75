import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { Script } from "node:vm";
import { availableParallelism } from "node:os";
import * as g from "../../src/index.js";
import { gemm } from "../../src/backend/gemmKernel.js";
import { GemmHelpers, type SpawnHelper } from "../../src/backend/jsGemmHelpers.js";
import {
  jsGemm,
  jsGemmHelpers,
  splitGemm,
  THREADED_GEMM_MADDS,
  type SplitAxis,
} from "../../src/backend/jsGemm.js";
import { CTRL, STATE } from "../../src/backend/jsGemmProtocol.js";

type Floats = Float32Array | Float64Array;

/** Seeded values in [-2, 2) with a few exact zeros and repeats (LCG, so runs are reproducible). */
function seeded(n: number, seed: number, f32: boolean): Floats {
  const out = f32 ? new Float32Array(n) : new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = i % 17 === 0 ? 0 : (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

function sameBits(got: Floats, want: Floats, what: string): void {
  const gb = new Uint8Array(got.buffer, got.byteOffset, got.byteLength);
  const wb = new Uint8Array(want.buffer, want.byteOffset, want.byteLength);
  const at = gb.findIndex((v, i) => v !== wb[i]);
  assert.equal(at, -1, `${what}: first differing element ${Math.floor(at / got.BYTES_PER_ELEMENT)}`);
}

interface Case {
  m: number;
  n: number;
  k: number;
  ta: boolean;
  tb: boolean;
  f32: boolean;
}

/** Operands embedded at odd offsets in larger arrays, and the one-thread result. */
function problem({ m, n, k, ta, tb, f32 }: Case, seed: number) {
  const aOff = 3,
    bOff = 7,
    cOff = 5;
  const a = seeded(aOff + m * k + 2, seed, f32),
    b = seeded(bOff + k * n + 4, seed + 1, f32);
  const make = (): Floats => {
    const c = seeded(cOff + m * n + 3, seed + 2, f32);
    return c;
  };
  const want = make();
  gemm(ta, tb, m, n, k, a, aOff, b, bOff, want, cOff);
  return { a, b, aOff, bOff, cOff, want, make };
}

// Odd sizes on purpose: edge micro-tiles, k across the 256-deep packing blocks, n across the 1024-wide ones.
const SHAPES: Array<[number, number, number]> = [
  [37, 29, 41],
  [130, 67, 300],
  [9, 1100, 20],
  [601, 11, 270],
  [64, 64, 513],
];

describe("js gemm over threads", () => {
  const pool = new GemmHelpers();
  const pool2 = new GemmHelpers();
  before(async () => {
    pool.ready(1);
    pool2.ready(2);
    await pool.settled();
    await pool2.settled();
    assert.equal(pool.threads, 2, "the helper thread started");
    assert.equal(pool2.threads, 3, "both helper threads started");
  });

  for (const f32 of [true, false]) {
    test(`split products are bit-identical to one thread, every transposition, ${f32 ? "float32" : "float64"}`, async () => {
      let seed = f32 ? 100 : 200;
      for (const [m, n, k] of SHAPES) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const cs: Case = { m, n, k, ta, tb, f32 };
            const p = problem(cs, seed++);
            const variants: Array<[GemmHelpers, number, SplitAxis, number]> = [
              [pool, 1, "rows", 0.5],
              [pool, 1, "cols", 0.5],
              [pool, 1, "auto", 0.3],
              [pool2, 2, "auto", 0.5],
              [pool2, 2, "cols", 0.4],
            ];
            for (const [pl, helpers, axis, share] of variants) {
              const dim = axis === "cols" || (axis === "auto" && n > m) ? n : m;
              // A helper found late by the previous product may still be finishing it.
              while (pl.ready(helpers).length < helpers) await new Promise((r) => setTimeout(r, 1));
              const c = p.make();
              const split = splitGemm(
                pl,
                helpers,
                ta,
                tb,
                m,
                n,
                k,
                p.a,
                p.aOff,
                p.b,
                p.bOff,
                c,
                p.cOff,
                axis,
                share,
              );
              assert.equal(split, dim >= 16, `${JSON.stringify(cs)} split along ${axis}`);
              if (!split) continue;
              sameBits(c, p.want, `${JSON.stringify(cs)} ${helpers} helpers along ${axis}`);
            }
          }
        }
      }
      assert.equal(pool.failed || pool2.failed, false);
    });
  }

  test("refuses what it cannot split: mixed or integer arrays, tiny products, a dimension under 16", () => {
    const a = new Float32Array(64 * 64),
      b = new Float64Array(64 * 64),
      c = new Float32Array(64 * 64);
    assert.equal(splitGemm(pool, 1, false, false, 64, 64, 64, a, 0, b, 0, c, 0), false);
    const i = new Int32Array(64 * 64);
    assert.equal(splitGemm(pool, 1, false, false, 64, 64, 64, i, 0, i, 0, i, 0), false);
    const s = new Float64Array(16 * 16);
    assert.equal(splitGemm(pool, 1, false, false, 16, 15, 16, s, 0, s, 0, s, 0), false);
    const t = new Float64Array(8 * 600);
    assert.equal(
      splitGemm(pool, 1, false, false, 8, 8, 600, t, 0, t, 0, new Float64Array(64), 0, "rows"),
      false,
    );
  });

  test("a product needing more than 32 MiB of scratch does not keep it; the next product gets a new one", () => {
    const cs: Case = { m: 4200, n: 16, k: 1100, ta: true, tb: false, f32: false };
    const p = problem(cs, 11);
    const c = p.make();
    assert.equal(
      splitGemm(pool, 1, cs.ta, cs.tb, cs.m, cs.n, cs.k, p.a, p.aOff, p.b, p.bOff, c, p.cOff),
      true,
    );
    sameBits(c, p.want, "large product");
    assert.equal(pool.scratchBytes, 0);
    const q = problem({ m: 100, n: 100, k: 100, ta: false, tb: false, f32: true }, 12);
    const c2 = q.make();
    assert.equal(splitGemm(pool, 1, false, false, 100, 100, 100, q.a, q.aOff, q.b, q.bOff, c2, q.cOff), true);
    sameBits(c2, q.want, "after the large product");
    assert.ok(pool.scratchBytes > 0 && pool.scratchBytes < 1 << 20);
  });

  test("a helper still busy with an abandoned (interrupted) job is not handed another, and is reusable after", async () => {
    const p = problem({ m: 300, n: 300, k: 300, ta: false, tb: false, f32: true }, 7);
    const [h] = pool.ready(1);
    assert.ok(h !== undefined);
    // What a product interrupted during the main thread's share leaves behind: a posted job nobody waits for.
    pool.scratchOf(4 * 3 * 300 * 300);
    pool.post(h, {
      ta: false,
      tb: false,
      m: 300,
      n: 300,
      k: 300,
      aKind: 0,
      aOff: 0,
      lda: 300,
      bKind: 0,
      bOff: 0,
      ldb: 300,
      cKind: 0,
      cOff: 0,
      ldc: 300,
    });
    const c = p.make();
    const split = splitGemm(pool, 1, false, false, 300, 300, 300, p.a, p.aOff, p.b, p.bOff, c, p.cOff);
    if (!split) gemm(false, false, 300, 300, 300, p.a, p.aOff, p.b, p.bOff, c, p.cOff);
    sameBits(c, p.want, "product issued while the helper was busy");
    while (Atomics.load(h.ctrl, CTRL.state) !== STATE.idle) await new Promise((r) => setTimeout(r, 1));
    const c2 = p.make();
    assert.equal(splitGemm(pool, 1, false, false, 300, 300, 300, p.a, p.aOff, p.b, p.bOff, c2, p.cOff), true);
    sameBits(c2, p.want, "product after the abandoned job finished");
    assert.equal(pool.failed, false);
  });
});

describe("js gemm threads under a kernel interrupt", () => {
  test("SIGINT breaking a cell mid-product (vm breakOnSigint) leaves the helper reusable", async () => {
    const pool = new GemmHelpers();
    pool.ready(1);
    await pool.settled();
    const cs: Case = { m: 256, n: 256, k: 256, ta: false, tb: false, f32: true };
    const p = problem(cs, 77);
    const c = p.make();
    let products = 0;
    // What the kernel's cell runner does: run the cell's synchronous code under breakOnSigint.
    const cell = new Script("for (let i = 0; i < 3000; i++) product();");
    const product = (): void => {
      if (!splitGemm(pool, 1, false, false, 256, 256, 256, p.a, p.aOff, p.b, p.bOff, c, p.cOff))
        gemm(false, false, 256, 256, 256, p.a, p.aOff, p.b, p.bOff, c, p.cOff);
      products++;
    };
    // The kernel's I/O thread sends the SIGINT while the main thread is busy; so does this one.
    const signaller = new Worker(
      `const { parentPort } = require("node:worker_threads");
       parentPort.once("message", () => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200); process.kill(process.pid, "SIGINT"); });`,
      { eval: true },
    );
    await new Promise((r) => signaller.once("online", r));
    signaller.postMessage("go");
    assert.throws(() => cell.runInNewContext({ product }, { breakOnSigint: true }), /interrupted|SIGINT/);
    await signaller.terminate();
    assert.ok(products > 0 && products < 3000, `interrupted after ${products} products`);
    assert.equal(pool.failed, false);
    while (pool.ready(1).length === 0) await new Promise((r) => setTimeout(r, 1));
    const c2 = p.make();
    assert.equal(splitGemm(pool, 1, false, false, 256, 256, 256, p.a, p.aOff, p.b, p.bOff, c2, p.cOff), true);
    sameBits(c2, p.want, "first product after the interrupt");
  });
});

/** A pool whose helper runs `body` (CommonJS, with ctrl: Int32Array and the STATE values in scope). */
function poolRunning(body: string, mainSpinMicros = 50): GemmHelpers {
  const spawn: SpawnHelper = (data, transferList) =>
    new Worker(
      `const { workerData } = require("node:worker_threads");
     const ctrl = new Int32Array(workerData.ctrl);
     const S = ${JSON.stringify(STATE)};
     const waitPosted = () => { while (Atomics.load(ctrl, 0) !== S.posted) Atomics.wait(ctrl, 0, Atomics.load(ctrl, 0), 50); };
     ${body}`,
      { eval: true, workerData: data, transferList },
    );
  return new GemmHelpers({ spawn, mainSpinMicros });
}

// Long enough a spin that the main thread never takes a job back before the helper woke up.
const PICKUP_MICROS = 300_000;

describe("js gemm thread failures fall back to one thread", () => {
  const cs: Case = { m: 200, n: 120, k: 90, ta: true, tb: false, f32: true };

  async function splitWith(pool: GemmHelpers): Promise<{ split: boolean; c: Floats; want: Floats }> {
    pool.ready(1);
    await pool.settled();
    const p = problem(cs, 42);
    const c = p.make();
    const split = splitGemm(pool, 1, cs.ta, cs.tb, cs.m, cs.n, cs.k, p.a, p.aOff, p.b, p.bOff, c, p.cOff);
    if (!split) gemm(cs.ta, cs.tb, cs.m, cs.n, cs.k, p.a, p.aOff, p.b, p.bOff, c, p.cOff);
    return { split, c, want: p.want };
  }

  test("a helper that cannot be created", async () => {
    const pool = new GemmHelpers({
      spawn: () => {
        throw new Error("no threads here");
      },
    });
    const r = await splitWith(pool);
    assert.equal(r.split, false);
    assert.equal(pool.failed, true);
    assert.equal(pool.threads, 1);
    sameBits(r.c, r.want, "cannot create");
  });

  test("a helper whose script throws on start", async () => {
    const pool = poolRunning(`throw new Error("helper start failure");`);
    pool.ready(1);
    for (let i = 0; i < 500 && !pool.failed; i++) await new Promise((r) => setTimeout(r, 5));
    const r = await splitWith(pool);
    assert.equal(r.split, false);
    assert.equal(pool.failed, true, "remembered");
    sameBits(r.c, r.want, "throws on start");
  });

  test("a helper that dies in the middle of a job", async () => {
    const pool = poolRunning(
      `Atomics.store(ctrl, 0, S.idle); Atomics.notify(ctrl, 0);
      waitPosted(); Atomics.compareExchange(ctrl, 0, S.posted, S.running); process.exit(3);`,
      PICKUP_MICROS,
    );
    const r = await splitWith(pool);
    assert.equal(r.split, true);
    sameBits(r.c, r.want, "dies mid-job");
    for (let i = 0; i < 500 && !pool.failed; i++) await new Promise((res) => setTimeout(res, 5));
    assert.equal(pool.failed, true, "remembered once its exit is reported");
    const again = await splitWith(pool);
    assert.equal(again.split, false);
    sameBits(again.c, again.want, "after the helper died");
  });

  test("a helper that is late: the main thread computes its block, and does not hand it another job meanwhile", async () => {
    const pool = poolRunning(
      `Atomics.store(ctrl, 0, S.idle); Atomics.notify(ctrl, 0);
      waitPosted(); Atomics.compareExchange(ctrl, 0, S.posted, S.running); setInterval(() => {}, 1000);`,
      PICKUP_MICROS,
    );
    const r = await splitWith(pool);
    assert.equal(r.split, true);
    assert.equal(pool.stats.late, 1);
    sameBits(r.c, r.want, "late helper");
    const again = await splitWith(pool);
    assert.equal(again.split, false, "still busy: one thread");
    sameBits(again.c, again.want, "while the helper is busy");
    assert.equal(pool.failed, false, "a slow helper is not a dead one");
  });

  test("a helper whose kernel throws", async () => {
    const pool = poolRunning(
      `Atomics.store(ctrl, 0, S.idle); Atomics.notify(ctrl, 0);
      waitPosted(); Atomics.compareExchange(ctrl, 0, S.posted, S.running); Atomics.store(ctrl, 0, S.failed); Atomics.notify(ctrl, 0);
      setInterval(() => {}, 1000);`,
      PICKUP_MICROS,
    );
    const r = await splitWith(pool);
    assert.equal(r.split, true, `split (stats ${JSON.stringify(pool.stats)}, threads ${pool.threads})`);
    assert.equal(pool.failed, true);
    sameBits(r.c, r.want, "kernel throws");
  });

  test("a helper that never picks its job up: the main thread takes the job back", async () => {
    const pool = poolRunning(
      `Atomics.store(ctrl, 0, S.idle); Atomics.notify(ctrl, 0); setInterval(() => {}, 1000);`,
    );
    const r = await splitWith(pool);
    assert.equal(r.split, true);
    assert.equal(pool.stats.reclaimed, 1);
    assert.equal(pool.failed, false, "a slow helper is not a dead one");
    sameBits(r.c, r.want, "taken back");
  });
});

describe("setThreads / threads", () => {
  test("default is min(2, available cores)", () => {
    assert.equal(g.threads(), Math.min(2, availableParallelism()));
  });

  test("rejects anything but an integer from 1 to 64, naming the argument", () => {
    for (const bad of [
      0,
      -1,
      1.5,
      NaN,
      Infinity,
      65,
      "2" as unknown as number,
      undefined as unknown as number,
    ]) {
      assert.throws(
        () => g.setThreads(bad),
        (e: Error) =>
          e instanceof RangeError && /setThreads\(n\): n must be an integer from 1 to 64/.test(e.message),
        String(bad),
      );
    }
    assert.equal(g.threads(), Math.min(2, availableParallelism()), "unchanged after the errors");
  });

  test("the budget caps the wasm kernels too (setThreads(1) means one thread everywhere)", () => {
    const before = g.threads();
    try {
      g.setThreads(1);
      assert.equal(g.info().wasm.maxThreads, 1);
      assert.ok(g.info().wasm.threads <= 1);
      g.setThreads(2);
      assert.equal(g.info().wasm.maxThreads, 2);
    } finally {
      g.setThreads(before);
    }
  });

  test("matmul through the public API: 2 threads bit-identical to 1, and 1 thread never splits", async () => {
    const before = g.threads();
    try {
      g.setBackend("js");
      for (const dtype of ["float32", "float64"] as const) {
        const a = g.tensor(seeded(150 * 170, 3, dtype === "float32"), { dtype }).reshape([150, 170]);
        const b = g.tensor(seeded(170 * 90, 4, dtype === "float32"), { dtype }).reshape([170, 90]);
        assert.ok(150 * 170 * 90 >= THREADED_GEMM_MADDS);
        g.setThreads(1);
        const splits0 = jsGemmHelpers.stats.splits;
        const one = a.matmul(b).data as Floats;
        const oneT = g.matmulT(a, a, true, false).data as Floats;
        assert.equal(jsGemmHelpers.stats.splits, splits0, "one thread never splits");
        g.setThreads(2);
        a.matmul(b); // starts the helper
        await jsGemmHelpers.settled();
        if (jsGemmHelpers.threads < 2) continue; // no threads in this runtime: the one-thread result stands
        // On a loaded machine the helper may still be finishing a block it was late with.
        const idle = async (): Promise<void> => {
          while (jsGemmHelpers.ready(1).length === 0) await new Promise((r) => setTimeout(r, 1));
        };
        await idle();
        const two = a.matmul(b).data as Floats;
        await idle();
        const twoT = g.matmulT(a, a, true, false).data as Floats;
        assert.ok(jsGemmHelpers.stats.splits > splits0, "two threads split the product");
        sameBits(two, one, `${dtype} a @ b`);
        sameBits(twoT, oneT, `${dtype} aᵀ @ a`);
        assert.equal(g.info().js.threads, 2);
      }
    } finally {
      g.setThreads(before);
    }
  });

  test("jsGemm with a budget of 1 is the one-thread kernel", () => {
    const before = g.threads();
    try {
      g.setThreads(1);
      const p = problem({ m: 128, n: 256, k: 200, ta: false, tb: true, f32: true }, 9);
      const c = p.make();
      jsGemm(false, true, 128, 256, 200, p.a, p.aOff, p.b, p.bOff, c, p.cOff);
      sameBits(c, p.want, "budget 1");
      assert.equal(g.info().js.maxThreads, 1);
    } finally {
      g.setThreads(before);
    }
  });
});
