// Interrupts stop synchronous and asynchronous loops with KeyboardInterrupt while the
// kernel and every earlier variable survive: through vm's breakOnSigint (a real SIGINT),
// through the shared interrupt flag polled by compiled loops and await resumptions, and
// through the execution's AbortSignal for cells waiting on something that never settles.
import { spawn } from "node:child_process";
import { Worker } from "node:worker_threads";
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { NotebookHarness, expectError } from "./cellHarness.js";
import { RecordingSink } from "./recordingSink.js";

/** Starts (and waits for) a thread that sets the interrupt flag 150 ms after the cell calls
 *  `(globalThis as any).__armed()`: started before the cell, so a busy main thread cannot
 *  delay it. */
async function armInterrupter(flag: Int32Array): Promise<void> {
  const control = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { workerData } = require("node:worker_threads");
     Atomics.wait(workerData.control, 0, 0);
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
     Atomics.store(workerData.flag, 0, 1);`,
    { eval: true, workerData: { flag, control } },
  );
  await new Promise((resolve) => worker.once("online", resolve));
  worker.unref();
  (globalThis as Record<string, unknown>)["__armed"] = () => {
    Atomics.store(control, 0, 1);
    Atomics.notify(control, 0);
  };
}

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

  test("an interrupt that arrived while the cell compiled stops it before its first statement", async () => {
    // In signal mode the SIGINT listener only runs between tasks; the executor yields once
    // before the cell's synchronous part so that it can, and then finds the flag set.
    await nb.value("spins = 0;");
    // The executor clears the flag when a cell starts; the listener's abort stands in for the
    // SIGINT that came during compilation. The loop ends by itself if the check were missing.
    const { outcome } = await nb.run("spins = 12345;\nwhile (spins < 0) { spins++; }", {
      options: { signal: AbortSignal.abort() },
    });
    assert.equal(expectError(outcome).ename, "KeyboardInterrupt");
    assert.equal(await nb.value("spins"), "0");
  });

  test("a synchronous loop stops when only the shared flag is set (interrupt_request)", async () => {
    const sink = new RecordingSink();
    await armInterrupter(sink.flag);
    // The import makes the loop run after an await, outside breakOnSigint's reach.
    const { outcome } = await nb.run(
      "import { EOL } from 'node:os';\nspins = EOL.length - 1;\n(globalThis as any).__armed();\nfor (;;) { spins++; }",
      { sink },
    );
    assert.equal(expectError(outcome).ename, "KeyboardInterrupt");
    assert.ok(Number(await nb.value("spins")) > 0);
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
    await armInterrupter(sink.flag);
    const { outcome } = await nb.run(
      "ticks = 0;\n(globalThis as any).__armed();\nfor (;;) { await null; ticks++; }",
      { sink },
    );
    assert.equal(expectError(outcome).ename, "KeyboardInterrupt");
    assert.ok(Number(await nb.value("ticks")) > 0);
  });

  test("a cell awaiting a promise that never settles stops when the signal aborts", async () => {
    const sink = new RecordingSink();
    setTimeout(() => sink.controller.abort(), 100);
    const { outcome } = await nb.run("await new Promise(() => {});", { sink });
    assert.equal(expectError(outcome).ename, "KeyboardInterrupt");
  });

  test("the display host's signal and interrupt flag are the running execution's", async () => {
    const sink = new RecordingSink();
    (globalThis as Record<string, unknown>)["__expectedSignal"] = sink.controller.signal;
    (globalThis as Record<string, unknown>)["__expectedFlag"] = sink.flag;
    const { sink: shown } = await nb.run(
      "const hostNow = (globalThis as any)[Symbol.for('gradlab.displayHost')];\nhostNow.signal === (globalThis as any).__expectedSignal && hostNow.interruptFlag === (globalThis as any).__expectedFlag",
      { sink },
    );
    assert.equal(shown.resultText(), "true");
  });

  test("after all that, ordinary cells still run", async () => {
    assert.equal(await nb.value("kept + '!'"), "'alive!'");
  });
});
