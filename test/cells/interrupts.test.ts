// Interrupts stop synchronous and asynchronous loops with KeyboardInterrupt while the
// kernel and every earlier variable survive: through vm's breakOnSigint (a real SIGINT),
// through the shared interrupt flag polled by compiled loops and await resumptions, and
// through the execution's AbortSignal for cells waiting on something that never settles.
import { spawn } from "node:child_process";
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { NotebookHarness, expectError } from "./cellHarness.js";
import { RecordingSink } from "./recordingSink.js";

describe("interrupts", () => {
  const nb = new NotebookHarness();

  before(async () => {
    // A SIGINT arriving between cells must not kill the test process (the kernel server
    // installs the same kind of listener).
    process.on("SIGINT", () => {});
    await nb.value("const kept = 'alive'; let spins = 0; let ticks = 0;");
  });

  test("a synchronous while (true) {} stops on SIGINT (breakOnSigint)", async () => {
    // The loop must be in the cell's synchronous part (no import or await before it):
    // that part runs under breakOnSigint.
    (globalThis as Record<string, unknown>)["__killSoon"] = () =>
      spawn("sh", ["-c", `sleep 0.3; kill -INT ${process.pid}`], { stdio: "ignore" });
    const { outcome } = await nb.run("(globalThis as any).__killSoon();\nwhile (true) { spins++; }");
    const err = expectError(outcome);
    assert.equal(err.ename, "KeyboardInterrupt");
    assert.equal(await nb.value("kept"), "'alive'");
    assert.ok(Number(await nb.value("spins")) > 0);
  });

  test("a synchronous loop stops when only the shared flag is set (interrupt_request)", async () => {
    const sink = new RecordingSink();
    (globalThis as Record<string, unknown>)["__testFlag"] = sink.flag;
    const { outcome } = await nb.run(`
import { Worker } from "node:worker_threads";
new Worker("const { workerData } = require('node:worker_threads'); setTimeout(() => Atomics.store(workerData, 0, 1), 200);", { eval: true, workerData: (globalThis as any).__testFlag });
spins = 0;
for (;;) { spins++; }`, { sink });
    assert.equal(expectError(outcome).ename, "KeyboardInterrupt");
    assert.ok(Number(await nb.value("spins")) > 0);
    assert.equal(Atomics.load(sink.flag, 0), 0, "the flag is cleared for the next cell");
  });

  test("for (;;) await tick() stops at the next resumption", async () => {
    const sink = new RecordingSink();
    (globalThis as Record<string, unknown>)["__testFlag"] = sink.flag;
    // The timer starts with the cell, so the interrupt lands while the loop runs.
    const { outcome } = await nb.run(
      "setTimeout(() => Atomics.store((globalThis as any).__testFlag, 0, 1), 100);\nconst tick = () => new Promise((r) => setTimeout(r, 2));\nfor (;;) { await tick(); ticks++; }",
      { sink },
    );
    assert.equal(expectError(outcome).ename, "KeyboardInterrupt");
    assert.ok(Number(await nb.value("ticks")) > 0);
    assert.equal(await nb.value("kept"), "'alive'");
  });

  test("a microtask loop (for (;;) await null) stops: the flag is polled after each await", async () => {
    const sink = new RecordingSink();
    (globalThis as Record<string, unknown>)["__testFlag"] = sink.flag;
    const { outcome } = await nb.run(`
import { Worker } from "node:worker_threads";
new Worker("const { workerData } = require('node:worker_threads'); setTimeout(() => Atomics.store(workerData, 0, 1), 200);", { eval: true, workerData: (globalThis as any).__testFlag });
ticks = 0;
for (;;) { await null; ticks++; }`, { sink });
    assert.equal(expectError(outcome).ename, "KeyboardInterrupt");
    assert.ok(Number(await nb.value("ticks")) > 0);
  });

  test("a cell awaiting a promise that never settles stops when the signal aborts", async () => {
    const sink = new RecordingSink();
    setTimeout(() => sink.controller.abort(), 100);
    const { outcome } = await nb.run("await new Promise(() => {});", { sink });
    assert.equal(expectError(outcome).ename, "KeyboardInterrupt");
  });

  test("the display host's signal is the running execution's", async () => {
    const sink = new RecordingSink();
    (globalThis as Record<string, unknown>)["__expectedSignal"] = sink.controller.signal;
    const { sink: shown } = await nb.run("(globalThis as any)[Symbol.for('gradlab.displayHost')].signal === (globalThis as any).__expectedSignal", { sink });
    assert.equal(shown.resultText(), "true");
  });

  test("after all that, ordinary cells still run", async () => {
    assert.equal(await nb.value("kept + '!'"), "'alive!'");
  });
});
