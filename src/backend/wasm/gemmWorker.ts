// The second thread of the wasm backend: it shares the main thread's module and memory, runs
// its own C stack, and runs the job the control block names on its share of the data (work
// items of a product taken from the job's shared counters, the second half of an elementwise
// array).
import { workerData } from "node:worker_threads";
import { CTRL, JOBS, STATE, type KernelExports } from "./wasmRuntime.js";
import { webAssembly, type WasmMemory, type WasmModule } from "./webAssemblyApi.js";

const { module, memory, ctrlIndex, stackTop } = workerData as {
  module: WasmModule; memory: WasmMemory; ctrlIndex: number; stackTop: number;
};
const k = new webAssembly!.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
k.__stack_pointer.value = stackTop;
const ctrl = new Int32Array(memory.buffer);
const args: number[] = [];

/** How long the helper polls for the next job after a job or a prewake before it sleeps: a
 * thread woken from Atomics.wait on an idle core of this VM starts 0.1-3 ms late, while
 * back-to-back products (a training step) arrive well within this. */
const SPIN_MS = 2;
const at = ctrlIndex + CTRL.state;

function pollForWork(): void {
  const until = performance.now() + SPIN_MS;
  while (Atomics.load(ctrl, at) !== STATE.work && performance.now() < until) {
    for (let i = 0; i < 200 && Atomics.load(ctrl, at) !== STATE.work; i++);
  }
}

Atomics.store(ctrl, at, STATE.ready);
Atomics.notify(ctrl, at);
for (;;) {
  const s = Atomics.load(ctrl, at);
  if (s !== STATE.work) {
    // Woken without a job (a prewake) or just done with one: poll a little, then sleep.
    pollForWork();
    if (Atomics.load(ctrl, at) !== STATE.work) Atomics.wait(ctrl, at, Atomics.load(ctrl, at));
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
