// Cell code for the integration tests, per executor flavor. The test JavaScript executor
// and the TypeScript executor expose the same globals (display, clearOutput, input), but
// TypeScript cells need types where JavaScript has none.
import type { KernelFlavor } from "../helpers/kernelProcess.js";

/**
 * The real TypeScript executor; GRADLAB_TEST_EXECUTOR=js swaps in the small test
 * JavaScript executor to tell protocol faults from executor faults.
 * @example
 * const kernel = await startKernelProcess({ flavor: kernelFlavor() });
 */
export function kernelFlavor(): KernelFlavor {
  return process.env.GRADLAB_TEST_EXECUTOR === "js" ? "js" : "typescript";
}

const COMMS = `(globalThis as any)[Symbol.for("gradlab.comms")]`;

/** Cells keyed by role; `%(path)s` is replaced by the Python client with a file path. */
export function cellCode(flavor: KernelFlavor) {
  const ts = flavor === "typescript";
  const comms = ts ? COMMS : "comms()";
  const fs = `process.getBuiltinModule("node:fs")`;
  return {
    tour: {
      hello: `console.log("hello"); 6 * 7`,
      error: `throw new RangeError("bad range")`,
      display: `const h = display({ "text/html": "<b>x</b>", "text/plain": "x" }, { id: "d1" }); await h.update({ "text/plain": "y" }); clearOutput(true)`,
      silent: `console.log("quiet"); 5`,
      kept: ts ? `(globalThis as any).kept = 11` : `globalThis.kept = 11`,
      ue: ts ? `(globalThis as any).ue = 3` : `globalThis.ue = 3`,
      ue_double: ts ? `(globalThis as any).ue * 2` : `ue * 2`,
      complete: ts ? `const completeMe = 1; completeM` : `globalThis.ke`,
      inspect: ts ? `Math.max` : `kept`,
      is_complete: ["1 + 1", "function f() {", "1 +* )"],
      comm_target: `${comms}.registerTarget("echo", (comm${ts ? ": any" : ""}, open${ts ? ": any" : ""}) => {
  comm.send({ opened: open.data.hello });
  comm.onMsg = (m${ts ? ": any" : ""}) => comm.send({ echo: m.data.value });
});`,
      kernel_comm: `const c = ${comms}.open("from-kernel", { a: 1 }); c.send({ b: 2 }); c.close(); "done"`,
      input: `await input("name? ")`,
    },
    /** Prints "waiting", then spins synchronously until the file exists. */
    waitForFile: `console.log("waiting"); while (!${fs}.existsSync("%(path)s")) {} "released"`,
    /** Prints "waiting", spins until the file exists, then throws. */
    waitThenFail: `console.log("waiting"); while (!${fs}.existsSync("%(path)s")) {} throw new Error("planned failure")`,
    setState: `const before = "kept"; Reflect.set(globalThis, "marker", 1)`,
    checkState: `before`,
    checkFresh: `Reflect.get(globalThis, "marker") ?? "fresh"`,
    /** Leaves a timer and a listening server open; shutdown must still exit at once. */
    leaveOpen: `setInterval(() => {}, 1000); process.getBuiltinModule("node:net").createServer().listen(0, "127.0.0.1"); "left open"`,
    syncLoop: `console.log("spinning"); while (true) {}`,
    asyncLoop: `console.log("awaiting"); for (;;) await new Promise((r) => setTimeout(r, 10));`,
    printAndResult: `console.log("x"); 1 + 1`,
    /** Prints, then prints again from a timer the cell awaits, then returns a value. */
    timerPrintAndResult: ts
      ? `console.log("x"); await new Promise<void>((r) => setTimeout(() => { console.log("y"); r(); }, 0)); 1 + 1`
      : `console.log("x"); await new Promise((r) => setTimeout(() => { console.log("y"); r(); }, 0)); return 1 + 1`,
    bigPrint: (n: number) => `for (let i = 0; i < ${n}; i++) console.log("line " + i)`,
  };
}
