// The second thread of the wasm backend: it shares the main thread's module and memory, runs
// its own C stack, and runs the job the control block names on its share of the data (the
// lower rows of a product, the second half of an elementwise array).
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

Atomics.store(ctrl, ctrlIndex + CTRL.state, STATE.ready);
Atomics.notify(ctrl, ctrlIndex + CTRL.state);
for (;;) {
  const s = Atomics.load(ctrl, ctrlIndex + CTRL.state);
  if (s !== STATE.work) {
    Atomics.wait(ctrl, ctrlIndex + CTRL.state, s);
    continue;
  }
  const job = JOBS[Atomics.load(ctrl, ctrlIndex + CTRL.job)];
  args.length = 0;
  for (let i = 0; i < 12; i++) args.push(Atomics.load(ctrl, ctrlIndex + CTRL.args + i));
  (k[job] as (...a: number[]) => void)(...args);
  Atomics.store(ctrl, ctrlIndex + CTRL.state, STATE.idle);
  Atomics.notify(ctrl, ctrlIndex + CTRL.state);
}
