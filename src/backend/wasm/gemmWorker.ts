// The second thread of the wasm backend: it shares the main thread's module and memory, runs
// its own C stack, and runs the job the control block names on its share of the data (work
// items of a product taken from the job's shared counters, the second half of an elementwise
// array).
import { workerData } from "node:worker_threads";
import { CTRL, JOBS, STATE, type KernelExports } from "./wasmRuntime.js";
import { webAssembly, type WasmMemory, type WasmModule } from "./webAssemblyApi.js";

const { module, memory, ctrlIndex, stackTop } = workerData as {
  module: WasmModule;
  memory: WasmMemory;
  ctrlIndex: number;
  stackTop: number;
};
const k = new webAssembly!.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
k.__stack_pointer.value = stackTop;
const ctrl = new Int32Array(memory.buffer);
const args: number[] = [];

const at = ctrlIndex + CTRL.state;

Atomics.store(ctrl, at, STATE.ready);
Atomics.notify(ctrl, at);
for (;;) {
  const s = Atomics.load(ctrl, at);
  if (s !== STATE.work) {
    // No busy polling between jobs: on this 2-core VM a polling helper shares a core with the
    // main thread whenever V8's GC threads hold the other one (after a full GC), and then slows
    // the product down instead of sharing it.
    Atomics.wait(ctrl, at, s);
    continue;
  }
  // The poster may take an unclaimed job back; only the winner of this exchange runs it.
  if (Atomics.compareExchange(ctrl, at, STATE.work, STATE.running) !== STATE.work) continue;
  const job = JOBS[Atomics.load(ctrl, ctrlIndex + CTRL.job)];
  args.length = 0;
  for (let i = 0; i < 12; i++) args.push(Atomics.load(ctrl, ctrlIndex + CTRL.args + i));
  (k[job] as (...a: number[]) => void)(...args);
  Atomics.store(ctrl, at, STATE.idle);
  Atomics.notify(ctrl, at);
}
